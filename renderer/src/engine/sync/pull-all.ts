import { DEFAULT_PULL_LIMIT } from '../../../../common/sync/protocol';
import type { CareLoopDb } from '../../db/database';
import { applyPulledPage, storedCursor, type ApplyOutcome } from './apply-page';
import type { CloudPort } from './cloud-port';

export interface PullOutcome {
  pages: number;
  rows: number;
  written: number;
  cursor: string;
}

/**
 * Pulls every page since the stored cursor, writing each page with its cursor in one
 * transaction; an interruption (offline, the app closed) loses at most the page in flight.
 */
export async function pullAll(db: CareLoopDb, cloud: CloudPort, clinicId: string, options: { limit?: number; onPage?: (cursor: number, rows: number) => void; onApplied?: (written: ApplyOutcome['writtenByTable']) => Promise<void> } = {}): Promise<PullOutcome> {
  const limit = options.limit ?? DEFAULT_PULL_LIMIT;
  const outcome: PullOutcome = { pages: 0, rows: 0, written: 0, cursor: await storedCursor(db) };
  for (;;) {
    const page = await cloud.pull(outcome.cursor, limit);
    const applied = await applyPulledPage(db, page, clinicId);
    outcome.pages++;
    outcome.rows += page.rows.length;
    outcome.written += applied.written;
    outcome.cursor = page.cursor;
    if (options.onApplied && applied.written) await options.onApplied(applied.writtenByTable);
    options.onPage?.(Number(page.cursor), outcome.rows);
    if (!page.hasMore || page.rows.length === 0) return outcome;
  }
}
