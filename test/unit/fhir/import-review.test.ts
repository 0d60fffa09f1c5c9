import { describe, expect, it } from 'vitest';
import { parseFhirText } from '../../../common/fhir/parse';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { applyFhirImport, ImportDecisionError, planFhirImport, readingsAlreadyStored } from '../../../renderer/src/db/fhir-import';
import { importResultText } from '../../../renderer/src/components/fhir/fhir-import-text';
import { validator } from './kit';
import { exportBundleText, openClinic, resourcesOf, seedClinic, type Clinic } from './db-kit';

/** A clinic where Ruth exists under another MRN, and the plan of importing the seeded clinic's export into it. */
async function reviewCase(name: string) {
  const source = await openClinic(`${name}-src`);
  await seedClinic(source);
  const resources = resourcesOf(await exportBundleText(source)).filter((r) => r.resourceType === 'Patient' || r.resourceType === 'Observation');
  const text = JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) });
  const target: Clinic = await openClinic(`${name}-dst`, 'clinic-r');
  const local = await new PatientRepository(target.db, target.ctx).create({ givenName: 'Ruth', familyName: 'Okafor', birthDate: '1951-05-04', sex: 'female', mrn: 'LOCAL-77', phone: '+1 555 0100 1111' });
  const plan = await planFhirImport(target.db, parseFhirText(text, validator), { sourceSystem: 'file', fileName: 'referral.json' });
  const ruthKey = plan.patients.find((c) => c.match.kind === 'needs-review')!.key;
  return { target, local, plan, ruthKey };
}

describe('FHIR import review and apply', { timeout: 30_000 }, () => {
  it('a decision naming a patient that does not exist fails the whole import: nothing is half-imported', async () => {
    const { target, plan, ruthKey } = await reviewCase('half');
    await expect(applyFhirImport(target.db, target.ctx, plan, { [ruthKey]: { action: 'use', patientId: 'no-such-patient' } })).rejects.toBeInstanceOf(ImportDecisionError);
    expect(await target.db.patients.count()).toBe(1);
    expect(await target.db.observations.count()).toBe(0);
    expect(await target.db.audit.where('action').equals('patient.create').count()).toBe(1);
  });

  it('skipping the reviewed patient leaves their readings out; progress ends at the total; the result reads as one sentence', async () => {
    const { target, plan, ruthKey } = await reviewCase('skip');
    expect(await readingsAlreadyStored(target.db, plan)).toBe(0);
    const steps: { done: number; total: number }[] = [];
    const result = await applyFhirImport(target.db, target.ctx, plan, { [ruthKey]: { action: 'skip' } }, (p) => steps.push(p));
    expect(result).toMatchObject({ patientsCreated: 2, patientsSkipped: 1, readingsAdded: 24, readingsSkipped: 12 });
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.map((s) => s.done)).toEqual([...steps.map((s) => s.done)].sort((a, b) => a - b));
    expect(steps.at(-1)).toEqual({ done: steps[0]!.total, total: steps[0]!.total });
    expect(importResultText(result)).toBe(`Imported: 2 patient(s) added, 0 matched, 1 skipped, 24 reading(s) added, 0 already stored, 12 of skipped patients left out, 0 resource(s) not imported.`);
    expect(result.seriesSamplesAdded).toBe(0); // the series are all Ruth's
    // The skipped patient's readings are still not stored; the others now are.
    expect(await readingsAlreadyStored(target.db, plan)).toBe(24);
  });

  it('"a different person" creates a new patient beside the existing one', async () => {
    const { target, local, plan, ruthKey } = await reviewCase('create');
    const result = await applyFhirImport(target.db, target.ctx, plan, { [ruthKey]: { action: 'create' } });
    expect(result).toMatchObject({ patientsCreated: 3, readingsAdded: 36 });
    const ruths = (await target.db.patients.toArray()).filter((p) => p.familyName === 'Okafor');
    expect(ruths.map((p) => p.mrn).sort()).toEqual(['LOCAL-77', 'RO-1001']);
    expect(await target.db.observations.where('patientId').equals(local.id).count()).toBe(0);
    expect(await readingsAlreadyStored(target.db, plan)).toBe(36);
  });
});
