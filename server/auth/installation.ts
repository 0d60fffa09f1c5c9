import type { Database, Queryable } from '../db/database';
import { randomSecret, sha256Hex } from './secrets';

/** The key that signs access tokens: generated at the first start, shared by every server on this database. */
export async function tokenKey(db: Database): Promise<string> {
  await db.query("INSERT INTO installation (key, value) VALUES ('token-key', $1) ON CONFLICT (key) DO NOTHING", [randomSecret(32)]);
  const rows = await db.query<{ value: string }>("SELECT value FROM installation WHERE key = 'token-key'");
  return rows[0]!.value;
}

const setupKey = (token: string) => `setup-token:${sha256Hex(token)}`;

/**
 * A one-time token that lets whoever holds it create one clinic and its first
 * administrator. Printed by the server at the first start (or given in
 * CARELOOP_SETUP_TOKEN); only its hash is stored.
 */
export async function issueSetupToken(db: Queryable, token = `setup-${randomSecret(24)}`): Promise<string> {
  if (token.length < 20) throw new Error('a setup token needs at least 20 characters');
  await db.query('INSERT INTO installation (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [setupKey(token), new Date().toISOString()]);
  return token;
}

/** Uses up a setup token inside the bootstrap transaction; false when it is unknown or already used. */
export async function consumeSetupToken(tx: Queryable, token: string): Promise<boolean> {
  const rows = await tx.query('DELETE FROM installation WHERE key = $1 RETURNING key', [setupKey(token)]);
  return rows.length === 1;
}

export async function clinicCount(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number | string }>('SELECT count(*)::int AS n FROM clinics');
  return Number(rows[0]?.n ?? 0);
}
