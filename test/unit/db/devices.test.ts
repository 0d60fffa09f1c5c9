import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WireReading } from '../../../common/contract/main-api';
import { recordConsent } from '../../../renderer/src/db/consents';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { DevicePairingError, deviceHighWater, monitoringRefusal, pairDevice, recordSession, storeDownloadBatch, unpairDevice } from '../../../renderer/src/db/devices';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { loadTimeline, readingItems } from '../../../renderer/src/db/timeline/timeline';

let db: CareLoopDb;
let ctx: WriteContext;
let ann: PatientRow;
let bo: PatientRow;
let n = 0;

const meter = { family: 'contour', model: 'Contour Next USB', label: 'Contour Next USB', grade: 'clinical' as const };
const target = (serial: string) => ({ kind: 'simulated' as const, simulator: 'contour-next-usb', serial });
const reading = (seq: number, metric = 'glucose', value: number | null = 100 + seq): WireReading => ({ id: `7410-1:s${seq}:${metric}`, metric, value, unit: 'mg/dL', utcMs: Date.UTC(2026, 10, 1, 8) + seq * 3_600_000, deviceTimeRaw: '2026-11-01T08:00:00', clockOffsetMs: 0, sequence: seq, flags: value === null ? ['not-a-number'] : [] });

beforeEach(async () => {
  db = new CareLoopDb(`devices-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  const repo = new PatientRepository(db, ctx);
  ann = await repo.create({ givenName: 'Ann', familyName: 'Berg', birthDate: '1950-01-01', sex: 'female', mrn: 'D-1', preferredChannel: 'phone', phone: '+1 555 0100 1111' });
  bo = await repo.create({ givenName: 'Bo', familyName: 'Dahl', birthDate: '1955-05-05', sex: 'male', mrn: 'D-2', preferredChannel: 'phone', phone: '+1 555 0100 2222' });
});

describe('pairing', () => {
  it('pairs a device to one patient at a time, audited and queued for sync', async () => {
    const d = await pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '7410-1', target: target('7410-1') });
    expect(d).toMatchObject({ patientId: ann.id, serial: '7410-1', deleted: false });
    // Pairing the same device to the same patient again changes nothing.
    expect((await pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '7410-1', target: target('7410-1') })).id).toBe(d.id);
    await expect(pairDevice(db, ctx, { ...meter, patientId: bo.id, serial: '7410-1', target: target('7410-1') })).rejects.toThrow(/paired to another patient/);
    expect(await db.audit.where('action').equals('device.pair').count()).toBe(1);
    expect(await db.outbox.where('[table+rowId]').equals(['devices', d.id]).count()).toBe(1);
    await unpairDevice(db, ctx, d.id);
    // Once unpaired it can go to the other patient.
    expect((await pairDevice(db, ctx, { ...meter, patientId: bo.id, serial: '7410-1', target: target('7410-1') })).patientId).toBe(bo.id);
  });

  it('refuses bad input with a clear message and writes nothing', async () => {
    await expect(pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '  ', target: target('x') })).rejects.toBeInstanceOf(DevicePairingError);
    await expect(pairDevice(db, ctx, { ...meter, patientId: 'nobody', serial: 'S', target: target('S') })).rejects.toThrow(/does not exist/);
    expect(await db.devices.count()).toBe(0);
  });
});

describe('storing a download', () => {
  it('stores batches with the high-water mark atomically; a repeat adds nothing', async () => {
    const d = await pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '7410-1', target: target('7410-1') });
    expect(await deviceHighWater(db, d.id)).toBeNull();
    expect(await storeDownloadBatch(db, d, "s1", [reading(1), reading(2), reading(3, "glucose", null)], 3)).toMatchObject({ added: 3, duplicates: 0 });
    expect(await deviceHighWater(db, d.id)).toBe(3);
    expect(await storeDownloadBatch(db, d, "s2", [reading(2), reading(3, "glucose", null), reading(4)], 4)).toMatchObject({ added: 1, duplicates: 2 });
    // A batch that reaches a lower mark never moves it back.
    await storeDownloadBatch(db, d, 's3', [reading(1)], 1);
    expect(await deviceHighWater(db, d.id)).toBe(4);
    const stored = await db.observations.where('[patientId+timeMs]').between([ann.id, 0], [ann.id, Infinity]).toArray();
    expect(stored).toHaveLength(4);
    const nan = stored.find((o) => o.id === '7410-1:s3:glucose')!;
    expect(Number.isNaN(nan.value)).toBe(true);
    expect(nan.flags).toEqual(['not-a-number', 'questionable']);
    expect(nan.source).toEqual({ kind: 'device', grade: 'clinical', deviceId: d.id, sessionId: 's1' });
    expect(nan.groupId).toBe('7410-1:s3');
  });

  it('marks physiologically impossible values instead of dropping them', async () => {
    const d = await pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '7410-1', target: target('7410-1') });
    await storeDownloadBatch(db, d, 's1', [{ ...reading(1), value: 1500 }, reading(2)], 2);
    const [impossible, fine] = await db.observations.bulkGet(['7410-1:s1:glucose', '7410-1:s2:glucose']);
    expect(impossible!.flags).toContain('value-out-of-range');
    expect(fine!.flags).toEqual([]);
  });

  it('withdrawn monitoring consent refuses new device data', async () => {
    expect(await monitoringRefusal(db, ann.id)).toBeUndefined();
    await recordConsent(db, ctx, { patientId: ann.id, purpose: 'monitoring', status: 'withdrawn', method: 'verbal' });
    expect(await monitoringRefusal(db, ann.id)).toMatch(/withdrawn consent to remote monitoring/);
    await recordConsent(db, ctx, { patientId: ann.id, purpose: 'monitoring', status: 'given', method: 'written' });
    expect(await monitoringRefusal(db, ann.id)).toBeUndefined();
  });

  it('records sessions, and the timeline shows downloads and readings grouped per record', async () => {
    const d = await pairDevice(db, ctx, { ...meter, patientId: ann.id, serial: '7410-1', target: target('7410-1') });
    await storeDownloadBatch(db, d, 's1', [reading(1), reading(2)], 2);
    const t0 = Date.UTC(2026, 10, 1, 12);
    await recordSession(db, ctx, { deviceId: d.id, patientId: ann.id, startedMs: t0, endedMs: t0 + 5000, outcome: 'completed', newReadings: 2, duplicates: 0, clockOffsetMs: 0, clockSkewed: false, warnings: [], highWater: 2 });
    expect((await db.devices.get(d.id))!.lastDownloadMs).toBe(t0 + 5000);
    const items = await loadTimeline(db, ann.id, Date.UTC(2026, 9, 1), Date.UTC(2026, 11, 1));
    expect(items.map((i) => i.kind)).toEqual(['download', 'reading', 'reading']);
    expect(items[0]!.title).toMatch(/Contour Next USB download completed: 2 new/);
  });
});

describe('timeline reading groups', () => {
  it('shows a blood pressure record as one line', () => {
    const base = { clinicId: 'c', patientId: 'p', timeMs: 1, source: { kind: 'device' as const, grade: 'clinical' as const }, receivedMs: 1, groupId: 'cuff:s1' };
    const items = readingItems([
      { ...base, id: 'cuff:s1:blood-pressure-systolic', metric: 'blood-pressure-systolic', value: 141, unit: 'mm[Hg]', flags: [] },
      { ...base, id: 'cuff:s1:blood-pressure-diastolic', metric: 'blood-pressure-diastolic', value: 92, unit: 'mm[Hg]', flags: ['irregular-pulse'] },
      { ...base, id: 'cuff:s1:pulse-rate', metric: 'pulse-rate', value: 77, unit: '/min', flags: [] },
    ]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: 'Blood pressure 141/92 mmHg, Pulse 77 /min', tone: 'warn' });
    expect(items[0]!.detail).toContain('irregular-pulse');
  });
});
