import type { ContractClient } from '../../../../common/contract/channel';
import type { DownloadChunk, MainApi } from '../../../../common/contract/main-api';
import { RpcError } from '../../../../common/contract/rpc';
import type { DeviceSession } from '../../../../common/devices/device';
import type { Observation } from '../../../../common/readings/observation';
import { newId } from '../../../../common/ids';
import type { CareLoopDb } from '../../db/database';
import { deviceHighWater, monitoringRefusal, recordSession, storeDownloadBatch } from '../../db/devices';
import type { WriteContext } from '../../db/journal';

export interface DownloadProgress {
  step: string;
  done?: number;
  total?: number;
}

export type SessionResult = Omit<DeviceSession, 'capture'> & { captureBytes: number };

/**
 * The engine's half of a download: asks the main process to run the session on the
 * device, stores each batch of readings with the device's high-water mark as it arrives,
 * and records the session with its raw capture, whatever the outcome.
 */
export async function downloadDevice(
  db: CareLoopDb,
  main: ContractClient<MainApi>,
  ctx: WriteContext,
  deviceId: string,
  options: { setClockIfSkewed: boolean; timeZone: string },
  onProgress: (p: DownloadProgress) => void,
  onStored: (observations: Observation[]) => Promise<unknown> = async () => undefined,
): Promise<SessionResult> {
  const device = await db.devices.get(deviceId);
  if (!device || device.deleted) throw new RpcError('not-found', 'That device is not paired on this workstation.');
  const startedMs = Date.now();
  const base = { deviceId, patientId: device.patientId, startedMs, clockOffsetMs: null, clockSkewed: false, warnings: [] as string[], duplicates: 0, newReadings: 0 };

  const refusal = await monitoringRefusal(db, device.patientId);
  if (refusal) {
    const s = await recordSession(db, ctx, { ...base, endedMs: Date.now(), outcome: 'refused', highWater: await deviceHighWater(db, deviceId), error: { code: 'monitoring-consent-withdrawn', message: refusal } });
    return { ...s, captureBytes: 0 };
  }

  const sessionId = newId();
  let added = 0;
  let duplicates = 0;
  let highWater = await deviceHighWater(db, deviceId);
  let summary: Extract<DownloadChunk, { type: 'summary' }> | undefined;
  let failure: { code: string; message: string; hint?: string } | undefined;
  let capture: DeviceSession['capture'];
  // Chunks arrive faster than IndexedDB stores them: store them one after another, in order.
  let storing: Promise<void> = Promise.resolve();
  let storeError: unknown;
  const sub = main.stream('devices.download', { target: device.target, highWater, setClockIfSkewed: options.setClockIfSkewed, timeZone: options.timeZone }, (chunk) => {
    if (chunk.type === 'progress') onProgress({ step: chunk.step, ...(chunk.done !== undefined ? { done: chunk.done } : {}), ...(chunk.total !== undefined ? { total: chunk.total } : {}) });
    else if (chunk.type === 'readings') {
      storing = storing.then(async () => {
        if (storeError) return;
        try {
          const r = await storeDownloadBatch(db, device, sessionId, chunk.readings, chunk.highWater);
          added += r.added;
          duplicates += r.duplicates;
          if (chunk.highWater !== null) highWater = chunk.highWater;
          await onStored(r.observations);
        } catch (err) {
          storeError = err;
          sub.cancel();
        }
      });
    } else if (chunk.type === 'summary') summary = chunk;
    else if (chunk.type === 'failed') failure = { code: chunk.code, message: chunk.message, ...(chunk.hint ? { hint: chunk.hint } : {}) };
    else if (chunk.type === 'capture') capture = { gzipBase64: chunk.gzipBase64, entries: chunk.entries, bytes: chunk.bytes };
  });
  try {
    await sub.done;
  } catch (err) {
    failure ??= { code: err instanceof RpcError ? err.code : 'host', message: err instanceof Error ? err.message : String(err) };
  }
  await storing;
  if (storeError) failure = { code: 'store', message: `Readings could not be stored: ${storeError instanceof Error ? storeError.message : String(storeError)}` };
  if (!failure && !summary) failure = { code: 'incomplete', message: 'The download ended without a summary.' };

  const s = await recordSession(db, ctx, {
    ...base,
    endedMs: Date.now(),
    outcome: failure ? 'failed' : 'completed',
    newReadings: added,
    // Records at or below the high-water mark were skipped by the driver; those the store saw again are duplicates too.
    duplicates: duplicates + (summary?.skipped ?? 0),
    clockOffsetMs: summary?.clockOffsetMs ?? null,
    clockSkewed: summary?.clockSkewed ?? false,
    warnings: summary?.warnings ?? [],
    highWater,
    ...(failure ? { error: failure } : {}),
    ...(capture ? { capture } : {}),
  });
  const { capture: _c, ...rest } = s;
  return { ...rest, captureBytes: capture?.bytes ?? 0 };
}
