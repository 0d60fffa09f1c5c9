import type { CareLoopDb } from '../../db/database';
import { cloudErrorCode, isTransient, type CloudPort } from './cloud-port';

/** The head last sent for a workstation, and the server's refusal of it if it refused. */
export interface AnchorMemo {
  key: string;
  refusal: string | null;
}

/**
 * Sends the audit chain head to the server after a successful sync (issue 9), so a chain
 * rewritten later no longer matches what the server holds. A head already sent is not sent
 * again; one the server refused as contradicting its anchors (409) is not re-sent (the server
 * records each refusal) but stays reported.
 * A network failure is left for the next sync. Returns the memo to keep for the next run.
 */
export async function anchorAuditHead(db: CareLoopDb, cloud: CloudPort, workstationId: string, memo: AnchorMemo | undefined): Promise<AnchorMemo | undefined> {
  if (!cloud.anchor) return memo;
  const head = await db.audit.orderBy('seq').last();
  if (!head) return memo;
  const key = `${workstationId}:${head.seq}:${head.hash}`;
  if (memo?.key === key) return memo;
  try {
    await cloud.anchor({ seq: head.seq, hash: head.hash, count: await db.audit.count() });
    return { key, refusal: null };
  } catch (err) {
    if (isTransient(err)) return memo;
    console.error(`[sync] audit anchor refused: ${cloudErrorCode(err) ?? (err as Error).name}`);
    const reason = err instanceof Error ? err.message : String(err);
    // Only a contradiction (409) is final for this head; any other refusal is tried again next sync.
    const contradicts = cloudErrorCode(err) === 'cloud-refused' && reason.startsWith('409');
    return { key: contradicts ? key : '', refusal: `The server refused this workstation's audit chain head: ${reason}`.slice(0, 300) };
  }
}
