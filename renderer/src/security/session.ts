import type { AuditAction } from '../../../common/audit/chain';
import type { Actor } from '../../../common/security/roles';
import { appendAudit, type WriteContext } from '../db/journal';
import { asUsersDb, clearFailures, countActiveUsers, createUser, findByLogin, recordFailure, setUserPassword, setUserPin, type UserDetails, type UserRow, type UsersDb } from '../db/users';
import type { CareLoopDb } from '../db/database';
import { runAsSystem } from './current-actor';
import { CredentialError, passwordProblem, pinProblem, type SecretHasher } from './credentials';

/**
 * Signing in, unlocking and their audit (issue 9), without any UI: the store in
 * session-store.ts drives it, and the unit tests drive it with a cheap hasher and a clock.
 * Failed attempts count per user on this workstation; five in a row lock the user out for
 * fifteen minutes, whether they were passwords at sign-in or PINs at the lock screen.
 */
export const LOCKOUT_POLICY = { maxFailures: 5, lockoutMs: 15 * 60_000 } as const;

/** The user as the session keeps them (never a hash). */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: UserRow['role'];
  hasPin: boolean;
  careTeamScoped: boolean;
}

export type AttemptResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'invalid' | 'locked-out'; lockedUntilMs?: number; attemptsLeft?: number };

/** Who writes the session's audit entries: this workstation. */
export interface SessionAuditContext {
  workstation: string;
}

/** Shown for a sign-in attempt that names no user, so the log says what happened without the typed text. */
const NOBODY = '(not signed in)';

export const actorOf = (u: SessionUser): Actor => ({ kind: 'user', userId: u.id, name: u.name, role: u.role });

export function sessionUserOf(u: UserRow): SessionUser {
  return { id: u.id, name: u.name, email: u.email, role: u.role, hasPin: Boolean(u.pinHash), careTeamScoped: u.careTeamScoped };
}

export class SessionService {
  private readonly db: UsersDb;
  private decoy: Promise<string> | undefined;

  constructor(
    db: CareLoopDb,
    private readonly hasher: SecretHasher,
    private readonly audit: SessionAuditContext,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.db = asUsersDb(db);
  }

  /** True until the first administrator exists (a new workstation, or one set up before users). */
  async needsFirstAdministrator(): Promise<boolean> {
    return (await countActiveUsers(this.db)) === 0;
  }

  /** Creates the first administrator; refused once any enabled user exists. */
  async createFirstAdministrator(ctx: WriteContext, details: Omit<UserDetails, 'role'>, password: string, pin?: string): Promise<SessionUser> {
    if (!(await this.needsFirstAdministrator())) throw new CredentialError('This clinic already has users: sign in instead.');
    const problem = passwordProblem(password) ?? (pin ? pinProblem(pin) : undefined);
    if (problem) throw new CredentialError(problem);
    const passwordHash = await this.hasher.hash(password);
    const pinHash = pin ? await this.hasher.hash(pin) : undefined;
    // No one can be signed in before the first user exists, so this one write runs as the app itself.
    const row = await runAsSystem(this.db, [this.db.users, this.db.audit, this.db.outbox, this.db.meta], 'the first administrator of a clinic without users', () =>
      createUser(this.db, ctx, { ...details, role: 'administrator' }, { passwordHash, ...(pinHash ? { pinHash } : {}) }),
    );
    return sessionUserOf(row);
  }

  /** An administrator adds a user (the caller checks who may). */
  async addUser(ctx: WriteContext, details: UserDetails, password: string, pin?: string): Promise<SessionUser> {
    const problem = passwordProblem(password) ?? (pin ? pinProblem(pin) : undefined);
    if (problem) throw new CredentialError(problem);
    const passwordHash = await this.hasher.hash(password);
    const pinHash = pin ? await this.hasher.hash(pin) : undefined;
    return sessionUserOf(await createUser(this.db, ctx, details, { passwordHash, ...(pinHash ? { pinHash } : {}) }));
  }

  /** An administrator sets a new password for a user (which also ends a lock-out). */
  async resetPassword(ctx: WriteContext, userId: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new CredentialError(problem);
    await setUserPassword(this.db, ctx, userId, await this.hasher.hash(password));
  }

  /** A user sets or removes their own unlock PIN, confirming with their password. */
  async changeOwnPin(ctx: WriteContext, userId: string, password: string, pin: string | undefined): Promise<void> {
    const problem = pin === undefined ? undefined : pinProblem(pin);
    if (problem) throw new CredentialError(problem);
    const u = await this.db.users.get(userId);
    if (!u || !(await this.hasher.verify(password, u.passwordHash))) throw new CredentialError('The password is wrong.');
    const pinHash = pin === undefined ? undefined : await this.hasher.hash(pin);
    // Only administrators manage user rows; a person's own PIN, confirmed by their password, is the exception.
    await runAsSystem(this.db, [this.db.users, this.db.audit, this.db.outbox, this.db.meta], 'a user sets their own unlock PIN', () => setUserPin(this.db, ctx, userId, pinHash));
  }

