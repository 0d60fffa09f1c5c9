import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { can, dataAction, upsertActions, type Action, type RecordType } from '../../../common/security/permissions';
import { ROLES, type Role } from '../../../common/security/roles';
import { TABLE_RECORD_TYPES } from '../../../common/security/tables';
import { encodeHlc } from '../../../common/sync/hlc';
import { PROTOCOL_VERSION, type Change, type PullPage } from '../../../common/sync/protocol';
import { signAccessToken } from '../../../server/auth/access-token';
import type { Database } from '../../../server/db/database';
import { loadMigrations, migrate } from '../../../server/db/migrate';
import { openPglite } from '../../../server/db/pglite';
import { PASSWORD, auth, createClinic, enrolWorkstation, testServer, type TestClinic } from '../server/support/harness';

/**
 * Every role against every route of the cloud instance, on PGlite: 2xx where the permission
 * matrix allows it, 403 (and nothing written) where it does not. Workstation tokens keep
 * their machine permissions: push and pull, no administration.
 */

type Who = Role | 'workstation';
const WHO: readonly Who[] = [...ROLES, 'workstation'];

interface Route {
  name: string;
  /** The matrix entry a person needs; workstations may call only sync routes. */
  needs: { action: Action; recordType: RecordType } | 'sync';
  ok: number;
  /** Makes what the call acts on (as the administrator), before the state is compared. */
  prepare?(app: FastifyInstance): Promise<string>;
  call(app: FastifyInstance, token: string, prepared: string): Promise<{ statusCode: number; body: string }>;
}

const stamp = () => encodeHlc({ wallMs: Date.now() - 1000, counter: 0, node: 'test' });
const change = (table: string, rowId: string, values: Record<string, unknown>): Change => ({
  changeId: newId(),
  table,
  rowId,
  fields: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v as never, stamp: stamp() }])),
});

