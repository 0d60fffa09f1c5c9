import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import type { FieldMap } from '../../../common/sync/protocol';
import { signAccessToken } from '../../../server/auth/access-token';
import type { Database } from '../../../server/db/database';
import { smtpTransport } from '../../../server/messaging/email';
import type { SmsProvider } from '../../../server/messaging/sms';
import { backends } from './support/backends';
import { PASSWORD, SimClient, auth, createClinic, enrolWorkstation, pullAll, testServer, type TestClinic } from './support/harness';
import { startSmtpSink } from './support/smtp-sink';

const iso = (ms: number) => new Date(ms).toISOString();

function omhHeartRate(id: string, bpm: number, atMs = Date.now() - 60_000) {
  return { header: { id, creation_date_time: iso(atMs), schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' } }, body: { heart_rate: { value: bpm, unit: 'beats/min' }, effective_time_frame: { date_time: iso(atMs) } } };
}

function fhirBloodPressure(id: string, patientId: string, sys: number, dia: number) {
  const q = (v: number) => ({ value: v, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: iso(Date.now() - 120_000),
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: q(sys) },
      { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: q(dia) },
    ],
  };
}

describe.each(backends())('server services on $name', (backend) => {
  const run = backend.missing ? describe.skip : describe;
  if (backend.missing) console.warn(`skipping ${backend.name} server service tests: ${backend.missing}`);

  run(backend.name, () => {
    let db: Database;
    let app: FastifyInstance;

    beforeAll(async () => {
      await backend.start();
      db = await backend.open();
      app = await testServer(db);
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await db?.close();
      await backend.stop();
    });

    describe('auth', () => {
      it('bootstraps a clinic once per setup token, with an Argon2id password hash', async () => {
        const clinic = await createClinic(app);
        const stored = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE clinic_id = $1', [clinic.clinicId]);
        expect(stored[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$/);
        const reuse = await app.inject({ method: 'POST', url: '/auth/bootstrap', payload: { setupToken: 'setup-not-a-real-token-at-all', clinicName: 'X', admin: { email: 'a@b.org', name: 'A', password: PASSWORD } } });
        expect(reuse.statusCode).toBe(403);
        const weak = await app.inject({ method: 'POST', url: '/auth/bootstrap', payload: { setupToken: 'whatever', clinicName: 'X', admin: { email: 'a@b.org', name: 'A', password: 'short' } } });
        expect(weak.statusCode).toBe(400);
      });

      it('locks an account after repeated failed sign-ins', async () => {
        const clinic = await createClinic(app);
        const attempt = (password: string) => app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: clinic.email, password } });
        for (let i = 0; i < 5; i++) expect((await attempt('wrong password!!')).statusCode).toBe(401);
        const locked = await attempt(PASSWORD);
        expect(locked.statusCode).toBe(423);
        expect((await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: 'nobody@example.org', password: PASSWORD } })).statusCode).toBe(401);
      });

      it('rate-limits sign-in', async () => {
        const limited = await testServer(db, { signInRateLimit: { max: 3, timeWindow: 60_000 } });
        try {
          const codes: number[] = [];
          for (let i = 0; i < 4; i++) codes.push((await limited.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: newId(), email: 'x@example.org', password: 'x' } })).statusCode);
          expect(codes).toEqual([401, 401, 401, 429]);
        } finally {
          await limited.close();
        }
      });

      it('rotates refresh tokens and ends the whole sign-in when a used one comes back', async () => {
        const clinic = await createClinic(app);
        const signIn = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: clinic.email, password: PASSWORD } });
        const first = signIn.json<{ refreshToken: string }>().refreshToken;
        const rotated = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: first } });
        expect(rotated.statusCode).toBe(200);
        const second = rotated.json<{ refreshToken: string; accessToken: string }>();
        expect(second.refreshToken).not.toBe(first);
        expect((await app.inject({ url: '/sync/pull', headers: auth(second.accessToken) })).statusCode).toBe(200);
        const stolen = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: first } });
        expect(stolen.json()).toMatchObject({ error: 'refresh-token-reused' });
        expect((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken: second.refreshToken } })).statusCode).toBe(401);
      });

      it('signs out by revoking the refresh token', async () => {
        const clinic = await createClinic(app);
        const signIn = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: clinic.email, password: PASSWORD } });
        const { refreshToken } = signIn.json<{ refreshToken: string }>();
        expect((await app.inject({ method: 'POST', url: '/auth/sign-out', payload: { refreshToken } })).statusCode).toBe(204);
        expect((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } })).statusCode).toBe(401);
      });

      it('enrols workstations by one-time codes from an administrator only, and revokes them', async () => {
        const clinic = await createClinic(app);
        const staff = await app.inject({ method: 'POST', url: '/admin/users', headers: auth(clinic.adminToken), payload: { email: 'nurse@example.org', name: 'Nurse', role: 'nurse', password: PASSWORD } });
        expect(staff.statusCode).toBe(201);
        const staffToken = (await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: 'nurse@example.org', password: PASSWORD } })).json<{ accessToken: string }>().accessToken;
        expect((await app.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(staffToken), payload: {} })).statusCode).toBe(403);
        const code = (await app.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(clinic.adminToken), payload: {} })).json<{ code: string }>().code;
        const enrol = await app.inject({ method: 'POST', url: '/auth/enrol', payload: { code, name: 'Room 2' } });
        expect(enrol.statusCode).toBe(201);
        expect((await app.inject({ method: 'POST', url: '/auth/enrol', payload: { code, name: 'Again' } })).statusCode).toBe(401);
        const { credential, workstationId } = enrol.json<{ credential: string; workstationId: string }>();
        expect((await app.inject({ method: 'POST', url: '/auth/workstation-token', payload: { credential } })).statusCode).toBe(200);
        expect((await app.inject({ method: 'DELETE', url: `/admin/workstations/${workstationId}`, headers: auth(clinic.adminToken) })).statusCode).toBe(204);
        expect((await app.inject({ method: 'POST', url: '/auth/workstation-token', payload: { credential } })).statusCode).toBe(401);
      });

      it('refuses access tokens signed with another key or expired', async () => {
        const clinic = await createClinic(app);
        const forged = signAccessToken(Buffer.alloc(32, 7).toString('base64url'), { sub: newId(), clinic: clinic.clinicId, kind: 'user', role: 'administrator' }, Date.now()).token;
        expect((await app.inject({ url: '/sync/pull', headers: auth(forged) })).statusCode).toBe(401);
        const expired = signAccessToken(app.careloop.ctx.tokenKey, { sub: newId(), clinic: clinic.clinicId, kind: 'user', role: 'administrator' }, Date.now() - 16 * 60_000).token;
        expect((await app.inject({ url: '/sync/pull', headers: auth(expired) })).statusCode).toBe(401);
      });
    });

    describe('device ingest', () => {
      let clinic: TestClinic;
      let token: string;
      let patientId: string;
      let key: string;
      let keyId: string;

      beforeAll(async () => {
        clinic = await createClinic(app);
        token = await enrolWorkstation(app, clinic);
        patientId = newId();
        const ws = new SimClient('wsIngest');
        ws.edit('patients', patientId, { family: 'Home', deleted: false });
        await ws.push(app, token);
        const issued = await app.inject({ method: 'POST', url: '/admin/device-keys', headers: auth(clinic.adminToken), payload: { patientId, label: 'Cellular cuff' } });
        expect(issued.statusCode).toBe(201);
        ({ key, keyId } = issued.json<{ key: string; keyId: string }>());
      });

      const post = (body: unknown, k = key, server = app) => server.inject({ method: 'POST', url: '/ingest/observations', headers: auth(k), payload: body as object });
      const observations = async (t = token) => [...(await pullAll(app, t))].filter(([k]) => k.startsWith('observations/')).map(([, f]) => f);

      it('stores Open mHealth and FHIR readings for the key’s patient, once, and they reach workstations by pull', async () => {
        const hr = await post(omhHeartRate('omh-1', 64));
        expect(hr.json()).toEqual({ accepted: 1, duplicates: 0 });
        expect((await post(omhHeartRate('omh-1', 64))).json()).toEqual({ accepted: 0, duplicates: 1 });
        const bp = await post({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: fhirBloodPressure('bp-1', patientId, 128, 82) }] });
        expect(bp.json()).toEqual({ accepted: 2, duplicates: 0 });
        const rows = await observations();
        expect(rows).toHaveLength(3);
        const hrRow = rows.find((f) => f.metric!.value === 'heart-rate')!;
        expect(hrRow.patientId!.value).toBe(patientId);
        expect(hrRow.unit!.value).toBe('/min');
        expect(hrRow.source!.value).toEqual({ kind: 'ingest', grade: 'clinical', deviceId: keyId });
        const bpRows = rows.filter((f) => String(f.metric!.value).startsWith('blood-pressure'));
        expect(bpRows.map((f) => f.value!.value).sort()).toEqual([128, 82]);
        expect(bpRows[0]!.groupId!.value).toBe(bpRows[1]!.groupId!.value);
      });

      it('posts only for its own patient and clinic', async () => {
        const count = (await observations()).length;
        const other = await post(fhirBloodPressure('bp-2', newId(), 120, 80));
        expect(other.statusCode).toBe(403);
        expect(await observations()).toHaveLength(count);
        const otherClinic = await createClinic(app, 'Other');
        const otherToken = await enrolWorkstation(app, otherClinic);
        expect(await observations(otherToken)).toHaveLength(0);
        // Another clinic's administrator cannot revoke or see this key.
        expect((await app.inject({ method: 'DELETE', url: `/admin/device-keys/${keyId}`, headers: auth(otherClinic.adminToken) })).statusCode).toBe(404);
        expect((await app.inject({ url: '/admin/device-keys', headers: auth(otherClinic.adminToken) })).json()).toEqual({ keys: [] });
        expect((await app.inject({ method: 'POST', url: '/admin/device-keys', headers: auth(otherClinic.adminToken), payload: { patientId, label: 'x' } })).statusCode).toBe(404);
      });

      it.each([
        ['an implausible value', () => omhHeartRate('omh-bad', 900)],
        ['a time without a zone', () => ({ ...omhHeartRate('omh-tz', 70), body: { heart_rate: { value: 70, unit: 'beats/min' }, effective_time_frame: { date_time: '2024-01-01T10:00:00' } } })],
        ['an unsupported LOINC code', () => ({ ...fhirBloodPressure('x', patientId, 1, 1), code: { coding: [{ system: 'http://loinc.org', code: '1234-5' }] } })],
        ['an unknown body', () => ({ hello: 'world' })],
        ['a batch where one item is bad', () => [omhHeartRate('omh-ok', 70), omhHeartRate('omh-bad2', -1)]],
      ])('refuses %s with 400 and stores nothing', async (_name, body) => {
        const count = (await observations()).length;
        const res = await post(body());
        expect(res.statusCode).toBe(400);
        expect(res.json<{ reason: string }>().reason).not.toBe('');
        expect(await observations()).toHaveLength(count);
      });

      it('rate-limits a key and refuses it once revoked', async () => {
        const limited = await testServer(db, { ingestRateLimit: { max: 2, timeWindow: 60_000 } });
        try {
          const codes = [];
          for (let i = 0; i < 3; i++) codes.push((await post(omhHeartRate(`rl-${i}`, 70), key, limited)).statusCode);
          expect(codes).toEqual([200, 200, 429]);
        } finally {
          await limited.close();
        }
        expect((await app.inject({ method: 'DELETE', url: `/admin/device-keys/${keyId}`, headers: auth(clinic.adminToken) })).statusCode).toBe(204);
        expect((await post(omhHeartRate('after-revoke', 70))).statusCode).toBe(401);
        expect((await post(omhHeartRate('no-key', 70), 'dk.nonsense')).statusCode).toBe(401);
      });
    });

    describe('outbound messages', () => {
      it('sends queued email to an SMTP sink, records sent or failed, and the status syncs back', async () => {
        const sink = await startSmtpSink();
        const sms: { to: string; body: string }[] = [];
        const provider: SmsProvider = {
          name: 'loopback',
          async send(m) {
            sms.push(m);
            return { providerMessageId: String(sms.length) };
          },
        };
        const mailer = await testServer(db, { email: smtpTransport(sink.url, 'Clinic <clinic@example.org>'), sms: provider });
        try {
          const clinic = await createClinic(mailer);
          const token = await enrolWorkstation(mailer, clinic);
          const ws = new SimClient('wsMail');
          const patientId = newId();
          const base = { patientId, direction: 'outbound', status: 'queued', authorName: 'Nurse', createdMs: Date.now(), deleted: false };
          const ok = newId();
          const bounce = newId();
          const noAddress = newId();
          const text = newId();
          const portal = newId();
          ws.edit('messages', ok, { ...base, channel: 'email', to: 'patient@example.org', subject: 'Your results', body: 'All fine.' });
          ws.edit('messages', bounce, { ...base, channel: 'email', to: 'gone@bounce.example.org', subject: 'Hi', body: 'x' });
          ws.edit('messages', noAddress, { ...base, channel: 'email', subject: 'Hi', body: 'x' });
          ws.edit('messages', text, { ...base, channel: 'sms', to: '+15555550100', body: 'See you Tuesday' });
          ws.edit('messages', portal, { ...base, channel: 'portal', body: 'portal only' });
          await ws.push(mailer, token);

          expect(await mailer.careloop.sender.runOnce()).toEqual({ sent: 2, failed: 2 });
          expect(await mailer.careloop.sender.runOnce()).toEqual({ sent: 0, failed: 0 });
          expect(sink.mails).toHaveLength(1);
          expect(sink.mails[0]!.to).toEqual(['patient@example.org']);
          expect(sink.mails[0]!.raw).toContain('Subject: Your results');
          expect(sink.mails[0]!.raw).toContain('All fine.');
          expect(sms).toEqual([{ to: '+15555550100', body: 'See you Tuesday' }]);

          await ws.pull(mailer, token);
          const status = (id: string) => ws.rows.get(`messages/${id}`) as FieldMap;
          expect(status(ok).status!.value).toBe('sent');
          expect(typeof status(ok).sentMs!.value).toBe('number');
          expect(status(ok).status!.stamp > status(ok).channel!.stamp).toBe(true);
          expect(status(bounce).status!.value).toBe('failed');
          expect(String(status(bounce).error!.value)).toMatch(/550|unavailable/);
          expect(status(noAddress)).toMatchObject({ status: { value: 'failed' }, error: { value: 'no address to send to' } });
          expect(status(text).status!.value).toBe('sent');
          expect(status(portal).status!.value).toBe('queued');
        } finally {
          await mailer.close();
          await sink.stop();
        }
      });
    });
  });
});
