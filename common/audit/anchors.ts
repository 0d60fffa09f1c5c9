import type { AuditEntry } from './chain';

/**
 * A chain head the server received from a workstation after a sync. The plain chain check
 * (verifyAuditChain) cannot see a chain rewritten end to end with freshly computed hashes;
 * the anchors can, because they were recorded out of the workstation's reach.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  /** Entries in the chain when the anchor was sent (its seq, unless the chain is damaged). */
  count?: number;
}

export type AnchorVerdict =
  | { matches: true; anchors: number }
  | {
      matches: false;
      anchors: number;
      /** The first anchor, by seq, that the local chain no longer matches. */
      anchor: AuditAnchor;
      problem: 'entry-missing' | 'hash-differs';
    };

/** The chain head to anchor: its last entry by seq, with the number of entries. */
export function chainHead(entries: readonly Pick<AuditEntry, 'seq' | 'hash'>[]): AuditAnchor | undefined {
  let head: Pick<AuditEntry, 'seq' | 'hash'> | undefined;
  for (const e of entries) if (!head || e.seq > head.seq) head = e;
  return head ? { seq: head.seq, hash: head.hash, count: entries.length } : undefined;
}

/**
 * For each anchor, the local entry at that seq must exist and carry the anchored hash.
 * Names the first anchor (lowest seq) the chain no longer matches.
 */
export function verifyAgainstAnchors(entries: readonly Pick<AuditEntry, 'seq' | 'hash'>[], anchors: readonly AuditAnchor[]): AnchorVerdict {
  const hashBySeq = new Map<number, string>();
  for (const e of entries) hashBySeq.set(e.seq, e.hash);
  const ordered = [...anchors].sort((a, b) => a.seq - b.seq);
  for (const anchor of ordered) {
    const local = hashBySeq.get(anchor.seq);
    if (local === undefined) return { matches: false, anchors: ordered.length, anchor, problem: 'entry-missing' };
    if (local !== anchor.hash) return { matches: false, anchors: ordered.length, anchor, problem: 'hash-differs' };
  }
  return { matches: true, anchors: ordered.length };
}
