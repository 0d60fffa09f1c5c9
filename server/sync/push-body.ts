import { z } from 'zod';
import { isUuid } from '../../common/ids';
import { isHlcStamp } from '../../common/sync/hlc';
import {
  ChangeSchema,
  MAX_CHANGES_PER_PUSH,
  MAX_FIELDS_PER_CHANGE,
  ProtocolVersionSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  isFieldName,
  isRowId,
  isTableName,
  type Change,
  type PushRequest,
} from '../../common/sync/protocol';
import { HttpError, parse } from '../http/errors';

/**
 * The push body with the same rules as `PushRequestSchema` (common/sync/protocol.ts), but
 * with the "no U+0000 and no unpaired surrogate" rule checked by walking the parsed strings
 * instead of re-serialising the whole batch and scanning the text: same refusals, without
 * writing a second copy of a megabytes-large body on every push.
 */
const PushShapeSchema = z
  .object({
    protocol: ProtocolVersionSchema,
    changes: z.array(ChangeSchema).min(1).max(MAX_CHANGES_PER_PUSH),
  })
  .strict();

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
/**
 * Code units that may start an unstorable sequence (U+0000 or any surrogate); most strings
 * hold none, and a native regex scan says so faster than a loop over every code unit.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const SUSPECT_UNIT = /[\u0000\ud800-\udfff]/;

/** U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
function unstorableString(text: string): boolean {
  if (!SUSPECT_UNIT.test(text)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || isLowSurrogate(c)) return true;
    if (isHighSurrogate(c)) {
      if (!isLowSurrogate(text.charCodeAt(i + 1))) return true;
      i++;
    }
  }
  return false;
}

/** True when any string (or object key) in `value` holds text PostgreSQL's jsonb refuses. */
export function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return unstorableString(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (unstorableString(key) || holdsUnstorableText((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when `keys` are all in `allowed` and every name in `allowed` is present. */
function hasExactly(obj: Record<string, unknown>, allowed: readonly string[]): boolean {
  const keys = Object.keys(obj);
  return keys.length === allowed.length && keys.every((k) => allowed.includes(k));
}

const BODY_KEYS = ['protocol', 'changes'] as const;
const CHANGE_KEYS = ['changeId', 'table', 'rowId', 'fields'] as const;

/**
 * The push path's hot check, by hand: true only when every rule `PushShapeSchema` and the
 * text rule enforce holds (strict keys, UUID change ids, table and field names, row ids,
 * {value, stamp} fields with valid stamps, 1-200 fields, a boolean tombstone, storable text).
 * A batch repeats the same field names and usually one stamp per change, so names and
 * stamps already seen valid in this body are not matched again. Anything it does not
 * accept goes to the zod schema, which names the problem; so this can only make valid
 * bodies cheaper, never change what is refused or why.
 */
function isWellFormedPush(body: unknown, newest: { stamp: string }): body is PushRequest {
  if (!isPlainObject(body) || !hasExactly(body, BODY_KEYS)) return false;
  const { protocol, changes } = body;
  if (typeof protocol !== 'number' || !Number.isInteger(protocol) || !SUPPORTED_PROTOCOL_VERSIONS.includes(protocol)) return false;
  if (!Array.isArray(changes) || changes.length < 1 || changes.length > MAX_CHANGES_PER_PUSH) return false;
  const names = new Set<string>();
  let lastStamp = '';
  for (const c of changes as unknown[]) {
    if (!isPlainObject(c) || !hasExactly(c, CHANGE_KEYS)) return false;
    const { changeId, table, rowId, fields } = c;
    if (!isUuid(changeId) || typeof table !== 'string' || !isTableName(table) || typeof rowId !== 'string' || rowId.length > 200 || !isRowId(table, rowId)) return false;
    if (!isPlainObject(fields)) return false;
    let count = 0;
    for (const name in fields) {
      if (!Object.hasOwn(fields, name)) continue;
      if (++count > MAX_FIELDS_PER_CHANGE) return false;
      if (!names.has(name)) {
        if (!isFieldName(name)) return false;
        names.add(name);
      }
      const f = fields[name];
      if (!isPlainObject(f) || !hasExactly(f, ['value', 'stamp'])) return false;
      const { value, stamp } = f;
      if (value === undefined) return false;
      if (stamp !== lastStamp) {
        if (!isHlcStamp(stamp)) return false;
        lastStamp = stamp;
        if (stamp > newest.stamp) newest.stamp = stamp;
      }
      if (name === 'deleted' && typeof value !== 'boolean') return false;
      if (typeof value === 'string' ? unstorableString(value) : holdsUnstorableText(value)) return false;
    }
    if (count === 0) return false;
  }
  return true;
}

/** The newest field stamp of the changes (stamps of one length compare as text). */
export function newestStamp(changes: readonly Change[]): string | undefined {
  let max: string | undefined;
  for (const c of changes) {
    for (const field in c.fields) {
      const stamp = c.fields[field]!.stamp;
      if (!max || stamp > max) max = stamp;
    }
  }
  return max;
}

export interface ParsedPush {
  push: PushRequest;
  /** The newest stamp in the batch: the server's clock takes it in, and the future-stamp check looks at it first. */
  newestStamp: string | undefined;
}

/**
 * Validates a push body; a bad one is a 400 that names the problems (never values). The
 * newest stamp comes from the same walk over the fields on the hot path, rather than a
 * second and third pass over every field of a 1000-change batch.
 */
export function parsePushBody(body: unknown): ParsedPush {
  const newest = { stamp: '' };
  if (isWellFormedPush(body, newest)) return { push: body, newestStamp: newest.stamp || undefined };
  const push = parse(PushShapeSchema, body) as PushRequest;
  if (holdsUnstorableText(push.changes)) throw new HttpError(400, 'invalid-request', 'changes: text may not contain U+0000 or unpaired surrogates');
  return { push, newestStamp: newestStamp(push.changes) };
}
