import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import type { Change, JsonValue } from '../../../common/sync/protocol';
import { recordConsent } from '../../../renderer/src/db/consents';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { sendMessage } from '../../../renderer/src/db/messages';
import { erasePatient, setRetentionYears } from '../../../renderer/src/db/patient-rights';
import { PatientRepository } from '../../../renderer/src/db/patients';
import type { Database } from '../../../server/db/database';
import type { SmsProvider } from '../../../server/messaging/sms';
import { pgliteBackend } from '../server/support/backends';
import { auth, createClinic, enrolWorkstation, pullAll, push, SimClient, testServer, type TestClinic } from '../server/support/harness';

/**
 * The cloud instance's side of issue 9 on PGlite: an erased patient's synced rows are purged
 * (only the tombstone stays), late rows of the patient are purged again, and the outbound
 * sender re-checks consent and restriction right before a message leaves.
 */

const backend = pgliteBackend();
let db: Database;
let app: FastifyInstance;
let clinic: TestClinic;
let token: string;
const sms: { to: string; body: string }[] = [];
const provider: SmsProvider = {
  name: 'loopback',
  async send(m) {
    sms.push(m);
    return { providerMessageId: String(sms.length) };
  },
};

beforeAll(async () => {
  await backend.start();
  db = await backend.open();
  app = await testServer(db, { sms: provider });
  clinic = await createClinic(app);
  token = await enrolWorkstation(app, clinic);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  await backend.stop();
});

function patient(ws: SimClient, id: string, given: string, family: string) {
  ws.edit('patients', id, { givenName: given, familyName: family, birthDate: '1950-01-01', mrn: `M-${given}`, phone: '+15555550100', status: 'active', tags: [], address: { city: 'Riverside' }, createdAt: new Date().toISOString(), deleted: false });
}
function consent(ws: SimClient, patientId: string, purpose: string, status: 'given' | 'withdrawn', recordedMs = Date.now()) {
  ws.edit('consents', newId(), { patientId, purpose, status, recordedMs, recordedBy: 'Nurse', method: 'written' });
}
function message(ws: SimClient, patientId: string, body: string): string {
  const id = newId();
  ws.edit('messages', id, { patientId, channel: 'sms', direction: 'outbound', status: 'queued', to: '+15555550100', body, authorName: 'Nurse', createdMs: Date.now(), createdAt: new Date().toISOString(), deleted: false });
  return id;
}
const tableRows = async (patientId: string) =>
  db.query<{ table_name: string; row_id: string; fields: Record<string, { value: JsonValue }> }>(
    "SELECT table_name, row_id, fields FROM sync_rows WHERE clinic_id = $1 AND (row_id = $2 OR fields -> 'patientId' ->> 'value' = $2)",
    [clinic.clinicId, patientId],
  );

describe('erasure on the cloud instance', () => {
  it('a pushed tombstone purges every synced row of the patient, its conflicts and device keys; the other patient stays; a fresh workstation gets only the tombstone', async () => {
    const ws = new SimClient('wsA');
    const ivy = newId();
    const tom = newId();
    patient(ws, ivy, 'Ivy', 'Chen');
    patient(ws, tom, 'Tom', 'Berg');
    consent(ws, ivy, 'sms', 'given');
    consent(ws, tom, 'sms', 'given');
    message(ws, ivy, 'Hello Ivy');
    message(ws, tom, 'Hello Tom');
    ws.edit('observations', `ivy-meter:1:glucose`, { patientId: ivy, metric: 'glucose', value: 101, unit: 'mg/dL', timeMs: Date.now(), flags: [], receivedMs: Date.now() });
    await ws.push(app, token);
    // A second desk's older name edit loses the merge and is kept in sync_conflicts: patient data the purge must remove.
    const stale = new SimClient('wsB', -60_000);
    stale.edit('patients', ivy, { familyName: 'Chen-Old' });
    await stale.push(app, token);
    expect((await db.query("SELECT 1 FROM sync_conflicts WHERE clinic_id = $1 AND row_id = $2", [clinic.clinicId, ivy])).length).toBe(1);
    const key = await app.inject({ method: 'POST', url: '/admin/device-keys', headers: auth(clinic.adminToken), payload: { patientId: ivy, label: 'Cellular cuff' } });
    expect(key.statusCode).toBe(201);
    expect((await tableRows(ivy)).length).toBe(4);
    const tomRows = (await tableRows(tom)).length;

    // The erasing workstation pushes the tombstone (as erasePatient queues it).
    ws.edit('patients', ivy, { givenName: '', familyName: '', birthDate: '', mrn: '', phone: '', tags: [], address: {}, deleted: true, status: 'archived', erasedMs: Date.now(), erasureGround: 'consent-withdrawn' });
    await ws.push(app, token);

    const left = await tableRows(ivy);
    expect(left.map((r) => r.table_name)).toEqual(['patients']);
    expect(JSON.stringify(left[0]!.fields)).not.toMatch(/Ivy|Chen|1950-01-01|Riverside|5555550100/);
    expect((await db.query('SELECT 1 FROM sync_conflicts WHERE clinic_id = $1 AND row_id = $2', [clinic.clinicId, ivy])).length).toBe(0);
    expect((await db.query('SELECT 1 FROM device_keys WHERE clinic_id = $1 AND patient_id = $2', [clinic.clinicId, ivy])).length).toBe(0);
    expect((await tableRows(tom)).length).toBe(tomRows);

    const fresh = await pullAll(app, await enrolWorkstation(app, clinic, 'New desk'));
    const ivyRows = [...fresh.entries()].filter(([k, f]) => k.endsWith(ivy) || f['patientId']?.value === ivy);
    expect(ivyRows.map(([k]) => k)).toEqual([`patients/${ivy}`]);
    expect(ivyRows[0]![1]['erasedMs']?.value).toEqual(expect.any(Number));

    const list = await app.inject({ url: '/sync/erasures', headers: auth(clinic.adminToken) });
    expect(list.json<{ erasures: { patientId: string; ground: string | null }[] }>().erasures).toEqual([expect.objectContaining({ patientId: ivy, ground: 'consent-withdrawn' })]);
    expect((await app.inject({ url: '/sync/erasures', headers: auth(token) })).statusCode).toBe(403);

    // A desk that had not heard of the erasure pushes a message and a newer name: both are purged or emptied at once.
    const late = new SimClient('wsC', 5_000);
    message(late, ivy, 'Hello again Ivy');
    late.edit('patients', ivy, { givenName: 'Ivy' });
    await late.push(app, token);
    const after = await tableRows(ivy);
    expect(after.map((r) => r.table_name)).toEqual(['patients']);
    expect(after[0]!.fields['givenName']?.value).toBe('');

    const again = await app.inject({ method: 'POST', url: `/sync/erasures/${ivy}/purge`, headers: auth(clinic.adminToken) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ patientId: ivy, rows: {} });
    expect((await app.inject({ method: 'POST', url: `/sync/erasures/${tom}/purge`, headers: auth(clinic.adminToken) })).statusCode).toBe(404);
  });
});

