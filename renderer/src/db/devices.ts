import { z } from 'zod';
import { DeviceTarget, type WireReading } from '../../../common/contract/main-api';
import type { DeviceSession, PairedDevice } from '../../../common/devices/device';
import { newId } from '../../../common/ids';
import type { Metric, Observation, QualityFlag } from '../../../common/readings/observation';
import { markImplausible } from '../engine/signal/plausibility';
import { consentState } from './consents';
import type { CareLoopDb } from './database';
import { appendAudit, type WriteContext } from './journal';
import { storeObservations, type StoreOutcome } from './observations';
import { insertRow, updateRow } from './synced-rows';

export const PairInput = z.object({
  patientId: z.string().min(1),
  family: z.string().min(1).max(40),
  model: z.string().min(1).max(80),
  serial: z.string().trim().min(1, 'enter the serial number printed on the device').max(60),
  label: z.string().trim().min(1).max(80),
  target: DeviceTarget,
  grade: z.enum(['clinical', 'consumer']),
});
export type PairInput = z.input<typeof PairInput>;

export class DevicePairingError extends Error {
  override readonly name = 'DevicePairingError';
}

/** Pairs a device to a patient. One device (family + serial) belongs to one patient at a time. */
export async function pairDevice(db: CareLoopDb, ctx: WriteContext, input: PairInput): Promise<PairedDevice> {
  const parsed = PairInput.safeParse(input);
  if (!parsed.success) throw new DevicePairingError(parsed.error.issues.map((i) => i.message).join('; '));
  const d = parsed.data;
  return db.transaction('rw', [db.devices, db.patients, db.audit, db.outbox, db.meta], async () => {
    const patient = await db.patients.get(d.patientId);
    if (!patient || patient.deleted) throw new DevicePairingError('That patient does not exist on this workstation.');
    const other = (await db.devices.where('[family+serial]').equals([d.family, d.serial]).toArray()).find((x) => !x.deleted);
    if (other && other.patientId !== d.patientId) throw new DevicePairingError(`This ${d.label} (serial ${d.serial}) is paired to another patient. Unpair it there first.`);
    if (other) return other;
    return insertRow<PairedDevice>(db, ctx, db.devices, d, { action: 'device.pair', entity: 'device', patientId: d.patientId });
  });
}

export async function unpairDevice(db: CareLoopDb, ctx: WriteContext, deviceId: string): Promise<void> {
  await db.transaction('rw', [db.devices, db.audit, db.outbox, db.meta], async () => {
    const dev = await db.devices.get(deviceId);
    if (!dev || dev.deleted) return;
    await updateRow<PairedDevice>(db, ctx, db.devices, dev, { deleted: true } as Partial<PairedDevice>, { action: 'device.unpair', entity: 'device', patientId: dev.patientId });
  });
}

const highWaterKey = (deviceId: string) => `highwater:${deviceId}`;

/** Highest record sequence stored for a device on this workstation; readings' deterministic ids cover the rest. */
export async function deviceHighWater(db: CareLoopDb, deviceId: string): Promise<number | null> {
  const v = (await db.meta.get(highWaterKey(deviceId)))?.value;
  return typeof v === 'number' ? v : null;
}

/** Whether new device data may be stored for the patient: withdrawn monitoring consent stops it. */
export async function monitoringRefusal(db: CareLoopDb, patientId: string): Promise<string | undefined> {
  const state = await consentState(db, patientId);
  if (state.monitoring?.status === 'withdrawn') return 'The patient has withdrawn consent to remote monitoring, so no new device data is stored.';
  return undefined;
}

/** A reading from the wire as a stored observation of this patient and session. */
export function observationFromWire(r: WireReading, device: PairedDevice, sessionId: string, receivedMs: number): Observation {
  const flags = r.flags as QualityFlag[];
  return {
    id: r.id,
    clinicId: device.clinicId,
    patientId: device.patientId,
    metric: r.metric as Metric,
    value: r.value ?? Number.NaN,
    unit: r.unit,
    // A reading the device sent without a time is placed at the download.
    timeMs: Number.isFinite(r.utcMs) ? r.utcMs : receivedMs,
    ...(r.deviceTimeRaw !== undefined ? { deviceTimeRaw: r.deviceTimeRaw } : {}),
    ...(r.clockOffsetMs !== undefined ? { clockOffsetMs: r.clockOffsetMs } : {}),
    source: { kind: 'device', grade: device.grade, deviceId: device.id, sessionId },
    flags,
    // Readings of one record (a blood pressure's systolic, diastolic, pulse) share the id up to the metric.
    groupId: r.id.slice(0, r.id.lastIndexOf(':')),
    receivedMs,
  };
}

/**
 * Stores one batch of a download with the device's high-water mark in one transaction, so an
 * interrupted download resumes after the last stored batch and nothing is stored twice.
 */
export async function storeDownloadBatch(db: CareLoopDb, device: PairedDevice, sessionId: string, readings: readonly WireReading[], highWater: number | null): Promise<StoreOutcome & { observations: Observation[] }> {
  const now = Date.now();
  // Impossible or sensor-doubted values are marked, never dropped (issue #6).
  const observations = markImplausible(readings.map((r) => observationFromWire(r, device, sessionId, now)));
  return db.transaction('rw', [db.observations, db.meta], async () => {
    const outcome = await storeObservations(db, observations);
    if (highWater !== null) {
      const prev = await deviceHighWater(db, device.id);
      if (prev === null || highWater > prev) await db.meta.put({ key: highWaterKey(device.id), value: highWater });
    }
    return { ...outcome, observations };
  });
}

/** Records a finished (or failed, or refused) session and audits it. */
export async function recordSession(db: CareLoopDb, ctx: WriteContext, session: Omit<DeviceSession, 'id' | 'clinicId' | 'actor'>): Promise<DeviceSession> {
  const row: DeviceSession = { ...session, id: newId(), clinicId: ctx.clinicId, actor: ctx.actor };
  await db.transaction('rw', [db.deviceSessions, db.devices, db.audit, db.outbox, db.meta], async () => {
    await db.deviceSessions.add(row);
    const dev = await db.devices.get(session.deviceId);
    if (dev && session.outcome === 'completed') await updateRow<PairedDevice>(db, ctx, db.devices, dev, { lastDownloadMs: session.endedMs } as Partial<PairedDevice>, { action: 'device.download', entity: 'device', patientId: dev.patientId });
    await appendAudit(db, ctx, {
      action: 'device.download',
      entity: 'device-session',
      entityId: row.id,
      patientId: session.patientId,
      changes: { outcome: { before: undefined, after: session.outcome }, newReadings: { before: undefined, after: session.newReadings } },
    });
  });
  return row;
}
