import type { Dexie, Table, Transaction } from 'dexie';
import { can, PermissionDeniedError, type Action, type RecordType } from '../../../common/security/permissions';
import { isRole, type DataActor } from '../../../common/security/roles';

/**
 * Who the data layer acts for, per database instance (each JS context — the UI thread and
 * the engine worker — opens its own CareLoopDb, and each has its own actor).
 *
 * THE DEFAULT IS 'system': until something calls setCurrentActor, every read and write
 * passes as the app's own work, so code and tests written before sign-in existed keep
 * working. The sign-in flow (renderer/src/security/session*.ts) sets 'nobody' at start and
 * on lock, and the signed-in user's Actor after sign-in or unlock — on the UI thread's
 * database and on the engine worker's. Once a context is set to a user or 'nobody', its
 * background work that no person does by hand (sync, automation, scheduled backups) must
 * run in runAsSystem, or it is checked against that person's role.
 */

const DEFAULT_ACTOR: DataActor = Object.freeze({ kind: 'system', reason: 'no sign-in flow has set an actor on this database' });

const actors = new WeakMap<Dexie, DataActor>();
/** IndexedDB transactions that run as the app itself, whoever is signed in. */
const systemTransactions = new WeakSet<object>();

export class InvalidActorError extends Error {
  override readonly name = 'InvalidActorError';
}

function checked(actor: DataActor): DataActor {
  switch (actor?.kind) {
    case 'user':
      if (!isRole(actor.role)) throw new InvalidActorError('a user actor needs one of the five roles');
      if (typeof actor.userId !== 'string' || actor.userId === '') throw new InvalidActorError('a user actor needs a user id');
      return Object.freeze({ kind: 'user', userId: actor.userId, name: actor.name, role: actor.role });
    case 'system':
      if (typeof actor.reason !== 'string' || actor.reason.trim() === '') throw new InvalidActorError('a system actor needs a reason');
      return Object.freeze({ kind: 'system', reason: actor.reason });
    case 'nobody':
      return Object.freeze({ kind: 'nobody' });
    default:
      throw new InvalidActorError("an actor is a user, 'system' or 'nobody'");
  }
}

export function setCurrentActor(db: Dexie, actor: DataActor): void {
  actors.set(db, checked(actor));
}

export function currentActor(db: Dexie): DataActor {
  return actors.get(db) ?? DEFAULT_ACTOR;
}

/**
 * Checks an action that is not a table read or write (export, acknowledge, break-glass,
 * restore, …) for the database's current actor; the table operations themselves are
 * checked by the permission middleware.
 */
export function requirePermission(db: Dexie, action: Action, recordType: RecordType): void {
  const actor = currentActor(db);
  if (actor.kind === 'system') return;
  if (actor.kind === 'nobody') throw new PermissionDeniedError('nobody', action, recordType);
  if (!can(actor.role, action, recordType)) throw new PermissionDeniedError(actor.role, action, recordType);
}

/** True when this database's current actor may do it (for showing or hiding a control). */
export function currentActorCan(db: Dexie, action: Action, recordType: RecordType): boolean {
  const actor = currentActor(db);
  return actor.kind === 'system' || (actor.kind === 'user' && can(actor.role, action, recordType));
}

export function isSystemTransaction(idbTransaction: object): boolean {
  return systemTransactions.has(idbTransaction);
}

/**
 * Marks a transaction the caller already opened (e.g. a sync page being applied, beside
 * markSyncTransaction) as the app's own work: every operation in it passes, whoever is
 * signed in. Only for work no person does by hand.
 */
export function markSystemTransaction(tx: Transaction | null): void {
  const idb = (tx as (Transaction & { idbtrans?: object }) | null)?.idbtrans;
  if (!idb) throw new InvalidActorError('markSystemTransaction needs a running transaction');
  systemTransactions.add(idb);
}

/**
 * Runs fn in a new top-level read-write transaction that acts as the app itself whoever is
 * signed in: for bookkeeping no role grants, such as counting a failed sign-in on a user
 * row while nobody is signed in, or a background sync in a locked session. Only the
 * transaction is exempt: other work running meanwhile keeps the current actor. The reason
 * says why, for readers of the calling code.
 */
export async function runAsSystem<T>(db: Dexie, tables: readonly (string | Table)[], reason: string, fn: () => Promise<T>): Promise<T> {
  if (reason.trim() === '') throw new InvalidActorError('runAsSystem needs a reason');
  // 'rw!' opens a new transaction even inside another one, so the exemption never leaks into a caller's transaction.
  return db.transaction('rw!', tables, (tx: Transaction) => {
    markSystemTransaction(tx);
    return fn();
  });
}
