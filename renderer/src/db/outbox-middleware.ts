import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware, Transaction } from 'dexie';
import { encodeHlc } from '../../../common/sync/hlc';
import { newId } from '../../../common/ids';
import type { OutboxEntry } from './outbox-entry';

/**
 * Immutable rows (observations, device sessions) are written by many callers (downloads,
 * live streams, imports, the demo) in transactions that do not include the outbox. This
 * Dexie middleware queues every newly added immutable row in the outbox within the same
 * IndexedDB transaction: it widens each read-write transaction that touches an immutable
 * table to include the outbox, and adds the outbox rows beside the write. Rows written by
 * the sync engine itself (pulled from the server) are not queued again.
 */
export const QUEUED_IMMUTABLE_TABLES: readonly string[] = ['observations', 'deviceSessions'];

/** Stamps of immutable rows decide nothing (the first write wins); this node marks them as such. */
const IMMUTABLE_NODE = 'imm';

const fromSync = new WeakSet<object>();

/** Marks the running Dexie transaction as the sync engine's own: its immutable writes are not queued. */
export function markSyncTransaction(tx: Transaction | null): void {
  const idb = (tx as unknown as { idbtrans?: object } | null)?.idbtrans;
  if (idb) fromSync.add(idb);
}

function isFromSync(trans: DBCoreTransaction): boolean {
  return fromSync.has(trans as object);
}

/** The outbox entry of one immutable row: all its fields, except the id and clinic that travel outside them. */
export function immutableChange(table: string, row: Record<string, unknown>, nowMs: number): OutboxEntry {
  const receivedMs = typeof row['receivedMs'] === 'number' && Number.isFinite(row['receivedMs']) ? Math.min(row['receivedMs'], nowMs) : nowMs;
  const stamp = encodeHlc({ wallMs: Math.max(0, Math.floor(receivedMs)), counter: 0, node: IMMUTABLE_NODE });
  const fields: OutboxEntry['fields'] = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === 'id' || name === 'clinicId' || name === 'stamps' || value === undefined) continue;
    fields[name] = { value: typeof value === 'number' && !Number.isFinite(value) ? null : value, stamp };
  }
  return { changeId: newId(), table, rowId: String(row['id']), fields };
}

function queueingTable(down: DBCoreTable, outbox: DBCoreTable): DBCoreTable {
  return {
    ...down,
    async mutate(req: DBCoreMutateRequest) {
      if (req.type !== 'add' || isFromSync(req.trans)) return down.mutate(req);
      const res = await down.mutate(req);
      const failed = new Set(Object.keys(res.failures).map(Number));
      const now = Date.now();
      const entries = req.values.filter((_, i) => !failed.has(i)).map((row) => immutableChange(down.name, row as Record<string, unknown>, now));
      if (entries.length) await outbox.mutate({ type: 'add', trans: req.trans, values: entries });
      return res;
    },
  };
}

export const immutableOutboxMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'careloop-immutable-outbox',
  create(down) {
    const hasOutbox = down.schema.tables.some((t) => t.name === 'outbox');
    return {
      ...down,
      transaction(stores, mode, options) {
        const widen = hasOutbox && mode === 'readwrite' && stores.some((s) => QUEUED_IMMUTABLE_TABLES.includes(s)) && !stores.includes('outbox');
        return down.transaction(widen ? [...stores, 'outbox'] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        return hasOutbox && QUEUED_IMMUTABLE_TABLES.includes(name) ? queueingTable(table, down.table('outbox')) : table;
      },
    };
  },
};
