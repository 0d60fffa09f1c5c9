import { MergeError, mergeRow } from '../../common/sync/merge';
import { RESERVED_FIELDS, isFieldName, rowFields, type Change, type FieldMap, type FieldValue } from '../../common/sync/protocol';
import { toNumber, type Database, type Queryable } from '../db/database';
import { HttpError } from '../http/errors';

export interface ApplyOutcome {
  accepted: number;
  duplicates: number;
  conflicts: number;
  /** The clinic's version after the changes. */
  version: number;
  /** Rows this call modified, with their new fields (the sender and tests read them). */
  modified: { table: string; rowId: string; fields: FieldMap }[];
}

interface HeldRow {
  table: string;
  rowId: string;
  fields: FieldMap | undefined;
  version: number;
  dirty: boolean;
}

const rowKey = (table: string, rowId: string) => `${table}\u0000${rowId}`;

/**
 * The fields of a row the server does not hold yet: the change's fields without the reserved
 * names — exactly what merging them into nothing gives (mergeRow in common/sync/merge.ts:
 * every field is new, nothing is overwritten), without copying each field of a large push.
 * Field names are checked as the merge checks them; `valid` remembers names already checked
 * in this call, since a batch repeats the same few names.
 */
function firstWrite(fields: FieldMap, valid: Set<string>): FieldMap {
  let reserved = false;
  for (const name of Object.keys(fields)) {
    if (valid.has(name)) continue;
    if (RESERVED_FIELDS.has(name)) reserved = true;
    else if (isFieldName(name)) valid.add(name);
    else throw new MergeError(`not a field name: ${name.slice(0, 64)}`);
  }
  return reserved ? rowFields(fields) : fields;
}

/**
 * Applies changes for one clinic in ONE transaction: the clinic's counter row is locked
 * first (`FOR UPDATE`), so pushes to a clinic are serialised and versions commit in the
 * order they were assigned — a reader that saw version n can never later find a row with
 * a smaller version appear. Changes already applied (by change id) are skipped, so a
 * replayed push changes nothing; every value that loses a merge is kept in sync_conflicts.
 */
export async function applyChanges(db: Database, clinicId: string, changes: readonly Change[]): Promise<ApplyOutcome> {
  return db.transaction((tx) => applyInTransaction(tx, clinicId, changes));
}

export async function applyInTransaction(tx: Queryable, clinicId: string, changes: readonly Change[]): Promise<ApplyOutcome> {
  const counter = await tx.query<{ version: unknown }>('SELECT version FROM clinics WHERE clinic_id = $1 FOR UPDATE', [clinicId]);
  if (!counter[0]) throw new HttpError(404, 'unknown-clinic', 'the clinic does not exist');
  let version = toNumber(counter[0].version);

  const ids = [...new Set(changes.map((c) => c.changeId))];
  const seen = new Set(
    (await tx.query<{ change_id: string }>('SELECT change_id::text FROM sync_changes WHERE clinic_id = $1 AND change_id = ANY($2::uuid[])', [clinicId, ids])).map((r) => r.change_id),
  );
  const fresh: Change[] = [];
  let duplicates = 0;
  for (const c of changes) {
    if (seen.has(c.changeId)) duplicates++;
    else {
      seen.add(c.changeId);
      fresh.push(c);
    }
  }
  if (fresh.length === 0) return { accepted: 0, duplicates, conflicts: 0, version, modified: [] };

  const held = new Map<string, HeldRow>();
  for (const c of fresh) held.set(rowKey(c.table, c.rowId), { table: c.table, rowId: c.rowId, fields: undefined, version: 0, dirty: false });
  const keys = [...held.values()];
  // One primary-key index scan with array keys (tables × row ids); a row id that exists in
  // another table of the batch comes back too and is ignored below.
  const stored = await tx.query<{ table_name: string; row_id: string; fields: FieldMap }>(
    'SELECT table_name, row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = ANY($2::text[]) AND row_id = ANY($3::text[])',
    [clinicId, [...new Set(keys.map((k) => k.table))], [...new Set(keys.map((k) => k.rowId))]],
  );
  for (const s of stored) {
    const row = held.get(rowKey(s.table_name, s.row_id));
    if (row) row.fields = s.fields;
  }

  const changeRows: { c: string; v: number; t: string; r: string }[] = [];
  const conflictRows: { v: number; s: number; c: string; t: string; r: string; f: string; l: FieldValue; k: FieldValue }[] = [];
  const validNames = new Set<string>();
  for (const c of fresh) {
    version++;
    changeRows.push({ c: c.changeId, v: version, t: c.table, r: c.rowId });
    const row = held.get(rowKey(c.table, c.rowId))!;
    if (!row.fields) {
      const fields = firstWrite(c.fields, validNames);
      if (Object.keys(fields).length) {
        row.fields = fields;
        row.version = version;
        row.dirty = true;
      }
      continue;
    }
    const merged = mergeRow(c.table, row.fields, rowFields(c.fields));
    if (merged.changed.length) {
      row.fields = merged.fields;
      row.version = version;
      row.dirty = true;
    }
    merged.overwritten.forEach((o, i) => conflictRows.push({ v: version, s: i, c: c.changeId, t: c.table, r: c.rowId, f: o.field, l: o.lost, k: o.kept }));
  }

  const dirty = keys.filter((k) => k.dirty);
  // One statement writes the rows, the change ids, the lost values and the counter: one round
  // trip while the clinic's lock is held instead of four. Each part is one set-based insert.
  await tx.query(
    `WITH written AS (
       INSERT INTO sync_rows (clinic_id, table_name, row_id, fields, version)
       SELECT $1, x.t, x.r, x.f, x.v FROM json_to_recordset($2::json) AS x(t text, r text, f json, v bigint)
       ON CONFLICT (clinic_id, table_name, row_id) DO UPDATE SET fields = EXCLUDED.fields, version = EXCLUDED.version
     ), applied AS (
       INSERT INTO sync_changes (clinic_id, change_id, version, table_name, row_id)
       SELECT $1, x.c, x.v, x.t, x.r FROM unnest($3::uuid[], $4::bigint[], $5::text[], $6::text[]) AS x(c, v, t, r)
     ), lost AS (
       INSERT INTO sync_conflicts (clinic_id, version, seq, change_id, table_name, row_id, field, lost, kept)
       SELECT $1, x.v, x.s, x.c, x.t, x.r, x.f, x.l, x.k FROM jsonb_to_recordset($7::jsonb) AS x(v bigint, s int, c uuid, t text, r text, f text, l jsonb, k jsonb)
     )
     UPDATE clinics SET version = $8 WHERE clinic_id = $1`,
    [
      clinicId,
      JSON.stringify(dirty.map((d) => ({ t: d.table, r: d.rowId, f: d.fields, v: d.version }))),
      changeRows.map((c) => c.c),
      changeRows.map((c) => c.v),
      changeRows.map((c) => c.t),
      changeRows.map((c) => c.r),
      JSON.stringify(conflictRows),
      version,
    ],
  );
  return {
    accepted: fresh.length,
    duplicates,
    conflicts: conflictRows.length,
    version,
    modified: dirty.map((d) => ({ table: d.table, rowId: d.rowId, fields: d.fields! })),
  };
}
