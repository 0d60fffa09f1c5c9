import { describe, expect, it } from 'vitest';
import { PatientInput, ageOn } from '../../../common/patient/patient';
import { generateDemoPatients } from '../../../renderer/src/engine/demo/generate-patients';

describe('demo clinic generator', () => {
  const today = new Date('2026-11-24T12:00:00Z');
  const patients = generateDemoPatients(500, 42, today);

  it('makes valid, unique patients deterministically for a seed', () => {
    for (const p of patients) expect(PatientInput.safeParse(p).success).toBe(true);
    expect(new Set(patients.map((p) => p.mrn)).size).toBe(500);
    expect(generateDemoPatients(500, 42, today)).toEqual(patients);
    expect(generateDemoPatients(5, 43, today)).not.toEqual(patients.slice(0, 5));
  });

  it('looks like a monitoring clinic: adults skewed older, common chronic conditions with matching medication', () => {
    const ages = patients.map((p) => ageOn(p.birthDate, '2026-11-24'));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(95);
    const median = [...ages].sort((a, b) => a - b)[250]!;
    expect(median).toBeGreaterThan(45);
    const hypertensive = patients.filter((p) => p.conditions?.some((c) => c.code === 'I10'));
    expect(hypertensive.length / 500).toBeGreaterThan(0.3);
    expect(hypertensive.every((p) => p.medications?.some((m) => m.name === 'Lisinopril'))).toBe(true);
    expect(patients.filter((p) => p.tags?.includes('remote-monitoring')).length).toBeGreaterThan(50);
  });
});
