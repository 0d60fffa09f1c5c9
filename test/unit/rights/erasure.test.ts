import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../common/audit/chain';
import { isErased } from '../../../common/consent/rights';
import { encodeHlc } from '../../../common/sync/hlc';
import type { PullPage } from '../../../common/sync/protocol';
import { recordConsent } from '../../../renderer/src/db/consents';
import { CareLoopDb, type OutboxEntry, type PatientRow } from '../../../renderer/src/db/database';
import { deviceHighWater, pairDevice, storeDownloadBatch } from '../../../renderer/src/db/devices';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { sendMessage } from '../../../renderer/src/db/messages';
import { applyErasuresFromSync, erasePatient, latestClinicalRecordMs, PatientRightsError, restrictProcessing, retentionYears, setRetentionYears } from '../../../renderer/src/db/patient-rights';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { setCurrentActor } from '../../../renderer/src/security/current-actor';
import { applyPulledPage } from '../../../renderer/src/engine/sync/apply-page';
import { AlertPipeline } from '../../../renderer/src/engine/alerts/pipeline';
import type { Observation } from '../../../common/readings/observation';

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const ADMIN = { role: 'administrator' as const };

let n = 0;

async function workstation(name: string) {
  const db = new CareLoopDb(`erase-${name}-${n++}`);
  await db.open();
  const ctx: WriteContext = { actor: 'Admin Ada', workstation: name, clinicId: 'c1', clock: await openClock(db, `${name}u`) };
  return { db, ctx };
}

let db: CareLoopDb;
let ctx: WriteContext;
let ivy: PatientRow;
let tom: PatientRow;

/** Gives a patient a little of everything: consents, messages, a device with readings, alerts and rule state. */
async function fill(p: PatientRow, serial: string, readingsAtMs: number) {
  await recordConsent(db, ctx, { patientId: p.id, purpose: 'sms', status: 'given', method: 'written' });
  await sendMessage(db, ctx, { patientId: p.id, channel: 'sms', body: `Hello ${p.givenName}` });
  const device = await pairDevice(db, ctx, { patientId: p.id, family: 'contour', model: 'Contour Next USB', serial, label: 'Meter', target: { kind: 'simulated', simulator: 'contour-next-usb', serial }, grade: 'clinical' });
  await storeDownloadBatch(db, device, 'sess-1', [1, 2].map((seq) => ({ id: `${serial}:s${seq}:glucose`, metric: 'glucose', value: 100 + seq, unit: 'mg/dL', utcMs: readingsAtMs + seq * 60_000, sequence: seq, flags: [] })), 2);
  const hr = (i: number): Observation => ({ id: `${serial}:hr${i}`, clinicId: 'c1', patientId: p.id, metric: 'heart-rate', value: 130, unit: '/min', timeMs: readingsAtMs + i * 300_000, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: readingsAtMs });
  await db.observations.bulkAdd([0, 1, 2, 3].map(hr));
  await new AlertPipeline(db, async () => ctx, () => undefined, () => readingsAtMs + 3_600_000).ingest([0, 1, 2, 3].map(hr));
  return device;
}

const ROW_TABLES = ['consents', 'messages', 'devices', 'observations', 'alerts', 'ruleStates'] as const;
async function rowsOf(d: CareLoopDb, patientId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ROW_TABLES) out[t] = await d.table(t).filter((r: { patientId?: string }) => r.patientId === patientId).count();
  return out;
}

beforeEach(async () => {
  ({ db, ctx } = await workstation('ws1'));
  const repo = new PatientRepository(db, ctx);
  ivy = await repo.create({ givenName: 'Ivy', familyName: 'Chen', birthDate: '1948-02-02', sex: 'female', mrn: 'E-1', phone: '+1 555 0100 3333', email: 'ivy@example.org', preferredChannel: 'sms' });
  tom = await repo.create({ givenName: 'Tom', familyName: 'Berg', birthDate: '1960-03-03', sex: 'male', mrn: 'E-2', phone: '+1 555 0100 4444', preferredChannel: 'sms' });
});

