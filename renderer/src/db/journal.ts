import type Dexie from 'dexie';
import { GENESIS_HASH, sealAuditEntry, type AuditContent, type AuditEntry } from '../../../common/audit/chain';
import { newId } from '../../../common/ids';
import { HybridLogicalClock, type HlcStamp } from '../../../common/sync/hlc';
import type { CareLoopDb } from './database';
import type { OutboxEntry } from './outbox-entry';

/**
 * Everything a write needs besides its data: who is writing, on which workstation, and
 * the clock that stamps fields for sync. Each JS context (UI thread, engine worker) has
 * its own clock node so their stamps never collide.
 */
export interface WriteContext {
  actor: string;
  workstation: string;
  clinicId: string;
  clock: HybridLogicalClock;
}

const clockKey = (node: string) => `hlc:${node}`;

/** A clock that resumes after the last stamp this node ever issued, even if the wall clock went back. */
export async function openClock(db: CareLoopDb, node: string): Promise<HybridLogicalClock> {
  const saved = await db.meta.get(clockKey(node));
  return new HybridLogicalClock(node, () => Date.now(), saved?.value as HlcStamp | undefined);
}

/** Stamps a write; call inside the write's transaction so the clock's progress is saved with it. */
export async function stampWrite(db: CareLoopDb, clock: HybridLogicalClock): Promise<HlcStamp> {
  const stamp = clock.tick();
  await db.meta.put({ key: clockKey(clock.node), value: stamp });
  return stamp;
}

/**
 * Reading the chain's head and adding after it must be one transaction: the UI thread and the
 * engine worker both append, and two appends that read the same head collide on its next seq.
 * Inside the caller's read-write transaction on the audit table (the usual case: the entry
 * commits with the change it records) the work runs as is; anywhere else it gets its own.
 */
function withAuditTransaction<T>(db: CareLoopDb, work: () => Promise<T>): Promise<T> {
  // Through the instance's class: a value import of Dexie here would load it before a test's fake IndexedDB.
  const tx = (db.constructor as typeof Dexie).currentTransaction;
  if (tx && tx.mode === 'readwrite' && tx.storeNames.includes('audit')) return work();
  return db.transaction('rw', db.audit, work);
}

/** Appends to the hash-chained audit log, in the caller's transaction when it includes db.audit. */
export function appendAudit(
  db: CareLoopDb,
  ctx: Pick<WriteContext, 'actor' | 'workstation'>,
  entry: Omit<AuditContent, 'id' | 'at' | 'actor' | 'workstation'>,
): Promise<AuditEntry> {
  return withAuditTransaction(db, () => appendAuditNow(db, ctx, entry));
}

async function appendAuditNow(
  db: CareLoopDb,
  ctx: Pick<WriteContext, 'actor' | 'workstation'>,
  entry: Omit<AuditContent, 'id' | 'at' | 'actor' | 'workstation'>,
): Promise<AuditEntry> {
  const last = await db.audit.orderBy('seq').last();
  const content: AuditContent = {
    id: newId(),
    at: new Date().toISOString(),
    actor: ctx.actor,
    workstation: ctx.workstation,
    ...entry,
  };
  const sealed = sealAuditEntry(content, (last?.seq ?? 0) + 1, last?.hash ?? GENESIS_HASH);
  await db.audit.add(sealed);
  return sealed;
}

/**
 * Appends many entries in one go (bulk writes): the chain's head is read once and the
 * entries sealed one after another in memory, so a batch costs a few database round trips
 * instead of two per entry. Same chain as appending them one by one.
 */
export async function appendAuditMany(
  db: CareLoopDb,
  ctx: Pick<WriteContext, 'actor' | 'workstation'>,
  entries: readonly Omit<AuditContent, 'id' | 'at' | 'actor' | 'workstation'>[],
): Promise<AuditEntry[]> {
  if (!entries.length) return [];
  return withAuditTransaction(db, () => appendSealed(db, ctx, entries));
}

async function appendSealed(
  db: CareLoopDb,
  ctx: Pick<WriteContext, 'actor' | 'workstation'>,
  entries: readonly Omit<AuditContent, 'id' | 'at' | 'actor' | 'workstation'>[],
): Promise<AuditEntry[]> {
  const last = await db.audit.orderBy('seq').last();
  let seq = last?.seq ?? 0;
  let hash = last?.hash ?? GENESIS_HASH;
  const at = new Date().toISOString();
  const sealed = entries.map((entry) => {
    const s = sealAuditEntry({ id: newId(), at, actor: ctx.actor, workstation: ctx.workstation, ...entry }, ++seq, hash);
    hash = s.hash;
    return s;
  });
  await db.audit.bulkAdd(sealed);
  return sealed;
}

/** Queues changed fields for the cloud instance; call inside the change's transaction. */
export async function queueChange(
  db: CareLoopDb,
  table: string,
  rowId: string,
  row: Record<string, unknown>,
  fields: readonly string[],
  stamp: HlcStamp,
): Promise<void> {
  if (fields.length === 0) return;
  await db.outbox.add(outboxEntry(table, rowId, row, fields, stamp));
}

/** An outbox entry: the changed fields' values with the stamp they were written under. */
export function outboxEntry(table: string, rowId: string, row: Record<string, unknown>, fields: readonly string[], stamp: HlcStamp): OutboxEntry {
  const out: Record<string, { value: unknown; stamp: HlcStamp }> = {};
  for (const f of fields) out[f] = { value: row[f] ?? null, stamp };
  return { changeId: newId(), table, rowId, fields: out };
}
