import type { Table } from 'dexie';
import type { AuditAction } from '../../../common/audit/chain';
import { newId } from '../../../common/ids';
import { changedFields, stampFields, type SyncedRow } from '../../../common/sync/stamped';
import type { CareLoopDb } from './database';
import { appendAuditMany, outboxEntry, stampWrite, type WriteContext } from './journal';

type Fields<T extends SyncedRow> = Omit<T, keyof SyncedRow>;
const META = new Set(['id', 'clinicId', 'createdAt', 'updatedAt', 'stamps']);

/**
 * Inserts and updates of any synced row, the way every CRM record is written: per-field
 * clock stamps, an outbox change and an audit entry, in the caller's transaction (which
 * must include the row's table, db.audit, db.outbox and db.meta).
 */
export async function insertRow<T extends SyncedRow>(
  db: CareLoopDb,
  ctx: WriteContext,
  table: Table<T, string>,
  fields: Fields<T>,
  audit: { action: AuditAction; entity: string; patientId?: string },
  /** A given id (e.g. name-based) instead of a new UUIDv7. */
  id: string = newId(),
): Promise<T> {
  return (await insertRows(db, ctx, table, [{ fields, audit, id }]))[0]!;
}

export interface NewRow<T extends SyncedRow> {
  fields: Fields<T>;
  audit: { action: AuditAction; entity: string; patientId?: string };
  /** A given id (e.g. name-based) instead of a new UUIDv7. */
  id?: string;
}

/**
 * Many inserts into one table as insertRow writes them, in a few round trips: one clock
 * stamp for the batch (rows written together, like createMany's), the rows, their outbox
 * changes and their audit entries each added in bulk. For work that writes thousands of
 * rows at once (imports, the demo clinic); a round trip per request is what costs, above
 * all in a browser's IndexedDB.
 */
export async function insertRows<T extends SyncedRow>(db: CareLoopDb, ctx: WriteContext, table: Table<T, string>, items: readonly NewRow<T>[]): Promise<T[]> {
  if (!items.length) return [];
  const stamp = await stampWrite(db, ctx.clock);
  const now = new Date().toISOString();
  const rows: T[] = [];
  const changes = [];
  for (const { fields, id } of items) {
    const names = Object.keys(fields).filter((k) => (fields as Record<string, unknown>)[k] !== undefined);
    const row = { ...fields, id: id ?? newId(), clinicId: ctx.clinicId, createdAt: now, updatedAt: now, deleted: false, stamps: stampFields({}, [...names, 'createdAt', 'deleted'], stamp) } as unknown as T;
    rows.push(row);
    changes.push(outboxEntry(table.name, row.id, row as unknown as Record<string, unknown>, [...names, 'createdAt', 'deleted', 'clinicId'], stamp));
  }
  await table.bulkAdd(rows);
  await db.outbox.bulkAdd(changes);
  await appendAuditMany(
    db,
    ctx,
    items.map(({ fields, audit }, i) => {
      const names = Object.keys(fields).filter((k) => (fields as Record<string, unknown>)[k] !== undefined);
      return {
        action: audit.action,
        entity: audit.entity,
        entityId: rows[i]!.id,
        ...(audit.patientId ? { patientId: audit.patientId } : {}),
        changes: Object.fromEntries(names.map((k) => [k, { before: undefined, after: (fields as Record<string, unknown>)[k] }])),
      };
    }),
  );
  return rows;
}

export async function updateRow<T extends SyncedRow>(
  db: CareLoopDb,
  ctx: WriteContext,
  table: Table<T, string>,
  before: T,
  patch: Partial<Fields<T>>,
  audit: { action: AuditAction; entity: string; patientId?: string; reason?: string },
): Promise<T> {
  return (await updateRows(db, ctx, table, [{ before, patch, audit }]))[0]!;
}

export interface RowUpdate<T extends SyncedRow> {
  before: T;
  patch: Partial<Fields<T>>;
  audit: { action: AuditAction; entity: string; patientId?: string; reason?: string };
}

/**
 * Many updates as updateRow writes them, in a few round trips (one stamp for the batch, rows,
 * outbox changes and audit entries in bulk). Updates that change nothing are left out; each
 * row appears at most once in a batch. Returns every row as it now is, in the given order.
 */
export async function updateRows<T extends SyncedRow>(db: CareLoopDb, ctx: WriteContext, table: Table<T, string>, updates: readonly RowUpdate<T>[]): Promise<T[]> {
  // Two updates of one row in a batch would both start from the same `before`: the first would be lost.
  if (new Set(updates.map((u) => u.before.id)).size !== updates.length) throw new RangeError('a row can be updated once per batch');
  const staged = updates.map((u) => {
    const next = { ...u.before, ...u.patch } as T;
    return { ...u, next, changed: changedFields(u.before, next).filter((f) => !META.has(f)) };
  });
  const writing = staged.filter((s) => s.changed.length > 0);
  if (!writing.length) return updates.map((u) => u.before);
  const stamp = await stampWrite(db, ctx.clock);
  const now = new Date().toISOString();
  const written = new Map<string, T>();
  for (const s of writing) written.set(s.before.id, { ...s.next, updatedAt: now, stamps: stampFields(s.before.stamps, s.changed, stamp) } as T);
  const rows = writing.map((s) => written.get(s.before.id)!);
  await table.bulkPut(rows);
  await db.outbox.bulkAdd(writing.map((s, i) => outboxEntry(table.name, rows[i]!.id, rows[i] as unknown as Record<string, unknown>, s.changed, stamp)));
  await appendAuditMany(
    db,
    ctx,
    writing.map((s, i) => {
      const b = s.before as unknown as Record<string, unknown>;
      const a = rows[i] as unknown as Record<string, unknown>;
      return {
        action: s.audit.action,
        entity: s.audit.entity,
        entityId: s.before.id,
        ...(s.audit.patientId ? { patientId: s.audit.patientId } : {}),
        ...(s.audit.reason ? { reason: s.audit.reason } : {}),
        changes: Object.fromEntries(s.changed.map((k) => [k, { before: b[k], after: a[k] }])),
      };
    }),
  );
  return updates.map((u) => written.get(u.before.id) ?? u.before);
}
