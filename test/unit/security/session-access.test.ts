import { describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { DEFAULT_IDLE_LOCK_SECONDS, loadAccessPolicy, saveAccessPolicy, settingsId } from '../../../renderer/src/security/access-settings';
import { flaggedBreakGlass, isOnCareTeam, markReviewed, needsBreakGlass, recordBreakGlass } from '../../../renderer/src/security/break-glass';
import type { Actor } from '../../../common/security/roles';
import { openSessionFixture } from './session-support';

const nurse: Actor = { kind: 'user', userId: 'u-nurse', name: 'Nurse Kim Park', role: 'nurse' };
const adminActor: Actor = { kind: 'user', userId: 'u-admin', name: 'Morgan Ellis', role: 'administrator' };

describe('clinic access settings', () => {
  it('default to a 5-minute idle lock and no care-team scoping; saving is validated, audited and synced', async () => {
    const { db, ctx } = await openSessionFixture();
    expect(await loadAccessPolicy(db, ctx.clinicId)).toEqual({ idleLockSeconds: DEFAULT_IDLE_LOCK_SECONDS, careTeamScoping: false });
    expect(DEFAULT_IDLE_LOCK_SECONDS).toBe(300);
    await expect(saveAccessPolicy(db, ctx, { idleLockSeconds: 1, careTeamScoping: true })).rejects.toThrow(/at least 3 seconds/);
    await saveAccessPolicy(db, ctx, { idleLockSeconds: 3, careTeamScoping: true });
    await saveAccessPolicy(db, ctx, { idleLockSeconds: 600, careTeamScoping: true });
    expect(await loadAccessPolicy(db, ctx.clinicId)).toEqual({ idleLockSeconds: 600, careTeamScoping: true });
    expect((await db.audit.toArray()).filter((e) => e.action === 'security-settings.update')).toHaveLength(2);
    // One row per clinic, the same id on every desk.
    expect((await db.outbox.toArray()).filter((c) => c.table === 'securitySettings').every((c) => c.rowId === settingsId('c1'))).toBe(true);
  });
});

describe('break-glass', () => {
  it('is needed only with scoping on, for a scoped user, off the care team (names compared folded)', () => {
    const team = [{ name: 'nurse kim  park', role: 'Nurse' }];
    const scoped = { name: 'Nurse Kim Park', careTeamScoped: true };
    expect(isOnCareTeam('Nurse Kim Park', team)).toBe(true);
    expect(needsBreakGlass({ careTeamScoping: true }, scoped, team)).toBe(false);
    expect(needsBreakGlass({ careTeamScoping: true }, scoped, [])).toBe(true);
    expect(needsBreakGlass({ careTeamScoping: true }, { ...scoped, careTeamScoped: false }, [])).toBe(false);
    expect(needsBreakGlass({ careTeamScoping: false }, scoped, [])).toBe(false);
  });

  it('needs a reason, writes an audited event flagged for review, and an administrator marks it reviewed', async () => {
    const { db, ctx } = await openSessionFixture();
    const patient = { id: newId() };
    await expect(recordBreakGlass(db, ctx, nurse, patient.id, '  ')).rejects.toThrow(/give a reason/);
    const event = await recordBreakGlass(db, { ...ctx, actor: nurse.name }, nurse, patient.id, 'Covering for Dr Singh today');
    const audit = (await db.audit.toArray()).find((e) => e.action === 'patient.break-glass')!;
    expect(audit).toMatchObject({ actor: 'Nurse Kim Park', patientId: patient.id, entityId: event.id });
    expect(audit.changes!['reason']!.after).toBe('Covering for Dr Singh today');
    expect((await flaggedBreakGlass(db)).map((e) => e.id)).toEqual([event.id]);
    const reviewed = await markReviewed(db, { ...ctx, actor: adminActor.name }, event.id, adminActor);
    expect(reviewed.reviewedBy).toBe('Morgan Ellis');
    expect(await flaggedBreakGlass(db)).toEqual([]);
    expect((await db.audit.toArray()).some((e) => e.action === 'break-glass.review' && e.actor === 'Morgan Ellis')).toBe(true);
  });
});
