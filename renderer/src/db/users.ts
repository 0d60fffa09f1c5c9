import type { Table } from 'dexie';
import { z } from 'zod';
import type { AuditAction } from '../../../common/audit/chain';
import { newId } from '../../../common/ids';
import { ROLES, type Role } from '../../../common/security/roles';
import { changedFields, stampFields, type SyncedRow } from '../../../common/sync/stamped';
import { runAsSystem } from '../security/current-actor';
import type { CareLoopDb } from './database';
import { appendAudit, queueChange, stampWrite, type WriteContext } from './journal';

/**
 * Workstation users (issue 9). Synced like other rows so staff sign in at any desk of the
 * clinic; the password and PIN are only ever stored as Argon2id encoded hashes, and those
 * never reach the audit log. The failed-attempt counter and the lock-out live only in this
 * workstation's copy of the row: they are never queued for sync.
 */
export interface UserRow extends SyncedRow {
  name: string;
  email: string;
  /** Folded email and name: sign-in finds a user by either. Synced, so pulled rows are findable. */
  emailKey: string;
  nameKey: string;
  role: Role;
  passwordHash: string;
  pinHash?: string;
  disabled: boolean;
  /** When the clinic scopes access to care teams, this user opens others' patients only by break-glass. */
  careTeamScoped: boolean;
  /** Local only. */
  failedAttempts?: number;
  /** Local only: epoch ms until which sign-in and unlock are refused. */
  lockedUntilMs?: number;
}

export type UsersDb = CareLoopDb & { users: Table<UserRow, string> };

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: 'invalid' | 'duplicate-email' | 'not-found' | 'last-administrator' | 'no-users-table',
    message: string,
  ) {
    super(message);
  }
}

export function asUsersDb(db: CareLoopDb): UsersDb {
  if (!db.tables.some((t) => t.name === 'users')) throw new UserError('no-users-table', 'The database has no users table: register migration 010 (users) in migrations/index.ts.');
  return db as UsersDb;
}

export const foldKey = (s: string): string => s.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');

export const UserDetails = z.object({
  name: z.string().trim().min(1, 'enter the name').max(120),
  email: z.string().trim().max(254).pipe(z.email('enter an email address like name@example.org')),
  role: z.enum(ROLES, { error: 'choose a role' }),
  careTeamScoped: z.boolean().default(false),
});
export type UserDetails = z.input<typeof UserDetails>;

function parseDetails(input: unknown): z.output<typeof UserDetails> {
  const r = UserDetails.safeParse(input);
  if (!r.success) throw new UserError('invalid', r.error.issues.map((i) => `${i.path.join('.') || 'user'}: ${i.message}`).join('; '));
  return r.data;
}

/** Fields that sync; everything else on the row stays on this workstation. */
const SYNCED = ['name', 'email', 'emailKey', 'nameKey', 'role', 'passwordHash', 'pinHash', 'disabled', 'careTeamScoped', 'deleted'] as const;
type SyncedField = (typeof SYNCED)[number];
const SECRET = new Set<string>(['passwordHash', 'pinHash']);

/** Audit changes with secrets reduced to "changed": the log says a password was set, never what it hashes to. */
function auditChanges(names: readonly string[], before: Partial<UserRow> | undefined, after: Partial<UserRow>) {
  return Object.fromEntries(
    names.map((k) => {
      if (SECRET.has(k)) return [k, { before: before && before[k as SyncedField] !== undefined ? '(set)' : undefined, after: after[k as SyncedField] !== undefined ? '(set)' : undefined }];
      return [k, { before: before?.[k as SyncedField], after: after[k as SyncedField] }];
    }),
  );
}

const tablesOf = (db: UsersDb) => [db.users, db.audit, db.outbox, db.meta];

export async function listUsers(db: UsersDb): Promise<UserRow[]> {
  const all = await db.users.toArray();
  return all.filter((u) => !u.deleted).sort((a, b) => a.nameKey.localeCompare(b.nameKey));
}

export async function countActiveUsers(db: UsersDb): Promise<number> {
  return (await listUsers(db)).filter((u) => !u.disabled).length;
}

/** Users whose email or name is `login` (folded); a name can belong to more than one person. */
export async function findByLogin(db: UsersDb, login: string): Promise<UserRow[]> {
  const key = foldKey(login);
  if (!key) return [];
  const [byEmail, byName] = await Promise.all([db.users.where('emailKey').equals(key).toArray(), db.users.where('nameKey').equals(key).toArray()]);
  const seen = new Map<string, UserRow>();
  for (const u of [...byEmail, ...byName]) if (!u.deleted) seen.set(u.id, u);
  return [...seen.values()];
}

/** Adds a user whose secrets were already hashed (hashing is slow: never inside a transaction). */
export async function createUser(db: UsersDb, ctx: WriteContext, details: UserDetails, secrets: { passwordHash: string; pinHash?: string }): Promise<UserRow> {
  const d = parseDetails(details);
  return db.transaction('rw', tablesOf(db), async () => {
    const emailKey = foldKey(d.email);
    if ((await db.users.where('emailKey').equals(emailKey).filter((u) => !u.deleted).count()) > 0) throw new UserError('duplicate-email', `A user with the email ${d.email} already exists.`);
    const stamp = await stampWrite(db, ctx.clock);
    const now = new Date().toISOString();
    const fields: Omit<UserRow, keyof SyncedRow> = {
      name: d.name,
      email: d.email,
      emailKey,
      nameKey: foldKey(d.name),
      role: d.role,
      passwordHash: secrets.passwordHash,
      ...(secrets.pinHash ? { pinHash: secrets.pinHash } : {}),
      disabled: false,
      careTeamScoped: d.careTeamScoped,
    };
    const names = SYNCED.filter((k) => k !== 'deleted' && (fields as Partial<UserRow>)[k] !== undefined);
    const row: UserRow = { ...fields, id: newId(), clinicId: ctx.clinicId, createdAt: now, updatedAt: now, deleted: false, stamps: stampFields({}, [...names, 'createdAt', 'deleted'], stamp) };
    await db.users.add(row);
    await queueChange(db, 'users', row.id, row as unknown as Record<string, unknown>, [...names, 'createdAt', 'deleted', 'clinicId'], stamp);
    await appendAudit(db, ctx, { action: 'user.create', entity: 'user', entityId: row.id, changes: auditChanges(names, undefined, row) });
    return row;
  });
}

