import { describe, expect, it } from 'vitest';
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { planImport, type PatientDirectory } from '../../../common/fhir/import-plan';
import { patientToFhir } from '../../../common/fhir/map-patient';
import { parseFhirText } from '../../../common/fhir/parse';
import { samplePatient, validator } from './kit';

const emptyDirectory: PatientDirectory = { byMrn: async () => undefined, byBirthDate: async () => [], byId: async () => undefined };

describe("FHIR's JSON rules on import", () => {
  it('refuses empty strings, objects and lists and stray nulls by path, and keeps the other entries', () => {
    const good = patientToFhir(samplePatient(), 'org');
    const broken = [
      { ...good, id: 'a', extension: '' },
      { ...good, id: 'b', address: [{}] },
      { ...good, id: 'c', telecom: [] },
      { ...good, id: 'd', gender: null },
    ];
    const text = JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [good, ...broken].map((resource) => ({ resource })) });
    const parsed = parseFhirText(text, validator);
    expect(parsed.entries.map((e) => e.index)).toEqual([0]);
    expect(parsed.problems.map((p) => [p.index, p.code, p.reason])).toEqual([
      [1, 'invalid-resource', 'Patient.extension: empty string (leave the element out)'],
      [2, 'invalid-resource', 'Patient.address[0]: empty object (leave the element out)'],
      [3, 'invalid-resource', 'Patient.telecom: empty list (leave the element out)'],
      [4, 'invalid-resource', 'Patient.gender: null is not a value (leave the element out)'],
    ]);
  });

  it('allows null inside a list, where FHIR JSON uses it for a primitive that has only an extension', () => {
    const p = { ...patientToFhir(samplePatient(), 'org'), name: [{ family: 'Okafor', given: ['Ruth', null], _given: [null, { extension: [{ url: 'http://example.org/x', valueString: 'y' }] }] }] };
    expect(validator.validate(p as unknown as FhirPatient).filter((i) => i.message.includes('null'))).toEqual([]);
  });

  it('a resource whose shape a mapper cannot read costs that resource only, named as a problem', async () => {
    // Handed to the planner directly, as if a validator had let the wrong shape through.
    const odd = { ...patientToFhir(samplePatient(), 'org'), id: 'odd', extension: 'preferred' } as unknown as FhirPatient;
    const fine = { ...patientToFhir(samplePatient({ mrn: 'MRN-002' }), 'org'), id: 'fine' };
    const plan = await planImport([{ index: 0, resource: odd }, { index: 1, resource: fine }], [], emptyDirectory, { sourceSystem: 'test' });
    expect(plan.patients.map((p) => p.key)).toEqual(['fine']);
    expect(plan.problems).toEqual([{ code: 'unmapped', index: 0, resourceType: 'Patient', id: 'odd', reason: 'an element does not have the shape FHIR R4 gives it, so the resource cannot be read' }]);
  });
});
