import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import type { Database } from '../../../server/db/database';
import { PatientRepository, searchPatients } from '../../../renderer/src/db/patients';
import { storeObservations } from '../../../renderer/src/db/observations';
import { loadWorkstation } from '../../../renderer/src/db/workstation';
import { CURSOR_KEY } from '../../../renderer/src/engine/sync/apply-page';
import { backoffDelay } from '../../../renderer/src/engine/sync/sync-engine';
import { pgliteBackend } from '../server/support/backends';
import { clinicVersion, createClinic, push, testServer, type TestClinic } from '../server/support/harness';
import { connect, openWorkstation, syncedView, type Workstation } from './sync-fixture';

const patientInput = (mrn: string, extra: Record<string, unknown> = {}) => ({
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1950-12-10',
  sex: 'female',
  mrn,
  phone: '+1 555 0100 1111',
  preferredChannel: 'sms',
  ...extra,
});

async function edit(ws: Workstation, id: string, change: Record<string, unknown>): Promise<void> {
  const row = (await ws.patients.get(id))!;
  await ws.patients.update(id, { ...PatientRepository.editable(row), ...change });
}

async function expectSameRecord(table: 'patients', id: string, ...stations: Workstation[]): Promise<Record<string, unknown>> {
  const views = await Promise.all(stations.map(async (ws) => syncedView((await ws.db.table(table).get(id)) as Record<string, unknown>)));
  for (const v of views.slice(1)) expect(v).toEqual(views[0]);
  return views[0]!;
}

const tick = () => new Promise((r) => setTimeout(r, 3));

