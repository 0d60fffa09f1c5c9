import type { Resource } from '@medplum/fhirtypes';
import { nodeFhirDefinitions } from '../../../cli/commands/fhir';
import { FhirValidator } from '../../../common/fhir/validator';
import type { Observation } from '../../../common/readings/observation';
import type { Patient } from '../../../common/patient/patient';
import type { ObservationContext } from '../../../common/fhir/map-observation';

/** One validator for every FHIR test file (the definitions are indexed once per worker). */
export const validator = new FhirValidator(nodeFhirDefinitions);

export const PATIENT_ID = '01938a3e-0000-7000-8000-000000000001';
export const CLINIC_ID = '01938a3e-0000-7000-8000-0000000000c1';
export const T0 = Date.UTC(2026, 10, 20, 8, 30);

export function samplePatient(over: Partial<Patient> = {}): Patient {
  return {
    id: PATIENT_ID, clinicId: CLINIC_ID, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', deleted: false, stamps: {},
    givenName: 'Ruth', familyName: 'Okafor', preferredName: 'Ru', birthDate: '1951-05-04', sex: 'female', mrn: 'MRN-001',
    identifiers: [{ system: 'NHS', value: '943 476 5919' }], phone: '+1 555 0100 7777', email: 'ruth@example.org',
    address: { line: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' },
    preferredLanguage: 'en', preferredChannel: 'email', conditions: [], medications: [], allergies: [], tags: ['remote-monitoring'], careTeam: [],
    status: 'active', searchTokens: [],
    ...over,
  };
}

export function reading(metric: Observation['metric'], value: number, unit: string, over: Partial<Observation> = {}): Observation {
  return {
    id: `SN123:${metric}:${T0}`, clinicId: CLINIC_ID, patientId: PATIENT_ID, metric, value, unit, timeMs: T0,
    source: { kind: 'device', grade: 'clinical', deviceId: 'dev-1', sessionId: 'sess-1' }, flags: [], receivedMs: T0 + 60_000, ...over,
  };
}

export const noDevices: ObservationContext = { glucoseSource: () => 'unknown', deviceResourceId: () => undefined };

/** Every error of every resource, by resource; valid resources map to []. */
export function validationErrors(resources: readonly Resource[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of resources) {
    const issues = validator.validate(r);
    if (issues.length) out[`${r.resourceType}/${r.id ?? '?'}`] = issues.map((i) => `${i.path}: ${i.message}`);
  }
  return out;
}
