import { describe, expect, it } from 'vitest';
import { fromFhir, FhirObservationSchema } from '../../../server/ingest/fhir';
import { fromOpenMHealth, OmhDataPointSchema } from '../../../server/ingest/open-mhealth';
import { checkReading, IngestError } from '../../../server/ingest/reading';

const at = '2025-03-01T08:30:00+01:00';
const omh = (name: string, body: Record<string, unknown>) => OmhDataPointSchema.parse({ header: { id: 'p1', schema_id: { namespace: 'omh', name, version: '1.0' } }, body: { ...body, effective_time_frame: { date_time: at } } });
const fhir = (code: string, valueQuantity: Record<string, unknown>) =>
  FhirObservationSchema.parse({ resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code }] }, effectiveDateTime: at, valueQuantity });

describe('device ingest mapping', () => {
  it('maps each Open mHealth schema to CareLoop metrics and UCUM units', () => {
    const t = Date.parse(at);
    expect(fromOpenMHealth(omh('heart-rate', { heart_rate: { value: 61, unit: 'beats/min' } }))).toEqual([{ sourceId: 'p1', timeMs: t, grouped: false, metric: 'heart-rate', value: 61, unit: '/min' }]);
    expect(fromOpenMHealth(omh('blood-pressure', { systolic_blood_pressure: { value: 130, unit: 'mmHg' }, diastolic_blood_pressure: { value: 85, unit: 'mmHg' } })).map((r) => [r.metric, r.value, r.unit, r.grouped])).toEqual([
      ['blood-pressure-systolic', 130, 'mm[Hg]', true],
      ['blood-pressure-diastolic', 85, 'mm[Hg]', true],
    ]);
    expect(fromOpenMHealth(omh('body-weight', { body_weight: { value: 176.37, unit: 'lb' } }))[0]!.value).toBeCloseTo(80, 1);
    expect(fromOpenMHealth(omh('blood-glucose', { blood_glucose: { value: 5.4, unit: 'mmol/L' } }))[0]).toMatchObject({ metric: 'glucose', unit: 'mmol/L' });
    expect(fromOpenMHealth(omh('oxygen-saturation', { oxygen_saturation: { value: 97, unit: '%' } }))[0]).toMatchObject({ metric: 'spo2', value: 97 });
    // A month's average is a statistic, not a measurement the rules may judge.
    expect(() => fromOpenMHealth(omh('blood-glucose', { blood_glucose: { value: 120, unit: 'mg/dL' }, descriptive_statistic: 'average' }))).toThrow(/statistic over a period is not a reading/);
  });

  it('maps FHIR vital-sign Observations by LOINC code', () => {
    expect(fromFhir(fhir('8867-4', { value: 70, code: '/min' }))[0]).toMatchObject({ metric: 'heart-rate', value: 70, unit: '/min' });
    expect(fromFhir(fhir('29463-7', { value: 72500, code: 'g' }))[0]).toMatchObject({ metric: 'body-weight', value: 72.5, unit: 'kg' });
    expect(fromFhir(fhir('2339-0', { value: 104, code: 'mg/dL' }))[0]).toMatchObject({ metric: 'glucose', unit: 'mg/dL' });
    expect(fromFhir(fhir('59408-5', { value: 95, code: '%' }))[0]).toMatchObject({ metric: 'spo2' });
    expect(() => fromFhir(fhir('8867-4', { value: 70, code: 'Hz' }))).toThrow(IngestError);
    expect(() => fromFhir({ ...fhir('8867-4', { value: 70, code: '/min' }), status: 'entered-in-error' })).toThrow(/not stored/);
  });

  it('refuses implausible values and future times', () => {
    const r = { sourceId: 'x', metric: 'spo2' as const, value: 101, unit: '%', timeMs: Date.now(), grouped: false };
    expect(() => checkReading(r, Date.now())).toThrow(/outside/);
    expect(() => checkReading({ ...r, value: 97, timeMs: Date.now() + 3_600_000 }, Date.now())).toThrow(/future/);
    expect(checkReading({ ...r, value: 97 }, Date.now()).value).toBe(97);
  });
});