describe('erasure from a real workstation database to the server', () => {
  it('the tombstone erasePatient queues purges the patient on the server', async () => {
    const db = new CareLoopDb(`srv-erase-${newId()}`);
    await db.open();
    const ctx = { actor: 'Admin Ada', workstation: 'wsR', clinicId: clinic.clinicId, clock: await openClock(db, 'wsRu') };
    const pushOutbox = async () => {
      const changes: Change[] = (await db.outbox.toArray()).map((e) => ({ changeId: e.changeId, table: e.table, rowId: e.rowId, fields: e.fields as Change['fields'] }));
      const res = await push(app, token, changes);
      expect(res.statusCode, res.body).toBe(200);
      await db.outbox.clear();
    };
    const repo = new PatientRepository(db, ctx);
    const zoe = await repo.create({ givenName: 'Zoe', familyName: 'Quist', birthDate: '1970-07-07', sex: 'female', mrn: 'R-1', phone: '+1 555 0100 7777', preferredChannel: 'sms' });
    await recordConsent(db, ctx, { patientId: zoe.id, purpose: 'sms', status: 'given', method: 'written' });
    await sendMessage(db, ctx, { patientId: zoe.id, channel: 'sms', body: 'Hello Zoe' });
    await pushOutbox();
    expect((await tableRows(zoe.id)).length).toBe(3);

    await setRetentionYears(db, ctx, 0);
    await erasePatient(db, ctx, { patientId: zoe.id, ground: 'objection' }, { role: 'administrator' });
    await pushOutbox();
    const left = await tableRows(zoe.id);
    expect(left.map((r) => r.table_name)).toEqual(['patients']);
    expect(JSON.stringify(left[0]!.fields)).not.toMatch(/Zoe|Quist|1970-07-07|0100 7777|R-1/);
    expect(left[0]!.fields['erasureGround']?.value).toBe('objection');
    db.close();
  });
});

describe('the outbound sender re-checks before sending', () => {
  it('withholds SMS whose consent was withdrawn or whose patient is restricted since queuing; sends the rest', async () => {
    await app.careloop.sender.runOnce(); // what earlier tests left queued
    const ws = new SimClient('wsS');
    const [ann, bo, cy] = [newId(), newId(), newId()];
    for (const [id, name] of [[ann, 'Ann'], [bo, 'Bo'], [cy, 'Cy']] as const) {
      patient(ws, id, name, 'Smith');
      consent(ws, id, 'sms', 'given', Date.now() - 10_000);
    }
    const toAnn = message(ws, ann, 'for Ann');
    const toBo = message(ws, bo, 'for Bo');
    const toCy = message(ws, cy, 'for Cy');
    await ws.push(app, token);
    // Another desk: Ann withdraws SMS consent, Cy's processing is restricted; their messages are still 'queued' on the server.
    const other = new SimClient('wsT');
    consent(other, ann, 'sms', 'withdrawn');
    other.edit('patients', cy, { restriction: { ground: 'accuracy-contested', by: 'Nurse', atMs: Date.now() } });
    await other.push(app, token);

    sms.length = 0;
    expect(await app.careloop.sender.runOnce()).toEqual({ sent: 1, failed: 0, withheld: 2 });
    expect(sms.map((m) => m.body)).toEqual(['for Bo']);
    const rows = await pullAll(app, token);
    expect(rows.get(`messages/${toAnn}`)).toMatchObject({ status: { value: 'withheld' }, error: { value: 'consent for sms withdrawn' } });
    expect(rows.get(`messages/${toCy}`)).toMatchObject({ status: { value: 'withheld' }, error: { value: expect.stringMatching(/restricted/) } });
    expect(rows.get(`messages/${toBo}`)).toMatchObject({ status: { value: 'sent' } });
    expect(await app.careloop.sender.runOnce()).toEqual({ sent: 0, failed: 0 });
  });
});
