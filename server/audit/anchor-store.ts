import type { Database, Queryable } from '../db/database';
import { toNumber } from '../db/database';

export interface AnchorInput {
  clinicId: string;
  workstationId: string;
  seq: number;
  hash: string;
  count: number;
}

export interface StoredAnchor {
  seq: number;
  hash: string;
  count: number;
  receivedAt: string;
}

export type AnchorProblem = 'chain-rewritten' | 'chain-truncated';

export interface AnchorRefusal {
  seq: number;
  hash: string;
  count: number;
  problem: AnchorProblem;
  heldSeq: number;
  heldHash: string;
  receivedAt: string;
}

export type AnchorOutcome =
  | { kind: 'stored'; anchor: StoredAnchor; duplicate: boolean }
  | { kind: 'refused'; refusal: AnchorRefusal };

interface AnchorRow {
  seq: unknown;
  hash: string;
  entry_count: unknown;
  received_at: Date | string;
}

const toAnchor = (r: AnchorRow): StoredAnchor => ({ seq: toNumber(r.seq), hash: r.hash, count: toNumber(r.entry_count), receivedAt: new Date(r.received_at).toISOString() });

async function anchorAt(tx: Queryable, a: AnchorInput, seq: number): Promise<StoredAnchor | undefined> {
  const rows = await tx.query<AnchorRow>('SELECT seq, hash, entry_count, received_at FROM audit_anchors WHERE clinic_id = $1 AND workstation_id = $2 AND seq = $3', [a.clinicId, a.workstationId, seq]);
  return rows[0] ? toAnchor(rows[0]) : undefined;
}

async function refuse(tx: Queryable, a: AnchorInput, problem: AnchorProblem, held: StoredAnchor): Promise<AnchorOutcome> {
  const rows = await tx.query<{ received_at: Date | string }>(
    `INSERT INTO audit_anchor_refusals (clinic_id, workstation_id, seq, hash, entry_count, problem, held_seq, held_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING received_at`,
    [a.clinicId, a.workstationId, a.seq, a.hash, a.count, problem, held.seq, held.hash],
  );
  return { kind: 'refused', refusal: { seq: a.seq, hash: a.hash, count: a.count, problem, heldSeq: held.seq, heldHash: held.hash, receivedAt: new Date(rows[0]!.received_at).toISOString() } };
}

/**
 * Stores a workstation's chain head unless it contradicts an anchor already held: the same
 * seq with another hash (the chain was rewritten), or a seq below the highest anchor with no
 * anchor of its own to match (entries the server saw are gone). A replayed anchor changes
 * nothing. A refusal is recorded in the same transaction, so it is kept though the request fails.
 */
export function storeAnchor(db: Database, a: AnchorInput): Promise<AnchorOutcome> {
  return db.transaction(async (tx) => {
    // One workstation's anchors are decided one at a time (two syncs racing cannot both pass the checks).
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit-anchor:${a.clinicId}:${a.workstationId}`]);
    const same = await anchorAt(tx, a, a.seq);
    if (same) return same.hash === a.hash ? { kind: 'stored', anchor: same, duplicate: true } : refuse(tx, a, 'chain-rewritten', same);
    const highest = await tx.query<AnchorRow>(
      'SELECT seq, hash, entry_count, received_at FROM audit_anchors WHERE clinic_id = $1 AND workstation_id = $2 ORDER BY seq DESC LIMIT 1',
      [a.clinicId, a.workstationId],
    );
    if (highest[0] && toNumber(highest[0].seq) > a.seq) return refuse(tx, a, 'chain-truncated', toAnchor(highest[0]));
    const rows = await tx.query<AnchorRow>(
      `INSERT INTO audit_anchors (clinic_id, workstation_id, seq, hash, entry_count) VALUES ($1, $2, $3, $4, $5)
       RETURNING seq, hash, entry_count, received_at`,
      [a.clinicId, a.workstationId, a.seq, a.hash, a.count],
    );
    return { kind: 'stored', anchor: toAnchor(rows[0]!), duplicate: false };
  });
}

export async function listAnchors(db: Database, clinicId: string, workstationId: string, afterSeq: number, limit: number): Promise<StoredAnchor[]> {
  const rows = await db.query<AnchorRow>(
    `SELECT seq, hash, entry_count, received_at FROM audit_anchors
     WHERE clinic_id = $1 AND workstation_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
    [clinicId, workstationId, afterSeq, limit],
  );
  return rows.map(toAnchor);
}

export async function listRefusals(db: Database, clinicId: string, workstationId: string, limit: number): Promise<AnchorRefusal[]> {
  const rows = await db.query<AnchorRow & { problem: AnchorProblem; held_seq: unknown; held_hash: string }>(
    `SELECT seq, hash, entry_count, problem, held_seq, held_hash, received_at FROM audit_anchor_refusals
     WHERE clinic_id = $1 AND workstation_id = $2 ORDER BY refusal_id DESC LIMIT $3`,
    [clinicId, workstationId, limit],
  );
  return rows.map((r) => ({ ...toAnchor(r), problem: r.problem, heldSeq: toNumber(r.held_seq), heldHash: r.held_hash }));
}
