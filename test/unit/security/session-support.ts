import 'fake-indexeddb/auto';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { localHasher, TEST_HASH_COST } from '../../../renderer/src/security/credentials';
import { SessionService } from '../../../renderer/src/security/session';

let n = 0;

export interface SessionFixture {
  db: CareLoopDb;
  ctx: WriteContext;
  clock: { ms: number };
  service: SessionService;
}

/** A fresh database (all migrations), a write context and a session service with a cheap Argon2id cost and a settable clock. */
export async function openSessionFixture(): Promise<SessionFixture> {
  const db = new CareLoopDb(`session-test-${n++}`);
  await db.open();
  const ctx: WriteContext = { actor: 'Setup', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  const clock = { ms: Date.UTC(2026, 10, 25, 9, 0, 0) };
  const service = new SessionService(db, localHasher(TEST_HASH_COST), { workstation: 'ws1' }, () => clock.ms);
  return { db, ctx, clock, service };
}
