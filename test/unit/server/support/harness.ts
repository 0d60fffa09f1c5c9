import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer, type ServerOptions } from '../../../../server/app';
import { issueSetupToken } from '../../../../server/auth/installation';
import type { Database } from '../../../../server/db/database';
import { newId } from '../../../../common/ids';
import { HybridLogicalClock } from '../../../../common/sync/hlc';
import { mergeRow } from '../../../../common/sync/merge';
import { PROTOCOL_VERSION, type Change, type FieldMap, type JsonValue, type PullPage } from '../../../../common/sync/protocol';

/** Argon2id at test cost: the same code path, a fraction of the memory and time. */
export const TEST_HASHING = { memoryKiB: 256, iterations: 1 };

export function testServer(db: Database, options: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ db, closeDatabase: false, passwordHashing: TEST_HASHING, signInRateLimit: { max: 1000, timeWindow: 60_000 }, ...options });
}

export interface TestClinic {
  clinicId: string;
  adminToken: string;
  email: string;
  password: string;
}

export const PASSWORD = 'correct horse battery staple';

export async function createClinic(app: FastifyInstance, name = 'Test clinic'): Promise<TestClinic> {
  const setupToken = await issueSetupToken(app.careloop.ctx.db);
  const email = `admin-${newId().slice(-8)}@example.org`;
  const boot = await app.inject({ method: 'POST', url: '/auth/bootstrap', payload: { setupToken, clinicName: name, admin: { email, name: 'Admin', password: PASSWORD } } });
  if (boot.statusCode !== 201) throw new Error(`bootstrap failed: ${boot.body}`);
  const { clinicId } = boot.json<{ clinicId: string }>();
  const signIn = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId, email, password: PASSWORD } });
  if (signIn.statusCode !== 200) throw new Error(`sign-in failed: ${signIn.body}`);
  return { clinicId, adminToken: signIn.json<{ accessToken: string }>().accessToken, email, password: PASSWORD };
}

/** Enrols a workstation with an enrolment code and returns its access token. */
export async function enrolWorkstation(app: FastifyInstance, clinic: TestClinic, name = 'Front desk'): Promise<string> {
  const code = await app.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(clinic.adminToken), payload: {} });
  const enrol = await app.inject({ method: 'POST', url: '/auth/enrol', payload: { code: code.json<{ code: string }>().code, name } });
  const token = await app.inject({ method: 'POST', url: '/auth/workstation-token', payload: { credential: enrol.json<{ credential: string }>().credential } });
  if (token.statusCode !== 200) throw new Error(`workstation token failed: ${token.body}`);
  return token.json<{ accessToken: string }>().accessToken;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export function push(app: FastifyInstance, token: string, changes: readonly Change[], protocol = PROTOCOL_VERSION): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/sync/push', headers: auth(token), payload: { protocol, changes } });
}

/** Every row of the clinic as the server holds it, pulled page by page from the start. */
export async function pullAll(app: FastifyInstance, token: string, limit = 1000): Promise<Map<string, FieldMap>> {
  const rows = new Map<string, FieldMap>();
  let since = '0';
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/sync/pull?since=${since}&limit=${limit}`, headers: auth(token) });
    if (res.statusCode !== 200) throw new Error(`pull failed: ${res.body}`);
    const page = res.json<PullPage>();
    for (const r of page.rows) rows.set(`${r.table}/${r.rowId}`, r.fields);
    since = page.cursor;
    if (!page.hasMore) return rows;
  }
}

export async function clinicVersion(db: Database, clinicId: string): Promise<number> {
  const rows = await db.query<{ version: unknown }>('SELECT version FROM clinics WHERE clinic_id = $1', [clinicId]);
  return Number(rows[0]?.version);
}

export async function rowCount(db: Database, clinicId: string): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_rows WHERE clinic_id = $1', [clinicId]);
  return Number(rows[0]?.n);
}

/**
 * A workstation as the sync protocol sees it: local rows, an outbox of changes, a pull
 * cursor and its own clock (optionally skewed). It merges with the same function as the server.
 */
export class SimClient {
  readonly rows = new Map<string, FieldMap>();
  outbox: Change[] = [];
  cursor = '0';
  readonly clock: HybridLogicalClock;

  constructor(
    readonly node: string,
    skewMs = 0,
  ) {
    this.clock = new HybridLogicalClock(node, () => Date.now() + skewMs);
  }

  edit(table: string, rowId: string, values: Record<string, JsonValue>): Change {
    const stamp = this.clock.tick();
    const fields: FieldMap = {};
    for (const [k, v] of Object.entries(values)) fields[k] = { value: v, stamp };
    const key = `${table}/${rowId}`;
    this.rows.set(key, mergeRow(table, this.rows.get(key), fields).fields);
    const change = { changeId: newId(), table, rowId, fields };
    this.outbox.push(change);
    return change;
  }

  async push(app: FastifyInstance, token: string): Promise<void> {
    if (!this.outbox.length) return;
    const res = await push(app, token, this.outbox);
    if (res.statusCode !== 200) throw new Error(`push failed: ${res.body}`);
    this.outbox = [];
  }

  async pull(app: FastifyInstance, token: string, limit = 100): Promise<void> {
    for (;;) {
      const res = await app.inject({ method: 'GET', url: `/sync/pull?since=${this.cursor}&limit=${limit}`, headers: auth(token) });
      if (res.statusCode !== 200) throw new Error(`pull failed: ${res.body}`);
      const page = res.json<PullPage>();
      for (const r of page.rows) {
        const key = `${r.table}/${r.rowId}`;
        for (const f of Object.values(r.fields)) this.clock.receive(f.stamp);
        this.rows.set(key, mergeRow(r.table, this.rows.get(key), r.fields).fields);
      }
      this.cursor = page.cursor;
      if (!page.hasMore) return;
    }
  }

  async sync(app: FastifyInstance, token: string): Promise<void> {
    await this.push(app, token);
    await this.pull(app, token);
  }
}