describe('workstation sync client against an in-process server (PGlite)', () => {
  const backend = pgliteBackend();
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    await backend.start();
    db = await backend.open();
    app = await testServer(db, { senderIntervalMs: 0 });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await backend.stop();
  });

  async function clinicWith(count: number): Promise<{ clinic: TestClinic; stations: Workstation[] }> {
    const clinic = await createClinic(app);
    const stations: Workstation[] = [];
    for (let i = 0; i < count; i++) stations.push(await openWorkstation(app, `ws${i}`));
    return { clinic, stations };
  }

  it('enrolment adopts the server clinic id for local rows, audited, and pushes what was written before', async () => {
    const { clinic, stations: [a] } = await clinicWith(1);
    const before = await a!.patients.create(patientInput('ADOPT-1'));
    expect(before.clinicId).not.toBe(clinic.clinicId);
    const status = await connect(app, clinic, a!);
    expect(status).toMatchObject({ state: 'idle', pendingChanges: 0, lastError: null });
    expect((await a!.db.patients.get(before.id))!.clinicId).toBe(clinic.clinicId);
    expect((await loadWorkstation(a!.db))!.clinicId).toBe(clinic.clinicId);
    const audit = await a!.db.audit.where('action').equals('sync.adopt-clinic').toArray();
    expect(audit.at(-1)!.changes!['clinicId']).toEqual({ before: before.clinicId, after: clinic.clinicId });
    expect(await clinicVersion(db, clinic.clinicId)).toBeGreaterThan(0);
  });

  it('two workstations editing the same patient offline converge to the same record', async () => {
    const { clinic, stations: [a, b] } = await clinicWith(2);
    await connect(app, clinic, a!);
    await connect(app, clinic, b!);
    const p = await a!.patients.create(patientInput('CONV-2'));
    await a!.sync.syncNow();
    await b!.sync.syncNow();
    expect((await b!.patients.get(p.id))?.familyName).toBe('Lovelace');

    a!.cloud.online = false;
    b!.cloud.online = false;
    await edit(a!, p.id, { phone: '+1 555 0100 2222', familyName: 'King' });
    await tick();
    await edit(b!, p.id, { givenName: 'Augusta', familyName: 'Byron' });
    expect((await a!.sync.syncNow()).state).toBe('offline');
    expect((await a!.sync.status()).pendingChanges).toBe(1);

    a!.cloud.online = true;
    b!.cloud.online = true;
    await a!.sync.syncNow();
    await b!.sync.syncNow();
    await a!.sync.syncNow();
    const merged = await expectSameRecord('patients', p.id, a!, b!);
    // Different fields both survive; the same field goes to the later write.
    expect(merged).toMatchObject({ phone: '+1 555 0100 2222', givenName: 'Augusta', familyName: 'Byron' });
    expect((await a!.db.patients.get(p.id))!.sortName).toBe('byron augusta');
  });

  it('three workstations editing one patient offline converge, whatever order they sync in', async () => {
    const { clinic, stations } = await clinicWith(3);
    const [a, b, c] = stations as [Workstation, Workstation, Workstation];
    for (const ws of stations) await connect(app, clinic, ws);
    const p = await b.patients.create(patientInput('CONV-3'));
    for (const ws of [b, a, c]) await ws.sync.syncNow();
    for (const ws of stations) ws.cloud.online = false;
    await edit(a, p.id, { email: 'ada@example.org' });
    await tick();
    await edit(c, p.id, { preferredName: 'Countess', phone: '+1 555 0100 3333' });
    await tick();
    await edit(b, p.id, { phone: '+1 555 0100 4444' });
    await c.patients.archive(p.id, 'moved away');
    for (const ws of stations) ws.cloud.online = true;
    for (const ws of [c, a, b, c, a]) await ws.sync.syncNow();
    const merged = await expectSameRecord('patients', p.id, a, b, c);
    expect(merged).toMatchObject({ email: 'ada@example.org', preferredName: 'Countess', phone: '+1 555 0100 4444', status: 'archived' });
  });

  it('an interrupted initial sync resumes from the stored cursor', async () => {
    const clinic = await createClinic(app);
    const a = await openWorkstation(app, 'big');
    await connect(app, clinic, a);
    const inputs = Array.from({ length: 120 }, (_, i) => patientInput(`RES-${i}`, { givenName: `Given${i}` }));
    await a.patients.createMany(inputs);
    await a.sync.syncNow();

    const b = await openWorkstation(app, 'new-desk', 25);
    b.cloud.pullsBeforeCut = 2;
    const cut = await connect(app, clinic, b);
    expect(cut.state).toBe('offline');
    const cursor = (await b.db.meta.get(CURSOR_KEY))!.value as string;
    expect(Number(cursor)).toBeGreaterThan(0);
    // Exactly the two written pages are there; nothing of the page in flight.
    expect(await b.db.patients.count()).toBe(50);

    b.cloud.pullsBeforeCut = undefined;
    const done = await b.sync.syncNow();
    expect(done.state).toBe('idle');
    expect(b.cloud.pullsSince.at(2)).toBe(cursor);
    expect(await b.db.patients.count()).toBe(120);
    expect(b.statuses.some((s) => s.progress?.phase === 'pull')).toBe(true);
  });

  it('a replayed push changes nothing, and an outbox re-sent after a crash is only counted as duplicates', async () => {
    const { clinic, stations: [a, b] } = await clinicWith(2);
    await connect(app, clinic, a!);
    await connect(app, clinic, b!);
    const p = await a!.patients.create(patientInput('REPLAY-1'));
    const outboxBefore = await a!.db.outbox.toArray();
    await a!.sync.syncNow();
    await b!.sync.syncNow();
    const version = await clinicVersion(db, clinic.clinicId);
    const cursorB = (await b!.db.meta.get(CURSOR_KEY))!.value;

    const last = a!.cloud.pushes.at(-1)!;
    const token = await (async () => {
      const res = await app.inject({ method: 'POST', url: '/auth/sign-in', payload: { clinicId: clinic.clinicId, email: clinic.email, password: clinic.password } });
      return res.json<{ accessToken: string }>().accessToken;
    })();
    const replay = await push(app, token, last.changes);
    expect(replay.json()).toMatchObject({ accepted: 0, duplicates: last.changes.length });
    // The workstation crashed after the push but before deleting its outbox: the same entries go again.
    await a!.db.outbox.bulkAdd(outboxBefore.map(({ seq: _seq, ...e }) => e));
    await a!.sync.syncNow();
    expect(await clinicVersion(db, clinic.clinicId)).toBe(version);
    await b!.sync.syncNow();
    expect(b!.cloud.pullsSince.at(-1)).toBe(cursorB);
    await expectSameRecord('patients', p.id, a!, b!);
  });

  it('pulled patients are searchable: their local index fields are computed on write', async () => {
    const { clinic, stations: [a, b] } = await clinicWith(2);
    await connect(app, clinic, a!);
    await connect(app, clinic, b!);
    await a!.patients.create(patientInput('SRCH-77', { givenName: 'Grace', familyName: 'Hopper', phone: '+1 555 0199 8765' }));
    await a!.sync.syncNow();
    await b!.sync.syncNow();
    for (const text of ['hopper', 'gra hop', 'srch-77', '8765']) {
      const page = await searchPatients(b!.db, { text, status: 'active', limit: 10 });
      expect(page.rows.map((r) => r.familyName), text).toEqual(['Hopper']);
    }
    // The same MRN created offline at another desk does not block the pull.
    await b!.patients.create(patientInput('DUP-1', { familyName: 'Local' }));
    await a!.patients.create(patientInput('DUP-1', { familyName: 'Remote' }));
    await a!.sync.syncNow();
    const s = await b!.sync.syncNow();
    expect(s.state).toBe('idle');
    expect((await searchPatients(b!.db, { text: 'dup-1', status: 'active', limit: 10 })).rows.map((r) => r.familyName).sort()).toEqual(['Local', 'Remote']);
  });

  it('observations stored in transactions without the outbox are queued, pushed and pulled once', async () => {
    const { clinic, stations: [a, b] } = await clinicWith(2);
    await connect(app, clinic, a!);
    await connect(app, clinic, b!);
    const p = await a!.patients.create(patientInput('OBS-1'));
    const obs: Observation[] = [0, 1, 2].map((i) => ({
      id: `SER123:${i}:heart-rate`,
      clinicId: clinic.clinicId,
      patientId: p.id,
      metric: 'heart-rate',
      value: 60 + i,
      unit: '/min',
      timeMs: Date.now() - 60_000 * (3 - i),
      source: { kind: 'device', grade: 'clinical' },
      flags: [],
      receivedMs: Date.now(),
    }));
    await a!.db.transaction('rw', a!.db.observations, () => storeObservations(a!.db, obs));
    await a!.db.transaction('rw', a!.db.observations, () => storeObservations(a!.db, obs));
    expect(await a!.db.outbox.where('table').equals('observations').count()).toBe(3);
    await a!.sync.syncNow();
    await b!.sync.syncNow();
    const pulled = await b!.db.observations.orderBy('id').toArray();
    expect(pulled.map((o) => [o.id, o.value, o.patientId])).toEqual(obs.map((o) => [o.id, o.value, p.id]));
    // Pulled rows are not queued back.
    expect(await b!.db.outbox.count()).toBe(0);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 0.5)).toBe(45_000);
  });
});
