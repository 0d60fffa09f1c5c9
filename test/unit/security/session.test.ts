import { describe, expect, it } from 'vitest';
import { asUsersDb, setUserDisabled, updateUserDetails } from '../../../renderer/src/db/users';
import { LOCKOUT_POLICY } from '../../../renderer/src/security/session';
import { openSessionFixture } from './session-support';
import { runAsSystem, setCurrentActor } from '../../../renderer/src/security/current-actor';

const PASSWORD = 'correct horse battery staple';
const admin = { name: 'Morgan Ellis', email: 'Morgan.Ellis@riverside.example.org' };

async function withAdmin(pin?: string) {
  const f = await openSessionFixture();
  const user = await f.service.createFirstAdministrator(f.ctx, admin, PASSWORD, pin);
  return { ...f, user };
}

describe('first administrator and users', () => {
  it('a new workstation needs a first administrator; once there is one, another is refused', async () => {
    const f = await openSessionFixture();
    expect(await f.service.needsFirstAdministrator()).toBe(true);
    const u = await f.service.createFirstAdministrator(f.ctx, admin, PASSWORD, '2468');
    expect(u).toMatchObject({ name: 'Morgan Ellis', role: 'administrator', hasPin: true });
    expect(await f.service.needsFirstAdministrator()).toBe(false);
    await expect(f.service.createFirstAdministrator(f.ctx, { name: 'Other', email: 'other@example.org' }, PASSWORD)).rejects.toThrow(/already has users/);
  });

  it('creates the first administrator on a workstation set up before users, while no one is signed in', async () => {
    const f = await openSessionFixture();
    setCurrentActor(f.db, { kind: 'nobody' });
    const u = await f.service.createFirstAdministrator(f.ctx, admin, PASSWORD);
    expect(u).toMatchObject({ role: 'administrator' });
    // The exemption covered that one write only.
    await expect(asUsersDb(f.db).users.put({ ...(await runAsSystem(f.db, [asUsersDb(f.db).users], 'read back', () => asUsersDb(f.db).users.get(u.id)))!, name: 'Changed' })).rejects.toThrow(/permission|nobody|sign in/i);
  });

  it('stores only Argon2id hashes; the outbox carries them but never the local lock-out fields; the audit says "(set)"', async () => {
    const { db, user } = await withAdmin('2468');
    const row = (await asUsersDb(db).users.get(user.id))!;
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
    expect(row.pinHash).toMatch(/^\$argon2id\$v=19\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    const change = (await db.outbox.toArray()).find((c) => c.table === 'users')!;
    expect(Object.keys(change.fields)).toEqual(expect.arrayContaining(['name', 'email', 'emailKey', 'role', 'passwordHash', 'pinHash', 'disabled']));
    expect(Object.keys(change.fields)).not.toContain('failedAttempts');
    const created = (await db.audit.toArray()).find((a) => a.action === 'user.create')!;
    expect(created.changes!['passwordHash']).toEqual({ before: undefined, after: '(set)' });
    expect(JSON.stringify(await db.audit.toArray())).not.toMatch(/argon2id|correct horse/);
  });

  it('refuses short passwords, bad PINs and a second user with the same email', async () => {
    const { service, ctx } = await withAdmin();
    await expect(service.addUser(ctx, { name: 'Sam', email: 'sam@example.org', role: 'nurse' }, 'short')).rejects.toThrow(/at least 12 characters/);
    await expect(service.addUser(ctx, { name: 'Sam', email: 'sam@example.org', role: 'nurse' }, PASSWORD, '12a4')).rejects.toThrow(/4 to 8 digits/);
    await expect(service.addUser(ctx, { name: 'Morgan Again', email: 'morgan.ellis@RIVERSIDE.example.org', role: 'nurse' }, PASSWORD)).rejects.toThrow(/already exists/);
  });

  it('keeps at least one enabled administrator', async () => {
    const { db, ctx, user, service } = await withAdmin();
    const udb = asUsersDb(db);
    await expect(setUserDisabled(udb, ctx, user.id, true)).rejects.toThrow(/only administrator/);
    await expect(updateUserDetails(udb, ctx, user.id, { ...admin, role: 'nurse' })).rejects.toThrow(/only administrator/);
    const second = await service.addUser(ctx, { name: 'Pat Admin', email: 'pat@example.org', role: 'administrator' }, PASSWORD);
    await setUserDisabled(udb, ctx, user.id, true);
    expect((await udb.users.get(user.id))!.disabled).toBe(true);
    expect(second.role).toBe('administrator');
  });
});

describe('sign-in', () => {
  it('signs in by email or by name, case and spacing folded, and audits it without the password', async () => {
    const { service, db } = await withAdmin();
    expect(await service.signIn('morgan.ellis@riverside.example.org', PASSWORD)).toMatchObject({ ok: true, user: { name: 'Morgan Ellis' } });
    expect(await service.signIn('  morgan   ellis ', PASSWORD)).toMatchObject({ ok: true });
    const entries = await db.audit.toArray();
    expect(entries.filter((e) => e.action === 'session.sign-in')).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
  });

  it('a wrong password fails and is audited; an unknown login is audited without what was typed', async () => {
    const { service, db } = await withAdmin();
    expect(await service.signIn(admin.email, 'wrong password here')).toEqual({ ok: false, reason: 'invalid' });
    expect(await service.signIn('secret-looking-typo@example.org', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    const failed = (await db.audit.toArray()).filter((e) => e.action === 'session.sign-in-failed');
    expect(failed.map((e) => e.reason)).toEqual(['wrong password', 'unknown or disabled user']);
    expect(JSON.stringify(failed)).not.toMatch(/secret-looking-typo|wrong password here/);
  });

  it(`${LOCKOUT_POLICY.maxFailures} failures lock the user out for 15 minutes, even with the right password; then sign-in works again`, async () => {
    const { service, clock, db, user } = await withAdmin();
    for (let i = 1; i < LOCKOUT_POLICY.maxFailures; i++) {
      expect(await service.signIn(admin.email, 'not the password!')).toMatchObject({ ok: false, reason: 'invalid' });
    }
    const fifth = await service.signIn(admin.email, 'not the password!');
    expect(fifth).toEqual({ ok: false, reason: 'locked-out', lockedUntilMs: clock.ms + 15 * 60_000 });
    expect(await service.signIn(admin.email, PASSWORD)).toMatchObject({ ok: false, reason: 'locked-out' });
    expect((await db.audit.toArray()).some((e) => e.action === 'session.locked-out' && e.entityId === user.id)).toBe(true);
    clock.ms += 15 * 60_000 + 1;
    expect(await service.signIn(admin.email, PASSWORD)).toMatchObject({ ok: true });
    // Success clears the counter: four more failures do not lock out.
    for (let i = 1; i < LOCKOUT_POLICY.maxFailures; i++) expect(await service.signIn(admin.email, 'not the password!')).toMatchObject({ reason: 'invalid' });
  });

  it('a disabled user cannot sign in or unlock', async () => {
    const { service, ctx, db } = await withAdmin();
    const nurse = await service.addUser(ctx, { name: 'Nurse Kim', email: 'kim@example.org', role: 'nurse' }, PASSWORD, '1357');
    await setUserDisabled(asUsersDb(db), ctx, nurse.id, true);
    expect(await service.signIn('kim@example.org', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    expect(await service.unlock(nurse.id, '1357', 'pin')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('an administrator resets a password, which also ends a lock-out', async () => {
    const { service, ctx, user } = await withAdmin();
    for (let i = 0; i < LOCKOUT_POLICY.maxFailures; i++) await service.signIn(admin.email, 'not the password!');
    await service.resetPassword(ctx, user.id, 'a brand new long password');
    expect(await service.signIn(admin.email, PASSWORD)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await service.signIn(admin.email, 'a brand new long password')).toMatchObject({ ok: true });
  });
});

describe('unlock', () => {
  it('unlocks with the PIN or the password; lock and sign-out are audited', async () => {
    const { service, user, db } = await withAdmin('2468');
    await service.recordLock(user, 'idle');
    expect(await service.unlock(user.id, '1111', 'pin')).toMatchObject({ ok: false, reason: 'invalid', attemptsLeft: 4 });
    expect(await service.unlock(user.id, '2468', 'pin')).toMatchObject({ ok: true });
    expect(await service.unlock(user.id, PASSWORD, 'password')).toMatchObject({ ok: true });
    await service.recordSignOut(user);
    const actions = (await db.audit.toArray()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['session.lock', 'session.unlock-failed', 'session.unlock', 'session.sign-out']));
    expect(JSON.stringify(await db.audit.toArray())).not.toMatch(/2468|1111/);
  });

  it('five wrong PINs lock the user out: neither PIN nor password unlocks until the lock-out ends', async () => {
    const { service, user, clock } = await withAdmin('2468');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await service.unlock(user.id, '0000', 'pin'));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked-out']);
    expect(await service.unlock(user.id, '2468', 'pin')).toMatchObject({ ok: false, reason: 'locked-out' });
    expect(await service.unlock(user.id, PASSWORD, 'password')).toMatchObject({ ok: false, reason: 'locked-out' });
    expect(await service.lockedOutUntil(user.id)).toBe(clock.ms + 15 * 60_000);
    clock.ms += 15 * 60_000;
    expect(await service.unlock(user.id, '2468', 'pin')).toMatchObject({ ok: true });
  });

  it('a user without a PIN cannot unlock with one; changing one\'s own PIN needs the password', async () => {
    const { service, user, ctx } = await withAdmin();
    expect(await service.unlock(user.id, '2468', 'pin')).toMatchObject({ ok: false, reason: 'invalid' });
    await expect(service.changeOwnPin(ctx, user.id, 'not my password', '2468')).rejects.toThrow(/password is wrong/);
    await service.changeOwnPin(ctx, user.id, PASSWORD, '2468');
    expect(await service.unlock(user.id, '2468', 'pin')).toMatchObject({ ok: true });
  });
});