type UserPatch = Partial<Pick<UserRow, SyncedField>>;

async function writeUser(db: UsersDb, ctx: WriteContext, id: string, patch: UserPatch, action: AuditAction, check?: (before: UserRow, next: UserRow) => Promise<void>): Promise<UserRow> {
  return db.transaction('rw', tablesOf(db), async () => {
    const before = await db.users.get(id);
    if (!before || before.deleted) throw new UserError('not-found', 'That user does not exist.');
    const next = { ...before, ...patch } as UserRow;
    if (check) await check(before, next);
    const changed = changedFields(before, next).filter((f) => (SYNCED as readonly string[]).includes(f));
    if (changed.length === 0) return before;
    const stamp = await stampWrite(db, ctx.clock);
    const row: UserRow = { ...next, updatedAt: new Date().toISOString(), stamps: stampFields(before.stamps, changed, stamp) };
    await db.users.put(row);
    await queueChange(db, 'users', row.id, row as unknown as Record<string, unknown>, changed, stamp);
    await appendAudit(db, ctx, { action, entity: 'user', entityId: row.id, changes: auditChanges(changed, before, row) });
    return row;
  });
}

/** The clinic keeps at least one enabled administrator, or no one could manage users again. */
async function keepsAnAdministrator(db: UsersDb, before: UserRow, next: UserRow): Promise<void> {
  const wasAdmin = before.role === 'administrator' && !before.disabled;
  const isAdmin = next.role === 'administrator' && !next.disabled && !next.deleted;
  if (!wasAdmin || isAdmin) return;
  const others = await db.users.filter((u) => u.id !== before.id && !u.deleted && !u.disabled && u.role === 'administrator').count();
  if (others === 0) throw new UserError('last-administrator', 'This is the only administrator: make someone else an administrator first.');
}

export async function updateUserDetails(db: UsersDb, ctx: WriteContext, id: string, details: UserDetails): Promise<UserRow> {
  const d = parseDetails(details);
  const emailKey = foldKey(d.email);
  return writeUser(db, ctx, id, { name: d.name, email: d.email, emailKey, nameKey: foldKey(d.name), role: d.role, careTeamScoped: d.careTeamScoped }, 'user.update', async (before, next) => {
    if (emailKey !== before.emailKey && (await db.users.where('emailKey').equals(emailKey).filter((u) => !u.deleted && u.id !== id).count()) > 0) {
      throw new UserError('duplicate-email', `A user with the email ${d.email} already exists.`);
    }
    await keepsAnAdministrator(db, before, next);
  });
}

export async function setUserDisabled(db: UsersDb, ctx: WriteContext, id: string, disabled: boolean): Promise<UserRow> {
  return writeUser(db, ctx, id, { disabled }, disabled ? 'user.disable' : 'user.enable', (before, next) => keepsAnAdministrator(db, before, next));
}

/** A new password (hashed by the caller); an administrator's reset also clears a lock-out. */
export async function setUserPassword(db: UsersDb, ctx: WriteContext, id: string, passwordHash: string): Promise<UserRow> {
  const row = await writeUser(db, ctx, id, { passwordHash }, 'user.password-reset');
  await clearFailures(db, id);
  return row;
}

/** A new PIN hash, or undefined to remove the PIN (unlock then asks for the password). */
export async function setUserPin(db: UsersDb, ctx: WriteContext, id: string, pinHash: string | undefined): Promise<UserRow> {
  return writeUser(db, ctx, id, { pinHash }, 'user.update');
}

/** Counts a failed attempt on this workstation; returns the lock-out end when this one crossed the limit. */
export async function recordFailure(db: UsersDb, id: string, nowMs: number, policy: { maxFailures: number; lockoutMs: number }): Promise<{ failures: number; lockedUntilMs?: number }> {
  // Counted while nobody is signed in, so as the app itself: no role may write user rows then.
  return runAsSystem(db, [db.users], 'count a failed sign-in or unlock', async () => {
    const u = await db.users.get(id);
    if (!u) return { failures: 0 };
    const failures = (u.failedAttempts ?? 0) + 1;
    // get + put rather than Table.update: the whole row is in hand, and these fields never sync.
    if (failures >= policy.maxFailures) {
      const lockedUntilMs = nowMs + policy.lockoutMs;
      await db.users.put({ ...u, failedAttempts: 0, lockedUntilMs });
      return { failures, lockedUntilMs };
    }
    await db.users.put({ ...u, failedAttempts: failures });
    return { failures };
  });
}

export async function clearFailures(db: UsersDb, id: string): Promise<void> {
  await runAsSystem(db, [db.users], 'clear the failed-attempt counter after a successful sign-in', async () => {
    const u = await db.users.get(id);
    if (u && (u.failedAttempts || u.lockedUntilMs)) await db.users.put({ ...u, failedAttempts: 0, lockedUntilMs: 0 });
  });
}