describe('server routes walk the permission matrix (PGlite)', () => {
  let db: Database;
  let app: FastifyInstance;
  let clinic: TestClinic;
  const tokens = {} as Record<Who, string>;
  let patientId: string;

  async function fingerprint(): Promise<string> {
    const rows = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM enrolment_codes) AS codes,
              (SELECT count(*)::int FROM workstations WHERE revoked_at IS NOT NULL) AS revoked_ws,
              (SELECT count(*)::int FROM device_keys) AS keys, (SELECT count(*)::int FROM device_keys WHERE revoked_at IS NOT NULL) AS revoked_keys,
              (SELECT count(*)::int FROM sync_rows) AS rows, (SELECT max(version)::int FROM clinics) AS version`,
    );
    return JSON.stringify(rows[0]);
  }

  beforeAll(async () => {
    db = await openPglite();
    app = await testServer(db);
    clinic = await createClinic(app);
    tokens.administrator = clinic.adminToken;
    for (const role of ROLES.filter((r) => r !== 'administrator')) {
      const email = `${role}@example.org`;
      const made = await app.inject({ method: 'POST', url: '/admin/users', headers: auth(clinic.adminToken), payload: { email, name: role, role, password: PASSWORD } });
      expect(made.statusCode).toBe(201);
      const signIn = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email, password: PASSWORD } });
      expect(signIn.json<{ user: { role: string } }>().user.role).toBe(role);
      tokens[role] = signIn.json<{ accessToken: string }>().accessToken;
    }
    tokens.workstation = await enrolWorkstation(app, clinic);
    patientId = newId();
    const seeded = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(tokens.workstation), payload: { protocol: PROTOCOL_VERSION, changes: [change('patients', patientId, { givenName: 'Ada', deleted: false })] } });
    expect(seeded.statusCode).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('makes the clinic’s first user an administrator', async () => {
    const rows = await db.query<{ role: string }>('SELECT role FROM users WHERE clinic_id = $1 AND email = $2', [clinic.clinicId, clinic.email]);
    expect(rows[0]!.role).toBe('administrator');
  });

  const routes: Route[] = [
    {
      name: 'POST /admin/users',
      needs: { action: 'manage', recordType: 'user' },
      ok: 201,
      call: (a, t) => a.inject({ method: 'POST', url: '/admin/users', headers: auth(t), payload: { email: `u-${newId().slice(-10)}@example.org`, name: 'New', role: 'nurse', password: PASSWORD } }),
    },
    { name: 'POST /admin/enrolment-codes', needs: { action: 'manage', recordType: 'settings' }, ok: 201, call: (a, t) => a.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(t), payload: {} }) },
    {
      name: 'DELETE /admin/workstations/:id',
      needs: { action: 'manage', recordType: 'settings' },
      ok: 204,
      async prepare(a) {
        const code = (await a.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(clinic.adminToken), payload: {} })).json<{ code: string }>().code;
        return (await a.inject({ method: 'POST', url: '/auth/enrol', payload: { code, name: 'Spare' } })).json<{ workstationId: string }>().workstationId;
      },
      call: (a, t, workstationId) => a.inject({ method: 'DELETE', url: `/admin/workstations/${workstationId}`, headers: auth(t) }),
    },
    { name: 'POST /admin/device-keys', needs: { action: 'create', recordType: 'device' }, ok: 201, call: (a, t) => a.inject({ method: 'POST', url: '/admin/device-keys', headers: auth(t), payload: { patientId, label: 'Cuff' } }) },
    { name: 'GET /admin/device-keys', needs: { action: 'read', recordType: 'device' }, ok: 200, call: (a, t) => a.inject({ method: 'GET', url: '/admin/device-keys', headers: auth(t) }) },
    {
      name: 'DELETE /admin/device-keys/:id',
      needs: { action: 'delete', recordType: 'device' },
      ok: 204,
      prepare: async (a) => (await a.inject({ method: 'POST', url: '/admin/device-keys', headers: auth(clinic.adminToken), payload: { patientId, label: 'Scale' } })).json<{ keyId: string }>().keyId,
      call: (a, t, keyId) => a.inject({ method: 'DELETE', url: `/admin/device-keys/${keyId}`, headers: auth(t) }),
    },
    { name: 'GET /sync/conflicts', needs: { action: 'manage', recordType: 'settings' }, ok: 200, call: (a, t) => a.inject({ method: 'GET', url: '/sync/conflicts', headers: auth(t) }) },
    { name: 'GET /sync/pull', needs: 'sync', ok: 200, call: (a, t) => a.inject({ method: 'GET', url: '/sync/pull?since=0&limit=10', headers: auth(t) }) },
  ];

  const expected = (who: Who, route: Route) => (route.needs === 'sync' ? true : who !== 'workstation' && can(who, route.needs.action, route.needs.recordType));

  describe.each(WHO)('as %s', (who) => {
    it.each(routes.map((r) => [r.name, r] as const))('%s: 2xx if allowed, else 403 and nothing written', async (_name, route) => {
      const prepared = (await route.prepare?.(app)) ?? '';
      const before = await fingerprint();
      const res = await route.call(app, tokens[who], prepared);
      if (expected(who, route)) {
        expect(res.statusCode, res.body).toBe(route.ok);
      } else {
        expect(res.statusCode, res.body).toBe(403);
        expect(res.body).not.toContain('Ada');
        expect(await fingerprint()).toEqual(before);
      }
    });

    it('POST /sync/push: writes a table only if the role may create and update (or delete, for a tombstone) its record type', async () => {
      for (const [table, type] of Object.entries(TABLE_RECORD_TYPES)) {
        for (const tombstone of [false, true]) {
          const rowId = newId();
          const before = await fingerprint();
          const res = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(tokens[who]), payload: { protocol: PROTOCOL_VERSION, changes: [change(table, rowId, { patientId, deleted: tombstone })] } });
          const actions = tombstone ? [dataAction(type, 'delete')] : upsertActions(type);
          const allowed = who === 'workstation' || actions.every((a) => can(who, a, type));
          expect(res.statusCode, `${who} push ${table}${tombstone ? ' (tombstone)' : ''}: ${res.body}`).toBe(allowed ? 200 : 403);
          const stored = await db.query('SELECT 1 FROM sync_rows WHERE clinic_id = $1 AND table_name = $2 AND row_id = $3', [clinic.clinicId, table, rowId]);
          expect(stored.length).toBe(allowed ? 1 : 0);
          if (!allowed) expect(await fingerprint()).toEqual(before);
        }
      }
    });

    it('POST /sync/push: refuses a table the permission map does not know to people, not to workstations', async () => {
      const res = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(tokens[who]), payload: { protocol: PROTOCOL_VERSION, changes: [change('mysteryTable', newId(), { x: 1 })] } });
      expect(res.statusCode).toBe(who === 'workstation' ? 200 : 403);
    });

    it('GET /sync/pull: returns only rows of record types the role may read', async () => {
      const seen = new Set<string>();
      let since = '0';
      for (;;) {
        const res = await app.inject({ method: 'GET', url: `/sync/pull?since=${since}&limit=500`, headers: auth(tokens[who]) });
        expect(res.statusCode).toBe(200);
        const page = res.json<PullPage>();
        for (const r of page.rows) seen.add(r.table);
        since = page.cursor;
        if (!page.hasMore) break;
      }
      const stored = (await db.query<{ t: string }>('SELECT DISTINCT table_name AS t FROM sync_rows WHERE clinic_id = $1', [clinic.clinicId])).map((r) => r.t);
      const readable = stored.filter((t) => who === 'workstation' || (TABLE_RECORD_TYPES[t] !== undefined && can(who, 'read', TABLE_RECORD_TYPES[t]!)));
      expect([...seen].sort()).toEqual(readable.sort());
    });
  });

  it('accepts tokens signed before the upgrade with the old role names (admin = administrator)', async () => {
    const claims = { sub: newId(), clinic: clinic.clinicId, kind: 'user', role: 'admin' } as unknown as Parameters<typeof signAccessToken>[1];
    const legacy = signAccessToken(app.careloop.ctx.tokenKey, claims, Date.now()).token;
    expect((await app.inject({ method: 'GET', url: '/sync/conflicts', headers: auth(legacy) })).statusCode).toBe(200);
    const mixed = signAccessToken(app.careloop.ctx.tokenKey, { sub: newId(), clinic: clinic.clinicId, kind: 'user', role: 'workstation' }, Date.now()).token;
    expect((await app.inject({ method: 'GET', url: '/sync/pull', headers: auth(mixed) })).statusCode).toBe(401);
  });
});

describe('migration 002: roles', () => {
  it('maps admin to administrator and staff to clinician, and refuses other roles afterwards', async () => {
    const db = await openPglite();
    try {
      await migrate(db, loadMigrations().filter((m) => m.version === 1));
      const clinicId = newId();
      await db.query('INSERT INTO clinics (clinic_id, name) VALUES ($1, $2)', [clinicId, 'Old clinic']);
      for (const role of ['admin', 'staff', 'staff']) {
        await db.query('INSERT INTO users (clinic_id, user_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)', [clinicId, newId(), `${newId()}@example.org`, 'X', role, 'x']);
      }
      await migrate(db);
      const roles = (await db.query<{ role: string }>('SELECT role FROM users ORDER BY role')).map((r) => r.role);
      expect(roles).toEqual(['administrator', 'clinician', 'clinician']);
      await expect(db.query("UPDATE users SET role = 'admin'")).rejects.toThrow();
      await db.query("UPDATE users SET role = 'front-desk' WHERE role = 'clinician'");
    } finally {
      await db.close();
    }
  });
});
