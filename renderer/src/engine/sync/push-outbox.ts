import { MAX_CHANGES_PER_PUSH, PROTOCOL_VERSION, type Change, type JsonValue } from '../../../../common/sync/protocol';
import type { CareLoopDb, OutboxEntry } from '../../db/database';
import { cloudErrorCode, type CloudPort } from './cloud-port';

/**
 * Under the browser-mode host's 1 MiB message limit with room for the envelope; the server
 * itself takes up to 8 MiB.
 */
export const MAX_PUSH_BYTES = 900_000;

const REJECTED_KEY = 'sync:rejected';

/** A change the server refused for what it is (not for being offline): kept aside so the rest can go. */
export interface RejectedChange {
  changeId: string;
  table: string;
  rowId: string;
  reason: string;
  at: string;
}

export interface PushOutcome {
  pushed: number;
  duplicates: number;
  rejected: number;
  /** The clinic's latest version after the last push, when anything was pushed. */
  version: number | null;
}

function toChange(e: OutboxEntry): Change {
  const fields: Change['fields'] = {};
  for (const [name, f] of Object.entries(e.fields)) fields[name] = { value: (f.value === undefined ? null : f.value) as JsonValue, stamp: f.stamp };
  return { changeId: e.changeId, table: e.table, rowId: e.rowId, fields };
}

/** The next batch in outbox order: at most 1,000 changes and MAX_PUSH_BYTES of JSON. */
async function nextBatch(db: CareLoopDb): Promise<{ seqs: number[]; changes: Change[] }> {
  const entries = await db.outbox.orderBy('seq').limit(MAX_CHANGES_PER_PUSH).toArray();
  const seqs: number[] = [];
  const changes: Change[] = [];
  let bytes = 0;
  for (const e of entries) {
    const change = toChange(e);
    const size = JSON.stringify(change).length + 1;
    if (changes.length > 0 && bytes + size > MAX_PUSH_BYTES) break;
    bytes += size;
    seqs.push(e.seq!);
    changes.push(change);
  }
  return { seqs, changes };
}

function isRefusal(err: unknown): boolean {
  // 422 is a clock stamp ahead of the server's clock: the workstation's clock must be fixed, the change is fine.
  return cloudErrorCode(err) === 'cloud-refused' && !/^(401|403|422)\b/.test((err as Error).message);
}

/**
 * Sends changes; a batch the server refuses as malformed is split until the refused change
 * is found, which is set aside (with the server's reason) instead of blocking the outbox.
 */
async function send(cloud: CloudPort, db: CareLoopDb, changes: Change[], seqs: number[], outcome: PushOutcome): Promise<void> {
  try {
    const res = await cloud.push({ protocol: PROTOCOL_VERSION, changes });
    outcome.pushed += res.accepted;
    outcome.duplicates += res.duplicates;
    outcome.version = res.version;
  } catch (err) {
    if (!isRefusal(err)) throw err;
    if (changes.length > 1) {
      const half = Math.ceil(changes.length / 2);
      await send(cloud, db, changes.slice(0, half), seqs.slice(0, half), outcome);
      await send(cloud, db, changes.slice(half), seqs.slice(half), outcome);
      return;
    }
    const c = changes[0]!;
    const entry: RejectedChange = { changeId: c.changeId, table: c.table, rowId: c.rowId, reason: (err as Error).message.slice(0, 500), at: new Date().toISOString() };
    await db.transaction('rw', [db.meta], async () => {
      const held = ((await db.meta.get(REJECTED_KEY))?.value as RejectedChange[] | undefined) ?? [];
      await db.meta.put({ key: REJECTED_KEY, value: [...held, entry].slice(-200) });
    });
    outcome.rejected++;
  }
  // Accepted (or set aside): these entries are done. A crash before this delete re-sends them, which the server ignores by change id.
  await db.outbox.bulkDelete(seqs);
}

/** Drains the outbox in order; stops at the first failure that is not the data's fault (it is retried later). */
export async function pushOutbox(db: CareLoopDb, cloud: CloudPort, onProgress?: (pushed: number, remaining: number) => void): Promise<PushOutcome> {
  const outcome: PushOutcome = { pushed: 0, duplicates: 0, rejected: 0, version: null };
  for (;;) {
    const { seqs, changes } = await nextBatch(db);
    if (changes.length === 0) return outcome;
    await send(cloud, db, changes, seqs, outcome);
    onProgress?.(outcome.pushed + outcome.duplicates, await db.outbox.count());
  }
}

export async function rejectedChanges(db: CareLoopDb): Promise<RejectedChange[]> {
  return ((await db.meta.get(REJECTED_KEY))?.value as RejectedChange[] | undefined) ?? [];
}
