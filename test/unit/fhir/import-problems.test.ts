import { describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { FhirInputError } from '../../../common/fhir/errors';
import { parseFhirText } from '../../../common/fhir/parse';
import { applyFhirImport, planFhirImport } from '../../../renderer/src/db/fhir-import';
import { validator } from './kit';
import { exportBundleText, openClinic, resourcesOf, seedClinic } from './db-kit';

describe('FHIR import reports what it does not import', () => {
  it('a bundle with an unknown resource type and a malformed resource reports both by index and imports the rest only after apply', async () => {
    const source = await openClinic('problems-src');
    await seedClinic(source);
    const good = resourcesOf(await exportBundleText(source)).filter((r) => r.resourceType === 'Patient' || r.resourceType === 'Observation');
    const entries: unknown[] = good.map((resource) => ({ resource }));
    entries.splice(1, 0, { resource: { resourceType: 'Spaceship', id: 'enterprise' } });
    entries.splice(3, 0, { resource: { resourceType: 'Observation', id: 'broken', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/nobody' }, valueQuantity: { value: 'seventy' } } });
    const text = JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: entries });

    const parsed = parseFhirText(text, validator);
    expect(parsed.problems).toEqual([
      { code: 'unknown-resource-type', index: 1, resourceType: 'Spaceship', id: 'enterprise', reason: '"Spaceship" is not a FHIR R4 resource type' },
      { code: 'invalid-resource', index: 3, resourceType: 'Observation', id: 'broken', reason: 'Observation.value[x].value: Invalid JSON type: expected number, but got string' },
    ]);
    expect(parsed.entries).toHaveLength(good.length);

    const target = await openClinic('problems-dst', 'clinic-x');
    const plan = await planFhirImport(target.db, parsed, { sourceSystem: 'upload', fileName: 'mixed.json' });
    expect(plan.problems.map((p) => [p.index, p.code])).toEqual([[1, 'unknown-resource-type'], [3, 'invalid-resource']]);
    expect(await target.db.patients.count()).toBe(0);
    expect(await target.db.observations.count()).toBe(0);

    const result = await applyFhirImport(target.db, target.ctx, plan);
    expect(result.problems).toHaveLength(2);
    expect(result).toMatchObject({ patientsCreated: 3, readingsAdded: 36 });
    expect((await target.db.meta.get(`fhir-import:${result.importId}`))?.value).toMatchObject({ sourceSystem: 'upload', fileName: 'mixed.json', readingsAdded: 36 });
    const sessions = new Set((await target.db.observations.toArray()).map((o) => `${o.source.kind}:${o.source.sessionId}`));
    expect(sessions).toEqual(new Set([`import:${result.importId}`]));
  });

  it('names readings whose patient is nowhere, patients without an MRN, and NDJSON lines that are not JSON', async () => {
    const obs = { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: 'Patient/ghost' }, effectiveDateTime: '2026-11-20T08:00:00Z', valueQuantity: { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
    const noMrn = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jan'] }], birthDate: '1970-01-01' };
    const ofNoMrn = { ...obs, id: 'o2', subject: { reference: 'Patient/p1' } };
    const text = [JSON.stringify(obs), '{"resourceType": "Patient", "id": ', JSON.stringify(noMrn), JSON.stringify(ofNoMrn), ''].join('\n');
    const parsed = parseFhirText(text, validator);
    expect(parsed.format).toBe('ndjson');
    expect(parsed.problems).toEqual([{ code: 'not-json', index: 1, reason: 'line is not valid JSON' }]);
    const target = await openClinic('problems-ndjson');
    const plan = await planFhirImport(target.db, parsed, { sourceSystem: 'upload' });
    expect(plan.problems).toEqual([
      { code: 'unresolved-reference', index: 0, resourceType: 'Observation', id: 'o1', reason: 'subject Patient/ghost is neither in this import nor in the clinic' },
      { code: 'not-json', index: 1, reason: 'line is not valid JSON' },
      { code: 'unmapped', index: 2, resourceType: 'Patient', id: 'p1', reason: 'no medical record number (an identifier of type MR)' },
      { code: 'unresolved-reference', index: 3, resourceType: 'Observation', id: 'o2', reason: "subject Patient/p1 is not imported (see that patient's problem)" },
    ]);
  });

  it('refuses input that is not FHIR as a whole with a typed error', () => {
    expect(() => parseFhirText('', validator)).toThrow(FhirInputError);
    expect(() => parseFhirText('<Bundle/>', validator)).toThrow(FhirInputError);
    expect(() => parseFhirText('{"resourceType":"Bundle","type":"searchset","entry":[]}', validator)).toThrow(/searchset cannot be imported/);
    const r: Resource = { resourceType: 'Patient', id: 'x' };
    expect(parseFhirText(JSON.stringify(r), validator)).toMatchObject({ format: 'resource', entries: [{ index: 0, resource: r }], problems: [] });
  });
});