describe('erasure (GDPR Art. 17)', () => {
  it('only an administrator may erase', async () => {
    const err = await erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, { role: 'nurse' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not-administrator' });
    await expect(erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, { role: undefined })).rejects.toBeInstanceOf(PatientRightsError);
    expect((await db.patients.get(ivy.id))!.givenName).toBe('Ivy');
  });

  it('a retention duty refuses erasure (audited) and restriction is the way offered; the retention period is a setting', async () => {
    expect(await retentionYears(db)).toBe(10);
    const lastYear = Date.now() - YEAR;
    await fill(ivy, 'S-1', lastYear);
    expect(await latestClinicalRecordMs(db, ivy.id)).toBeGreaterThanOrEqual(lastYear);
    const err = (await erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, ADMIN).catch((e: unknown) => e)) as PatientRightsError;
    expect(err).toBeInstanceOf(PatientRightsError);
    expect(err.code).toBe('retention-duty');
    expect(err.message).toMatch(/kept for 10 years .* Restrict processing instead/);
    expect(err.retainUntilMs).toBeGreaterThan(Date.now() + 8 * YEAR);
    expect(await db.audit.where('action').equals('patient.erase-refuse').toArray()).toEqual([expect.objectContaining({ patientId: ivy.id })]);
    expect((await rowsOf(db, ivy.id)).observations).toBe(6);
    await restrictProcessing(db, ctx, { patientId: ivy.id, ground: 'retention-duty' });

    // A clinic whose period has passed for these records may erase.
    await setRetentionYears(db, ctx, 0);
    expect(await db.audit.where('action').equals('settings.retention').last()).toMatchObject({ changes: { retentionYears: { before: 10, after: 0 } } });
    await erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, ADMIN);
    await expect(setRetentionYears(db, ctx, -1)).rejects.toThrow(/retention period/);
  });

  it('purges every row of the patient in every table, keeps the other patient whole, leaves a tombstone without personal data and an intact audit chain', async () => {
    await setRetentionYears(db, ctx, 1);
    const old = Date.now() - 2 * YEAR;
    const ivyDevice = await fill(ivy, 'S-1', old);
    await fill(tom, 'S-2', old);
    const tomBefore = await rowsOf(db, tom.id);
    expect(Object.values(await rowsOf(db, ivy.id)).every((c) => c > 0)).toBe(true);
    expect(await deviceHighWater(db, ivyDevice.id)).toBe(2);

    // Signed in as an administrator: the permission checks apply to the reads; the purge itself is the app's work.
    setCurrentActor(db, { kind: 'user', userId: 'u-ada', name: 'Admin Ada', role: 'administrator' });
    const report = await erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, ADMIN);
    setCurrentActor(db, { kind: 'system', reason: 'test' });
    expect(report.purged).toMatchObject({ consents: 1, messages: 1, devices: 1, observations: 6, alerts: 1, ruleStates: 1 });

    expect(await rowsOf(db, ivy.id)).toEqual({ consents: 0, messages: 0, devices: 0, observations: 0, alerts: 0, ruleStates: 0 });
    expect(await rowsOf(db, tom.id)).toEqual(tomBefore);
    expect(await deviceHighWater(db, ivyDevice.id)).toBeNull();

    const tomb = (await db.patients.get(ivy.id))!;
    expect(isErased(tomb)).toBe(true);
    expect(tomb).toMatchObject({ deleted: true, status: 'archived', erasureGround: 'consent-withdrawn' });
    const text = JSON.stringify(tomb);
    for (const personal of ['Ivy', 'Chen', '1948-02-02', '555 0100 3333', 'ivy@example.org', 'E-1']) expect(text).not.toContain(personal);

    // Only the tombstone of the patient is left to sync (the patient's own pending rows are dropped).
    const pending = (await db.outbox.toArray()).filter((e) => e.rowId === ivy.id || e.fields['patientId']?.value === ivy.id);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ table: 'patients', rowId: ivy.id });
    expect(JSON.stringify(pending[0])).not.toContain('Chen');

    // Audit entries are never deleted: the chain verifies; the erasure's entry holds ids, ground and a count.
    const audit = await db.audit.orderBy('seq').toArray();
    expect(verifyAuditChain(audit)).toMatchObject({ intact: true, entries: audit.length });
    const erased = audit.filter((a) => a.action === 'patient.erase');
    expect(erased).toEqual([expect.objectContaining({ patientId: ivy.id, entityId: ivy.id, reason: 'consent-withdrawn', changes: { purgedRows: { before: undefined, after: 11 } } })]);
    expect(JSON.stringify(erased[0])).not.toContain('Chen');

    await expect(erasePatient(db, ctx, { patientId: ivy.id, ground: 'consent-withdrawn' }, ADMIN)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('the tombstone travels by sync: another workstation purges the patient too, and late rows of the patient are dropped there', async () => {
    await setRetentionYears(db, ctx, 0);
    // The second workstation holds the same patients and rows, as after a sync.
    const other = await workstation('ws2');
    const asPage = (rows: OutboxEntry[], cursor: string): PullPage => ({ protocol: 2, rows: rows.map((e, i) => ({ table: e.table, rowId: e.rowId, version: i + 1, fields: e.fields })), cursor, hasMore: false }) as unknown as PullPage;
    await fill(ivy, 'S-1', Date.now() - YEAR);
    await fill(tom, 'S-2', Date.now() - YEAR);
    const all = await db.outbox.toArray();
    await applyPulledPage(other.db, asPage(all, '1'), 'c1');
    expect((await rowsOf(other.db, ivy.id)).observations).toBe(6);
    const tomOther = await rowsOf(other.db, tom.id);

    await db.outbox.clear();
    await erasePatient(db, ctx, { patientId: ivy.id, ground: 'no-longer-necessary' }, ADMIN);
    const tombstone = await db.outbox.toArray();
    const applied = await applyPulledPage(other.db, asPage(tombstone, '2'), 'c1');
    const result = await applyErasuresFromSync(other.db, other.ctx, applied.writtenByTable);
    expect(result.erased).toEqual([ivy.id]);
    expect(await rowsOf(other.db, ivy.id)).toEqual({ consents: 0, messages: 0, devices: 0, observations: 0, alerts: 0, ruleStates: 0 });
    expect(await rowsOf(other.db, tom.id)).toEqual(tomOther);
    expect(JSON.stringify(await other.db.patients.get(ivy.id))).not.toContain('Chen');
    expect(await other.db.audit.where('action').equals('patient.erase').toArray()).toEqual([expect.objectContaining({ patientId: ivy.id, reason: 'erased on another workstation (sync)' })]);

    // A third desk that had not heard of the erasure pushed a reading of the patient; it arrives later and is dropped.
    const late = { table: 'observations', rowId: 'late-1', version: 9, fields: Object.fromEntries(Object.entries({ patientId: ivy.id, metric: 'glucose', value: 99, unit: 'mg/dL', timeMs: Date.now(), flags: [], receivedMs: Date.now(), source: { kind: 'device', grade: 'clinical' } }).map(([k, v]) => [k, { value: v, stamp: encodeHlc({ wallMs: Date.now(), counter: 0, node: 'imm' }) }])) };
    const lateApplied = await applyPulledPage(other.db, { protocol: 2, rows: [late], cursor: '3', hasMore: false } as unknown as PullPage, 'c1');
    expect((await applyErasuresFromSync(other.db, other.ctx, lateApplied.writtenByTable)).strayRows).toBe(1);
    expect(await other.db.observations.get('late-1')).toBeUndefined();
  });
});
