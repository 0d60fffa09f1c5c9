import type { Resource } from '@medplum/fhirtypes';
import { FhirInputError, type FhirProblem } from './errors';
import { describeIssues, type FhirValidator } from './validator';

/**
 * Reading FHIR input: a Bundle (transaction, batch or collection), a single resource, or
 * NDJSON (one resource per line, FHIR Bulk Data). Every entry is checked on its own and
 * either accepted as a valid resource or reported as a problem with its position, type,
 * id and reason — nothing is dropped silently. Only unreadable input as a whole throws
 * (FhirInputError).
 */
export interface ParsedEntry {
  index: number;
  resource: Resource;
}

export type EntryOutcome = { ok: true; entry: ParsedEntry } | { ok: false; problem: FhirProblem };

export interface ParsedInput {
  format: 'bundle' | 'resource' | 'ndjson';
  bundleType?: string;
  entries: ParsedEntry[];
  problems: FhirProblem[];
}

export const IMPORTABLE_BUNDLE_TYPES: readonly string[] = ['transaction', 'batch', 'collection'];

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one candidate resource: an object with a known resourceType that validates. */
export function checkResource(value: unknown, index: number, validator: FhirValidator): EntryOutcome {
  if (!isObject(value)) return { ok: false, problem: { code: 'not-a-resource', index, reason: 'not a JSON object' } };
  const rt = value['resourceType'];
  const id = typeof value['id'] === 'string' ? value['id'] : undefined;
  if (typeof rt !== 'string') return { ok: false, problem: { code: 'not-a-resource', index, ...(id ? { id } : {}), reason: 'no resourceType' } };
  if (!RESOURCE_TYPE.test(rt) || !validator.isResourceType(rt)) {
    return { ok: false, problem: { code: 'unknown-resource-type', index, resourceType: rt.slice(0, 64), ...(id ? { id } : {}), reason: `"${rt.slice(0, 64)}" is not a FHIR R4 resource type` } };
  }
  const resource = value as unknown as Resource;
  const issues = validator.validate(resource);
  if (issues.length) return { ok: false, problem: { code: 'invalid-resource', index, resourceType: rt, ...(id ? { id } : {}), reason: describeIssues(issues) } };
  return { ok: true, entry: { index, resource } };
}

function collect(outcomes: Iterable<EntryOutcome>, into: ParsedInput): ParsedInput {
  for (const o of outcomes) {
    if (o.ok) into.entries.push(o.entry);
    else into.problems.push(o.problem);
  }
  return into;
}

function* bundleEntries(bundle: Record<string, unknown>, validator: FhirValidator): Generator<EntryOutcome> {
  const entries = bundle['entry'] ?? [];
  if (!Array.isArray(entries)) throw new FhirInputError('not-a-bundle', 'Bundle.entry is not a list');
  for (const [index, e] of entries.entries()) {
    if (!isObject(e) || e['resource'] === undefined) {
      yield { ok: false, problem: { code: 'not-a-resource', index, reason: 'bundle entry has no resource' } };
      continue;
    }
    const request = e['request'];
    const method = isObject(request) ? request['method'] : undefined;
    if (method !== undefined && method !== 'PUT' && method !== 'POST') {
      const r = e['resource'];
      const rt = isObject(r) && typeof r['resourceType'] === 'string' ? r['resourceType'] : undefined;
      yield { ok: false, problem: { code: 'not-imported', index, ...(rt ? { resourceType: rt } : {}), reason: `request method ${String(method)} is not imported (only PUT and POST add data)` } };
      continue;
    }
    yield checkResource(e['resource'], index, validator);
  }
}

/** A Bundle or a single resource held in one JSON value. */
export function parseFhirJson(value: unknown, validator: FhirValidator): ParsedInput {
  if (isObject(value) && value['resourceType'] === 'Bundle') {
    const type = value['type'];
    if (typeof type !== 'string' || !IMPORTABLE_BUNDLE_TYPES.includes(type)) {
      throw new FhirInputError('unsupported-bundle-type', `a Bundle of type ${typeof type === 'string' ? type : '(none)'} cannot be imported: use transaction, batch or collection`);
    }
    return collect(bundleEntries(value, validator), { format: 'bundle', bundleType: type, entries: [], problems: [] });
  }
  return collect([checkResource(value, 0, validator)], { format: 'resource', entries: [], problems: [] });
}

/** One NDJSON line (index from 0); blank lines are skipped by the caller. */
export function parseNdjsonLine(line: string, index: number, validator: FhirValidator): EntryOutcome {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: { code: 'not-json', index, reason: 'line is not valid JSON' } };
  }
  return checkResource(value, index, validator);
}

/** NDJSON from an async source of lines (a file read piece by piece); outcomes come out in order. */
export async function* parseNdjson(lines: AsyncIterable<string>, validator: FhirValidator): AsyncGenerator<EntryOutcome> {
  let index = 0;
  for await (const raw of lines) {
    const line = raw.trim();
    const i = index++;
    if (line) yield parseNdjsonLine(line, i, validator);
  }
}

/**
 * Text that is either one JSON document (a Bundle or a resource) or NDJSON. A document
 * that does not parse as a whole but has several lines is read as NDJSON, so a malformed
 * line is reported by its index instead of failing the file.
 */
export function parseFhirText(text: string, validator: FhirValidator): ParsedInput {
  const trimmed = text.trim();
  if (!trimmed) throw new FhirInputError('empty', 'the input is empty');
  if (!trimmed.startsWith('{')) throw new FhirInputError('not-json', 'the input is neither a FHIR JSON resource nor NDJSON');
  let whole: unknown;
  let parsed = false;
  try {
    whole = JSON.parse(trimmed);
    parsed = true;
  } catch {
    parsed = false;
  }
  if (parsed) {
    // A one-line NDJSON file is a single resource; a Bundle is a Bundle.
    return parseFhirJson(whole, validator);
  }
  const lines = trimmed.split(/\r?\n/);
  if (lines.length < 2) throw new FhirInputError('not-json', 'the input is not valid JSON');
  const out: ParsedInput = { format: 'ndjson', entries: [], problems: [] };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const o = parseNdjsonLine(line, i, validator);
    if (o.ok) out.entries.push(o.entry);
    else out.problems.push(o.problem);
  });
  return out;
}
