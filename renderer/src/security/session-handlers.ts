import type { Handlers } from '../../../common/contract/channel';
import type { DataActor } from '../../../common/security/roles';
import type { CareLoopDb } from '../db/database';
import { DEFAULT_HASH_COST, hashSecret, verifySecret, type HashCost } from './credentials';
import type { sessionContract } from './session-api';

/**
 * Who is signed in at the UI, as the engine worker knows it. This is NOT the worker
 * database's data actor: the worker's database stays 'system' so sync, rules, workflows and
 * scheduled work keep running while the screen is locked; each method a person calls is
 * checked against this actor instead (engine/method-permissions.ts).
 */
const sessionActors = new WeakMap<CareLoopDb, DataActor>();
const NOBODY: DataActor = Object.freeze({ kind: 'nobody' });

/** The engine worker's side of the session: who is signed in, and the slow password hashing. */
export function createSessionHandlers(db: CareLoopDb, cost: HashCost = DEFAULT_HASH_COST): Handlers<typeof sessionContract> {
  return {
    'session.set': ({ actor }) => {
      sessionActors.set(db, Object.freeze({ ...actor }));
      return { ok: true as const };
    },
    'auth.hash': async ({ secret }) => ({ encoded: await hashSecret(secret, cost) }),
    'auth.verify': async ({ secret, encoded }) => ({ ok: await verifySecret(secret, encoded) }),
  };
}

/**
 * The session's actor for engine calls. Before the UI has said anything (tests, the
 * benchmark harness, a worker started without a window) it is 'system', as the data layer's
 * own default is; the sign-in flow sets 'nobody' at start.
 */
export function sessionActor(db: CareLoopDb): DataActor {
  return sessionActors.get(db) ?? { kind: 'system', reason: 'no session has been set on this engine' };
}

/** The name of the person signed in, for engine actions a person takes by hand. */
export function signedInName(db: CareLoopDb): string | undefined {
  const actor = sessionActors.get(db) ?? NOBODY;
  return actor.kind === 'user' ? actor.name : undefined;
}
