import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { patientToFhir } from '../../../common/fhir/map-patient';
import { samplePatient } from './kit';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'careloop-fhir-'));
const patient = patientToFhir(samplePatient(), 'org');

describe('careloop fhir validate', () => {
  it('reports each resource of a bundle and exits 0 when all are valid', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] }));
    expect(await run(['fhir', 'validate', file])).toEqual({ code: 0, out: `#0 Patient/${patient.id} valid\n1 resources: 1 valid, 0 invalid\n`, err: '' });
  });

  it('reads NDJSON line by line, names each invalid line and exits 1', async () => {
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, [JSON.stringify(patient), '{"resourceType":"Patient","id":"b","birthDate":"1950-02-30x"}', 'not json', '{"resourceType":"Starship"}'].join('\n'));
    const r = await run(['fhir', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      `#0 Patient/${patient.id} valid`,
      '#1 Patient/b invalid-resource: Patient.birthDate: Invalid date format',
      '#2 (unknown)/(no id) not-json: line is not valid JSON',
      '#3 Starship/(no id) unknown-resource-type: "Starship" is not a FHIR R4 resource type',
      '4 resources: 1 valid, 3 invalid',
      '',
    ]);
  });

  it('a missing file or a bundle of the wrong type is a one-line error (exit 1); bad usage exits 2', async () => {
    expect(await run(['fhir', 'validate', join(dir, 'nope.json')])).toMatchObject({ code: 1, err: expect.stringContaining('no such file') });
    const file = join(dir, 'search.json');
    writeFileSync(file, '{"resourceType":"Bundle","type":"searchset"}');
    expect(await run(['fhir', 'validate', file])).toMatchObject({ code: 1, err: expect.stringContaining('searchset cannot be imported') });
    expect((await run(['fhir', 'check', file])).code).toBe(2);
  });
});
