import { z } from 'zod';
import { isUuid } from '../ids';
import { isHlcStamp, type HlcStamp } from './hlc';

/**
 * The wire format between a workstation's sync engine and the cloud instance (issue 8).
 *
 * Push: the client sends batches of outbox entries; each is one write of one row: which
 * fields changed and the clock stamp of that write. A delete is the field `deleted` set
 * to true (a tombstone). The row id is the row's `id`; the clinic is never in the body —
 * the server takes it from the caller's token — so `id`, `clinicId` and `stamps` sent
 * as fields are dropped.
 *
 * Pull: pages of rows changed since a cursor, in the order the server accepted them.
 * The client writes each page and its cursor in one IndexedDB transaction, so an
 * interrupted initial sync resumes at the last written page.
 *
 * Protocol versions: the server speaks the current version and the one before it.
 * Version 2 (current) sends pulled rows as `fields` (value and stamp per field, the same
 * shape as a push); version 1 sent them as the stored record plus a `stamps` map.
 */
export const PROTOCOL_VERSION = 2;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2];

export const MAX_CHANGES_PER_PUSH = 1000;
export const MAX_FIELDS_PER_CHANGE = 200;
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

/**
 * Rows that are written once and never change (DESIGN.md decision 4): they merge by id
 * only — the first write wins and a repeated one is a duplicate.
 */
export const IMMUTABLE_TABLES: ReadonlySet<string> = new Set(['observations', 'deviceSessions', 'audit', 'consents']);

export function isImmutableTable(table: string): boolean {
  return IMMUTABLE_TABLES.has(table);
}

/** Field names that are not row data: the row id and clinic travel outside the fields. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(['id', 'clinicId', 'stamps']);

const TABLE_NAME = /^[a-z][A-Za-z0-9]{0,47}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Names that would reach an object's prototype if ever used as a plain property key. */
const FORBIDDEN_FIELDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Deterministic reading ids (device serial + sequence + metric) are printable ASCII. */
const IMMUTABLE_ROW_ID = /^[\x21-\x7e]{1,200}$/;

export function isTableName(value: string): boolean {
  return TABLE_NAME.test(value);
}

export function isFieldName(value: string): boolean {
  return FIELD_NAME.test(value) && !FORBIDDEN_FIELDS.has(value);
}

/** Mutable rows have UUIDv7 ids; immutable rows may carry a deterministic reading id. */
export function isRowId(table: string, rowId: string): boolean {
  return isImmutableTable(table) ? IMMUTABLE_ROW_ID.test(rowId) : isUuid(rowId);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const HlcStampSchema = z.string().refine(isHlcStamp, { message: 'not a clock stamp' });

export const FieldValueSchema = z.object({
  value: z.json(),
  stamp: HlcStampSchema,
});

/** One field as written: its value and the clock stamp of the write that set it. */
export interface FieldValue {
  value: JsonValue;
  stamp: HlcStamp;
}
export type FieldMap = Record<string, FieldValue>;

/**
 * The fields map is checked by hand rather than by a zod schema per field: a full batch
 * holds tens of thousands of fields, and this is the push path's hottest loop. Values
 * need no check of their own — they arrive through JSON.parse, so they are JSON.
 */
function checkFields(fields: Record<string, unknown>, ctx: z.RefinementCtx): void {
  let count = 0;
  for (const [name, f] of Object.entries(fields)) {
    count++;
    if (!isFieldName(name)) ctx.addIssue({ code: 'custom', path: ['fields'], message: `not a field name: ${name.slice(0, 64)}` });
    else if (f === null || typeof f !== 'object' || Array.isArray(f) || !('value' in f) || !('stamp' in f) || Object.keys(f).length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['fields', name], message: 'a field must be {value, stamp}' });
    } else if (!isHlcStamp((f as { stamp: unknown }).stamp)) ctx.addIssue({ code: 'custom', path: ['fields', name, 'stamp'], message: 'not a clock stamp' });
    else if ((f as { value: unknown }).value === undefined) ctx.addIssue({ code: 'custom', path: ['fields', name, 'value'], message: 'a value is required (null for none)' });
  }
  if (count === 0) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a change needs at least one field' });
  if (count > MAX_FIELDS_PER_CHANGE) ctx.addIssue({ code: 'custom', path: ['fields'], message: `at most ${MAX_FIELDS_PER_CHANGE} fields per change` });
}

