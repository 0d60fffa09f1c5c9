import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { TEST_HASH_COST } from '../../../renderer/src/security/credentials';
import { currentActor } from '../../../renderer/src/security/current-actor';
import { DataActorSchema } from '../../../renderer/src/security/session-api';
import { createSessionHandlers, sessionActor, signedInName } from '../../../renderer/src/security/session-handlers';

describe("the engine worker's session methods", () => {
  it("'session.set' records who is signed in while the worker's own database keeps acting as the app", async () => {
    const db = new CareLoopDb('session-handlers-1');
    const h = createSessionHandlers(db, TEST_HASH_COST);
    await h['session.set']({ actor: { kind: 'user', userId: 'u1', name: 'Nurse Kim Park', role: 'nurse' } });
    expect(sessionActor(db)).toMatchObject({ kind: 'user', role: 'nurse' });
    expect(signedInName(db)).toBe('Nurse Kim Park');
    await h['session.set']({ actor: { kind: 'nobody' } });
    expect(sessionActor(db)).toEqual({ kind: 'nobody' });
    expect(signedInName(db)).toBeUndefined();
    // Sync, rules and workflows in the worker run while the screen is locked.
    expect(currentActor(db).kind).toBe('system');
  });

  it('hashes and verifies in the worker; the contract refuses a forged actor shape', async () => {
    const h = createSessionHandlers(new CareLoopDb('session-handlers-2'), TEST_HASH_COST);
    const { encoded } = await h['auth.hash']({ secret: '2468' });
    expect((await h['auth.verify']({ secret: '2468', encoded })).ok).toBe(true);
    expect((await h['auth.verify']({ secret: '1357', encoded })).ok).toBe(false);
    expect(DataActorSchema.safeParse({ kind: 'user', userId: 'u1', name: 'X', role: 'superuser' }).success).toBe(false);
    expect(DataActorSchema.safeParse({ kind: 'nobody', role: 'administrator' }).success).toBe(false);
  });
});