  /** Sign-in with email or name and password. Every outcome is audited; the password never is. */
  async signIn(login: string, password: string): Promise<AttemptResult> {
    const candidates = (await findByLogin(this.db, login)).filter((u) => !u.disabled);
    if (candidates.length === 0) {
      // Spend the same time as a real check, so response time does not tell who has an account.
      await this.hasher.verify(password, await this.decoyHash());
      await this.log(NOBODY, 'session.sign-in-failed', 'user', '', 'unknown or disabled user');
      return { ok: false, reason: 'invalid' };
    }
    const open = candidates.filter((u) => !this.lockedOut(u));
    for (const u of open) {
      if (await this.hasher.verify(password, u.passwordHash)) {
        await clearFailures(this.db, u.id);
        await this.log(u.name, 'session.sign-in', 'user', u.id);
        return { ok: true, user: sessionUserOf(u) };
      }
    }
    if (open.length === 0) {
      const until = Math.max(...candidates.map((u) => u.lockedUntilMs ?? 0));
      await this.log(NOBODY, 'session.sign-in-failed', 'user', candidates[0]!.id, 'locked out');
      return { ok: false, reason: 'locked-out', lockedUntilMs: until };
    }
    // A name shared by two people: the failure counts against each of them.
    let result: AttemptResult = { ok: false, reason: 'invalid' };
    for (const u of open) {
      await this.log(NOBODY, 'session.sign-in-failed', 'user', u.id, 'wrong password');
      result = await this.countFailure(u);
    }
    return result.ok === false && result.reason === 'locked-out' ? result : { ok: false, reason: 'invalid' };
  }

  /** The locked session's own user unlocks with their PIN or their password. */
  async unlock(userId: string, secret: string, kind: 'pin' | 'password'): Promise<AttemptResult> {
    const u = await this.db.users.get(userId);
    if (!u || u.deleted || u.disabled) {
      await this.log(NOBODY, 'session.unlock-failed', 'user', userId, 'user no longer active');
      return { ok: false, reason: 'invalid' };
    }
    if (this.lockedOut(u)) {
      await this.log(u.name, 'session.unlock-failed', 'user', u.id, 'locked out');
      return { ok: false, reason: 'locked-out', lockedUntilMs: u.lockedUntilMs! };
    }
    const encoded = kind === 'pin' ? u.pinHash : u.passwordHash;
    if (encoded && (await this.hasher.verify(secret, encoded))) {
      await clearFailures(this.db, u.id);
      await this.log(u.name, 'session.unlock', 'user', u.id, kind === 'pin' ? 'PIN' : 'password');
      return { ok: true, user: sessionUserOf(u) };
    }
    await this.log(u.name, 'session.unlock-failed', 'user', u.id, kind === 'pin' ? 'wrong PIN' : 'wrong password');
    return this.countFailure(u);
  }

  async recordLock(user: SessionUser, why: 'idle' | 'manual'): Promise<void> {
    await this.log(user.name, 'session.lock', 'user', user.id, why === 'idle' ? 'idle timeout' : 'locked by user');
  }

  async recordSignOut(user: SessionUser): Promise<void> {
    await this.log(user.name, 'session.sign-out', 'user', user.id);
  }

  /** Whether a user is locked out now (for the lock screen after a reload). */
  async lockedOutUntil(userId: string): Promise<number | undefined> {
    const u = await this.db.users.get(userId);
    return u && this.lockedOut(u) ? u.lockedUntilMs : undefined;
  }

  async currentUser(userId: string): Promise<SessionUser | undefined> {
    const u = await this.db.users.get(userId);
    return u && !u.deleted && !u.disabled ? sessionUserOf(u) : undefined;
  }

  private lockedOut(u: UserRow): boolean {
    return (u.lockedUntilMs ?? 0) > this.now();
  }

  private async countFailure(u: UserRow): Promise<AttemptResult> {
    const r = await recordFailure(this.db, u.id, this.now(), LOCKOUT_POLICY);
    if (r.lockedUntilMs) {
      await this.log(NOBODY, 'session.locked-out', 'user', u.id, `${LOCKOUT_POLICY.maxFailures} failed attempts`);
      return { ok: false, reason: 'locked-out', lockedUntilMs: r.lockedUntilMs };
    }
    return { ok: false, reason: 'invalid', attemptsLeft: LOCKOUT_POLICY.maxFailures - r.failures };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.hasher.hash('decoy password for unknown users');
    return this.decoy;
  }

  private async log(actor: string, action: AuditAction, entity: string, entityId: string, reason?: string): Promise<void> {
    await this.db.transaction('rw', this.db.audit, () => appendAudit(this.db, { actor, workstation: this.audit.workstation }, { action, entity, entityId, ...(reason ? { reason } : {}) }));
  }
}
