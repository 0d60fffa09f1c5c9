import { describe, expect, it } from 'vitest';
import type { Observation as FhirObservation } from '@medplum/fhirtypes';
import { observationToFhir, observationsToFhir, readingsFromFhir } from '../../../common/fhir/map-observation';
import { LOINC, METRIC_SYSTEM, OBSERVATION_CATEGORY, UCUM } from '../../../common/fhir/systems';
import { noDevices, reading, validationErrors } from './kit';

const loincOf = (o: FhirObservation) => (o.code.coding ?? []).filter((c) => c.system === LOINC).map((c) => c.code);

describe('FHIR vital signs: LOINC codes and UCUM units exactly as issue 10 lists', () => {
  const cases = [
    ['heart-rate', 72, '/min', ['8867-4'], '/min'],
    ['pulse-rate', 64, '/min', ['8867-4'], '/min'],
    ['respiratory-rate', 16, '/min', ['9279-1'], '/min'],
    ['spo2', 97, '%', ['2708-6', '59408-5'], '%'],
    ['body-temperature', 37.2, 'Cel', ['8310-5'], 'Cel'],
    ['body-weight', 81.4, 'kg', ['29463-7'], 'kg'],
    ['glucose', 118, 'mg/dL', ['2339-0'], 'mg/dL'],
    ['steps', 8421, '{steps}', ['41950-7'], '{steps}'],
    ['hrv-sdnn', 42, 'ms', ['80404-7'], 'ms'],
  ] as const;

  it.each(cases.map(([metric, value, unit, loinc, ucum]) => ({ metric, value, unit, loinc, ucum })))('$metric is LOINC $loinc in $ucum', ({ metric, value, unit, loinc, ucum }) => {
    const o = observationToFhir(reading(metric, value, unit), noDevices);
    expect(loincOf(o)).toEqual(loinc);
    expect(o.valueQuantity).toEqual({ value, unit: ucum, system: UCUM, code: ucum });
    expect(o.code.coding).toContainEqual({ system: METRIC_SYSTEM, code: metric });
    expect(validationErrors([o])).toEqual({});
    const back = readingsFromFhir(o, 'test');
    expect(back).toMatchObject({ ok: true, readings: [{ metric, value, unit: ucum, timeMs: o.effectiveDateTime ? Date.parse(o.effectiveDateTime) : 0 }] });
  });

  it('vital signs carry the vital-signs category; steps are activity', () => {
    const cat = (o: FhirObservation) => o.category?.[0]?.coding?.[0];
    expect(cat(observationToFhir(reading('heart-rate', 60, '/min'), noDevices))).toMatchObject({ system: OBSERVATION_CATEGORY, code: 'vital-signs' });
    expect(cat(observationToFhir(reading('steps', 6000, '{steps}'), noDevices))?.code).toBe('activity');
  });

  it('glucose is 41653-7 from a meter, 99504-3 from a CGM, 2339-0 otherwise, always mg/dL', () => {
    const ctx = (s: 'meter' | 'cgm') => ({ glucoseSource: () => s, deviceResourceId: () => undefined });
    expect(loincOf(observationToFhir(reading('glucose', 100, 'mg/dL'), ctx('meter')))).toEqual(['41653-7']);
    expect(loincOf(observationToFhir(reading('glucose', 100, 'mg/dL'), ctx('cgm')))).toEqual(['99504-3']);
    const mmol = observationToFhir(reading('glucose', 5.5, 'mmol/L'), noDevices);
    expect(mmol.valueQuantity?.code).toBe('mg/dL');
    expect(mmol.valueQuantity?.value).toBeCloseTo(99.09, 2);
    for (const code of ['41653-7', '99504-3', '2339-0']) {
      const o: FhirObservation = { resourceType: 'Observation', id: 'g', status: 'final', code: { coding: [{ system: LOINC, code }] }, subject: { reference: 'Patient/p' }, effectiveDateTime: '2026-11-20T08:00:00Z', valueQuantity: { value: 101, unit: 'mg/dL', system: UCUM, code: 'mg/dL' } };
      expect(readingsFromFhir(o, 'x')).toMatchObject({ ok: true, readings: [{ metric: 'glucose', value: 101 }] });
    }
  });

  it('a blood pressure is the 85354-9 panel with 8480-6 and 8462-4 components in mm[Hg]', () => {
    const group = 'SN123:bp:1';
    const rows = [
      reading('blood-pressure-systolic', 142, 'mm[Hg]', { id: 'SN123:7:blood-pressure-systolic', groupId: group }),
      reading('blood-pressure-diastolic', 91, 'mm[Hg]', { id: 'SN123:7:blood-pressure-diastolic', groupId: group }),
      reading('pulse-rate', 66, '/min', { id: 'SN123:7:pulse-rate', groupId: group }),
    ];
    const out = observationsToFhir(rows, noDevices);
    expect(out).toHaveLength(2);
    const panel = out[0]!;
    expect(loincOf(panel)).toEqual(['85354-9']);
    expect(panel.valueQuantity).toBeUndefined();
    expect(panel.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value, c.valueQuantity?.code])).toEqual([['8480-6', 142, 'mm[Hg]'], ['8462-4', 91, 'mm[Hg]']]);
    expect(loincOf(out[1]!)).toEqual(['8867-4']);
    expect(validationErrors(out)).toEqual({});
    const back = readingsFromFhir(panel, 'x');
    expect(back.ok && back.readings.map((r) => [r.id, r.metric, r.value, r.groupId])).toEqual([
      ['SN123:7:blood-pressure-systolic', 'blood-pressure-systolic', 142, group],
      ['SN123:7:blood-pressure-diastolic', 'blood-pressure-diastolic', 91, group],
    ]);
  });

  it('pounds and Fahrenheit are exported in kg and Cel', () => {
    expect(observationToFhir(reading('body-weight', 180, '[lb_av]'), noDevices).valueQuantity?.value).toBeCloseTo(81.6466, 4);
    expect(observationToFhir(reading('body-temperature', 98.6, '[degF]'), noDevices).valueQuantity?.value).toBeCloseTo(37, 6);
  });

  it('a value the device could not give is a dataAbsentReason, and comes back as NaN with its flag', () => {
    const o = observationToFhir(reading('spo2', Number.NaN, '%', { flags: ['not-a-number'] }), noDevices);
    expect(o.valueQuantity).toBeUndefined();
    expect(o.dataAbsentReason?.coding?.[0]?.code).toBe('not-a-number');
    expect(validationErrors([o])).toEqual({});
    const back = readingsFromFhir(o, 'x');
    expect(back.ok && Number.isNaN(back.readings[0]!.value) && back.readings[0]!.flags).toEqual(['not-a-number']);
  });

  it('sleep duration 93832-4 is recognised but reported as not stored; a wrong unit is refused with the reason', () => {
    const base = { resourceType: 'Observation' as const, status: 'final' as const, subject: { reference: 'Patient/p' }, effectiveDateTime: '2026-11-20T08:00:00Z' };
    expect(readingsFromFhir({ ...base, code: { coding: [{ system: LOINC, code: '93832-4' }] }, valueQuantity: { value: 7.5, code: 'h' } }, 'x')).toEqual({ ok: false, reason: expect.stringContaining('sleep duration') });
    expect(readingsFromFhir({ ...base, code: { coding: [{ system: LOINC, code: '8867-4' }] }, valueQuantity: { value: 1.2, code: 'Hz' } }, 'x')).toEqual({ ok: false, reason: 'unit "Hz" cannot be converted to /min for heart-rate' });
  });
});
