import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database';
import { pgliteBackend, type Backend } from '../server/support/backends';
import { auth, createClinic, enrolWorkstation, PASSWORD, testServer, type TestClinic } from '../server/support/harness';

const hash = (n: number, variant = 'a') => `${variant}${n.toString(16)}`.padEnd(64, '0');
/** The workstation id a workstation token was issued to (its `sub` claim). */
const workstationOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { sub: string }).sub;

describe('audit anchors on the server (PGlite)', () => {
  const backend: Backend = pgliteBackend();
  let db: Database;
  let app: FastifyInstance;
  let clinic: TestClinic;
  let token: string;
  let workstationId: string;

  const post = (body: Record<string, unknown>, t = token) => app.inject({ method: 'POST', url: '/audit/anchors', headers: auth(t), payload: body });
  const list = (t: string, ws = workstationId) => app.inject({ method: 'GET', url: `/audit/anchors?workstationId=${ws}`, headers: auth(t) });

  async function personToken(role: string): Promise<string> {
    const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.org`;
    const created = await app.inject({ method: 'POST', url: '/admin/users', headers: auth(clinic.adminToken), payload: { email, name: role, role, password: PASSWORD } });
    expect(created.statusCode).toBe(201);
    const signIn = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email, password: PASSWORD } });
    return signIn.json<{ accessToken: string }>().accessToken;
  }

  beforeAll(async () => {
    await backend.start();
    db = await backend.open();
    app = await testServer(db);
    clinic = await createClinic(app);
    token = await enrolWorkstation(app, clinic);
    workstationId = workstationOf(token);
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await db.close();
    await backend.stop();
  });

  it('stores a chain head and takes a replay of it as a no-op', async () => {
    const first = await post({ workstationId, seq: 10, hash: hash(10), count: 10 });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ seq: 10, duplicate: false });
    const replay = await post({ workstationId, seq: 10, hash: hash(10), count: 10 });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ seq: 10, duplicate: true, receivedAt: first.json<{ receivedAt: string }>().receivedAt });
    expect((await post({ workstationId, seq: 25, hash: hash(25), count: 25 })).statusCode).toBe(201);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_anchors WHERE workstation_id = $1', [workstationId]);
    expect(rows[0]!.n).toBe(2);
    // An older anchor sent again (a retried request) is still a replay, not a rewrite.
    expect((await post({ workstationId, seq: 10, hash: hash(10), count: 10 })).statusCode).toBe(200);
  });

  it('refuses another hash at an anchored seq (a rewritten chain) and records the refusal', async () => {
    const res = await post({ workstationId, seq: 10, hash: hash(10, 'b'), count: 10 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'chain-rewritten' });
    const refusals = await db.query<{ problem: string; held_hash: string }>('SELECT problem, held_hash FROM audit_anchor_refusals WHERE workstation_id = $1', [workstationId]);
    expect(refusals).toEqual([{ problem: 'chain-rewritten', held_hash: hash(10) }]);
  });

  it('refuses a head below the highest anchor (entries the server saw are gone)', async () => {
    const res = await post({ workstationId, seq: 12, hash: hash(12, 'c'), count: 12 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'chain-truncated' });
    const held = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_anchors WHERE workstation_id = $1 AND seq = 12', [workstationId]);
    expect(held[0]!.n).toBe(0);
  });

  it('keeps anchors and refusals append-only in the database', async () => {
    await expect(db.query("UPDATE audit_anchors SET hash = $1 WHERE workstation_id = $2", [hash(1, 'd'), workstationId])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_anchor_refusals WHERE workstation_id = $1', [workstationId])).rejects.toThrow(/append-only/);
  });

  it('validates the body and lets a workstation anchor only its own chain', async () => {
    expect((await post({ workstationId, seq: 0, hash: hash(0), count: 0 })).statusCode).toBe(400);
    expect((await post({ workstationId, seq: 30, hash: 'not-hex', count: 30 })).statusCode).toBe(400);
    expect((await post({ workstationId, seq: 30, hash: hash(30), count: 30, extra: true })).statusCode).toBe(400);
    const other = await enrolWorkstation(app, clinic, 'Back office');
    expect((await post({ workstationId, seq: 30, hash: hash(30), count: 30 }, other)).statusCode).toBe(403);
    expect((await post({ workstationId, seq: 30, hash: hash(30), count: 30 }, clinic.adminToken)).statusCode).toBe(403);
    expect((await post({ workstationId, seq: 30, hash: hash(30), count: 30 }, 'garbage.token')).statusCode).toBe(401);
  });

  it('lists a workstation’s anchors and refusals to administrators and auditors only', async () => {
    const admin = await list(clinic.adminToken);
    expect(admin.statusCode).toBe(200);
    const body = admin.json<{ anchors: { seq: number; hash: string; count: number; receivedAt: string }[]; refusals: { problem: string; seq: number }[] }>();
    expect(body.anchors.map((a) => [a.seq, a.hash, a.count])).toEqual([[10, hash(10), 10], [25, hash(25), 25]]);
    expect(body.anchors.every((a) => !Number.isNaN(Date.parse(a.receivedAt)))).toBe(true);
    expect(body.refusals.map((r) => [r.problem, r.seq])).toEqual([['chain-truncated', 12], ['chain-rewritten', 10]]);
    expect((await list(await personToken('auditor'))).statusCode).toBe(200);
    for (const role of ['clinician', 'nurse', 'front-desk']) expect((await list(await personToken(role))).statusCode).toBe(403);
    expect((await list(token)).statusCode).toBe(403);
  });

  it('scopes anchors to the clinic', async () => {
    const other = await createClinic(app, 'Other clinic');
    const res = await list(other.adminToken);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ anchors: unknown[] }>().anchors).toEqual([]);
  });
});
