import type { Table } from 'dexie';
import type { Actor } from '../../../common/security/roles';
import type { SyncedRow } from '../../../common/sync/stamped';
import type { CareLoopDb } from '../db/database';
import type { WriteContext } from '../db/journal';
import { insertRow, updateRow } from '../db/synced-rows';
import { foldKey } from '../db/users';
import type { AccessPolicy } from './access-settings';

/**
 * Break-glass (issue 9): where the clinic scopes access to care teams, a scoped user who is
 * not on a patient's care team opens the record only by giving a reason. Each opening is an
 * audited, synced event flagged for an administrator's review.
 */
export interface BreakGlassEvent extends SyncedRow {
  patientId: string;
  userId: string;
  userName: string;
  reason: string;
  atMs: number;
  reviewedBy?: string;
  reviewedAtMs?: number;
}

export type BreakGlassDb = CareLoopDb & { breakGlass: Table<BreakGlassEvent, string> };

export const MIN_REASON_LENGTH = 5;
export const MAX_REASON_LENGTH = 500;

export class BreakGlassError extends Error {
  override readonly name = 'BreakGlassError';
}

/** A care team lists people by name (CareTeamMember has no user id), so names are compared folded. */
export function isOnCareTeam(userName: string, careTeam: readonly { name: string }[] | undefined): boolean {
  const me = foldKey(userName);
  return (careTeam ?? []).some((m) => foldKey(m.name) === me);
}

export interface ScopedUser {
  name: string;
  careTeamScoped: boolean;
}

/** Whether opening this patient needs a reason: scoping on, the user scoped, and not on the team. */
export function needsBreakGlass(policy: Pick<AccessPolicy, 'careTeamScoping'>, user: ScopedUser, careTeam: readonly { name: string }[] | undefined): boolean {
  return policy.careTeamScoping && user.careTeamScoped && !isOnCareTeam(user.name, careTeam);
}

export function reasonProblem(reason: string): string | undefined {
  const r = reason.trim();
  if (r.length < MIN_REASON_LENGTH) return `give a reason of at least ${MIN_REASON_LENGTH} characters`;
  if (r.length > MAX_REASON_LENGTH) return `keep the reason under ${MAX_REASON_LENGTH} characters`;
  return undefined;
}

const tables = (db: BreakGlassDb) => [db.breakGlass, db.audit, db.outbox, db.meta];

export async function recordBreakGlass(db: CareLoopDb, ctx: WriteContext, actor: Actor, patientId: string, reason: string, nowMs = Date.now()): Promise<BreakGlassEvent> {
  const problem = reasonProblem(reason);
  if (problem) throw new BreakGlassError(problem);
  const bdb = db as BreakGlassDb;
  return bdb.transaction('rw', tables(bdb), () =>
    insertRow<BreakGlassEvent>(bdb, ctx, bdb.breakGlass, { patientId, userId: actor.userId, userName: actor.name, reason: reason.trim(), atMs: nowMs }, { action: 'patient.break-glass', entity: 'patient', patientId }),
  );
}

/** Events not yet reviewed, newest first. */
export async function flaggedBreakGlass(db: CareLoopDb, limit = 100): Promise<BreakGlassEvent[]> {
  const bdb = db as BreakGlassDb;
  return bdb.breakGlass.orderBy('atMs').reverse().filter((e) => !e.deleted && !e.reviewedAtMs).limit(limit).toArray();
}

export async function markReviewed(db: CareLoopDb, ctx: WriteContext, id: string, reviewer: Actor, nowMs = Date.now()): Promise<BreakGlassEvent> {
  const bdb = db as BreakGlassDb;
  return bdb.transaction('rw', tables(bdb), async () => {
    const before = await bdb.breakGlass.get(id);
    if (!before || before.deleted) throw new BreakGlassError('That break-glass event does not exist.');
    if (before.reviewedAtMs) return before;
    return updateRow<BreakGlassEvent>(bdb, ctx, bdb.breakGlass, before, { reviewedBy: reviewer.name, reviewedAtMs: nowMs }, { action: 'break-glass.review', entity: 'break-glass', patientId: before.patientId });
  });
}
