import 'fake-indexeddb/auto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { exportDatabase } from '../../../renderer/src/db/backup';
import { saveWorkstation } from '../../../renderer/src/db/workstation';
import { validationErrors } from './kit';
import { exportBundleText, openClinic, resourcesOf, seedClinic } from './db-kit';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'careloop-fhir-cli-'));
const FAST_KDF = { memoryKiB: 8, iterations: 1, parallelism: 1 };
const PASSPHRASE = 'correct horse battery staple';
let bundleFile: string;
let exported: Resource[];

beforeAll(async () => {
  const c = await openClinic('cli');
  await seedClinic(c);
  const text = await exportBundleText(c);
  exported = resourcesOf(text);
  bundleFile = join(dir, 'clinic.json');
  writeFileSync(bundleFile, text);
});

describe('careloop fhir import', { timeout: 30_000 }, () => {
  it('summarises what importing a bundle would add and lists what it would not import (exit 0)', async () => {
    const r = await run(['fhir', 'import', bundleFile]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.split('\n')).toEqual([
      'patients to add: 3',
      'readings to add: 36 (blood-pressure-diastolic 6, blood-pressure-systolic 6, body-weight 6, glucose 6, pulse-rate 6, spo2 6)',
      'series samples to add: 397',
      'not imported (types CareLoop does not import): 3 (Organization 1, Practitioner 1, PractitionerRole 1)',
      'rejected: 0',
      '',
    ]);
    const json = JSON.parse((await run(['fhir', 'import', bundleFile, '--json'])).out) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'bundle', newPatients: 3, readings: 36, seriesSamples: 397, rejected: [] });
  });

  it('reads NDJSON line by line and names every rejected line with its reason (exit 1)', async () => {
    const patient = exported.find((r) => r.resourceType === 'Patient')!;
    const obs = exported.find((r) => r.resourceType === 'Observation' && r.subject?.reference === `Patient/${patient.id}`)!;
    const orphan = { ...obs, id: 'orphan', subject: { reference: 'Patient/nobody' } };
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, [JSON.stringify(patient), JSON.stringify(obs), 'not json', JSON.stringify(orphan), '{"resourceType":"Starship"}'].join('\n'));
    const r = await run(['fhir', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('patients to add: 1\n');
    expect(r.out).toContain('rejected: 3\n');
    expect(r.out).toContain('  #2 (unknown)/(no id) not-json: line is not valid JSON\n');
    expect(r.out).toContain('  #3 Observation/orphan unresolved-reference: subject Patient/nobody is neither in this import nor in the clinic\n');
    expect(r.out).toContain('  #4 Starship/(no id) unknown-resource-type');
  });

  it('a missing file is a one-line error (exit 1); no file is a usage error (exit 2)', async () => {
    expect(await run(['fhir', 'import', join(dir, 'nope.json')])).toMatchObject({ code: 1, err: expect.stringContaining('no such file') });
    expect((await run(['fhir', 'import'])).code).toBe(2);
  });
});

describe('careloop fhir export', { timeout: 30_000 }, () => {
  it('--demo prints a valid collection Bundle of a fresh demo clinic with its devices\' readings', async () => {
    const r = await run(['fhir', 'export', '--demo', '3', '--days', '3']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const bundle = JSON.parse(r.out) as { type: string; entry: { resource: Resource }[] };
    expect(bundle.type).toBe('collection');
    const resources = bundle.entry.map((e) => e.resource);
    expect(resources.filter((x) => x.resourceType === 'Patient')).toHaveLength(3);
    expect(resources.some((x) => x.resourceType === 'Observation')).toBe(true);
    expect(validationErrors(resources)).toEqual({});
    // And what it printed imports: the CLI's own summary of it.
    const file = join(dir, 'demo.json');
    writeFileSync(file, r.out);
    expect((await run(['fhir', 'import', file])).out).toContain('patients to add: 3\n');
  });

  it('--backup prints an encrypted backup\'s clinic; --ndjson one resource per line; a wrong passphrase exits 1', async () => {
    const c = await openClinic('cli-backup');
    await saveWorkstation(c.db, { clinicName: 'Riverside Clinic', staffName: 'Dr Amara Singh', staffRole: 'physician', start: 'empty' });
    await seedClinic(c);
    const parts: Uint8Array[] = [];
    for await (const p of exportDatabase(c.db, { passphrase: PASSPHRASE, kdf: FAST_KDF })) parts.push(p);
    const backup = join(dir, 'clinic.careloop');
    writeFileSync(backup, Buffer.concat(parts));
    const passFile = join(dir, 'pass.txt');
    writeFileSync(passFile, `${PASSPHRASE}\n`);

    const r = await run(['fhir', 'export', '--backup', backup, '--passphrase-file', passFile, '--ndjson']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Resource);
    expect(lines[0]).toMatchObject({ resourceType: 'Organization', name: 'Riverside Clinic' });
    expect(lines.filter((x) => x.resourceType === 'Patient').map((p) => (p.resourceType === 'Patient' ? p.name?.[0]?.family : '')).sort()).toEqual(['Okafor', 'Reyes', 'Silva']);
    expect(lines.filter((x) => x.resourceType === 'Observation').length).toBe(exported.filter((x) => x.resourceType === 'Observation').length);

    writeFileSync(passFile, 'not the passphrase\n');
    const wrong = await run(['fhir', 'export', '--backup', backup, '--passphrase-file', passFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/passphrase/i);
    expect(wrong.out).toBe('');
  });

  it('needs exactly one of --demo and --backup (exit 2)', async () => {
    expect((await run(['fhir', 'export'])).code).toBe(2);
    expect((await run(['fhir', 'export', '--demo', '2', '--backup', 'x'])).code).toBe(2);
    expect((await run(['fhir', 'export', '--demo', 'many'])).code).toBe(2);
    expect(await run(['fhir', 'export', '--demo', '0'])).toMatchObject({ code: 1, err: expect.stringContaining('1 to 10,000') });
  });
});