export const ChangeSchema = z
  .object({
    changeId: z.string().refine(isUuid, { message: 'changeId must be a UUID' }),
    table: z.string().refine(isTableName, { message: 'not a table name' }),
    rowId: z.string().max(200),
    fields: z.custom<FieldMap>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), { message: 'fields must be an object of {value, stamp}' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!isRowId(c.table, c.rowId)) ctx.addIssue({ code: 'custom', path: ['rowId'], message: isImmutableTable(c.table) ? 'row id must be 1-200 printable characters' : 'row id must be a UUID' });
    checkFields(c.fields, ctx);
    const deleted = c.fields['deleted'] as { value?: unknown } | undefined;
    if (deleted && typeof deleted === 'object' && typeof deleted.value !== 'boolean') ctx.addIssue({ code: 'custom', path: ['fields', 'deleted'], message: 'the tombstone field "deleted" must be true or false' });
  });

/** One write of one row, as queued in a workstation's outbox. */
export interface Change {
  changeId: string;
  table: string;
  rowId: string;
  fields: FieldMap;
}

export const ProtocolVersionSchema = z
  .number()
  .int()
  .refine((v) => SUPPORTED_PROTOCOL_VERSIONS.includes(v), { message: `protocol version must be one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}` });

/**
 * JSON.stringify escapes U+0000 and unpaired surrogates as \u0000 / \udXXX (paired ones stay
 * literal); PostgreSQL's jsonb refuses both, so they are refused here, before any write.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export function hasUnstorableText(value: unknown): boolean {
  return UNSTORABLE_ESCAPE.test(JSON.stringify(value) ?? '');
}

export const PushRequestSchema = z
  .object({
    protocol: ProtocolVersionSchema,
    changes: z.array(ChangeSchema).min(1).max(MAX_CHANGES_PER_PUSH),
  })
  .strict()
  .refine((p) => !hasUnstorableText(p.changes), { message: 'text may not contain U+0000 or unpaired surrogates', path: ['changes'] });

export interface PushRequest {
  protocol: number;
  changes: Change[];
}

export interface PushResponse {
  protocol: number;
  /** Changes applied by this push. */
  accepted: number;
  /** Changes the server had already applied (a replayed push): nothing was changed for them. */
  duplicates: number;
  /** Field values this push overwrote or that lost to newer ones (kept in the conflicts table). */
  conflicts: number;
  /** The clinic's latest version after this push. */
  version: number;
}

/** A refused push: nothing of it was written. */
export interface SyncErrorBody {
  error: string;
  reason: string;
}

export const CursorSchema = z.string().regex(/^\d{1,15}$/, 'cursor must be a number the server gave');

export const PullQuerySchema = z
  .object({
    protocol: z.coerce.number().pipe(ProtocolVersionSchema).default(PROTOCOL_VERSION),
    since: CursorSchema.default('0'),
    limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
  })
  .strict();

/** A pulled row (protocol 2): the row's fields with their stamps, as the server holds them. */
export interface PulledRow {
  table: string;
  rowId: string;
  /** The version of the last change that modified the row. */
  version: number;
  fields: FieldMap;
}

/** A pulled row as protocol 1 sent it: the record's values and a stamps map. */
export interface PulledRowV1 {
  table: string;
  id: string;
  version: number;
  row: Record<string, JsonValue>;
  stamps: Record<string, HlcStamp>;
}

export interface PullPage<Row = PulledRow> {
  protocol: number;
  rows: Row[];
  /** Pass as `since` to get the next page; store it with the page's rows. */
  cursor: string;
  hasMore: boolean;
}

export function toV1Row(row: PulledRow): PulledRowV1 {
  const values: Record<string, JsonValue> = {};
  const stamps: Record<string, HlcStamp> = {};
  for (const [name, f] of Object.entries(row.fields)) {
    values[name] = f.value;
    stamps[name] = f.stamp;
  }
  return { table: row.table, id: row.rowId, version: row.version, row: values, stamps };
}

/** Drops the reserved names a client may send among its fields (the id and clinic travel elsewhere). */
export function rowFields(fields: FieldMap): FieldMap {
  const out: FieldMap = {};
  for (const [name, f] of Object.entries(fields)) if (!RESERVED_FIELDS.has(name)) out[name] = f;
  return out;
}
