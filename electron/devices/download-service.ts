import { gzipSync } from 'node:zlib';
import type { CancelToken } from '../../common/contract/channel';
import type { DeviceTarget, DownloadChunk, WireReading } from '../../common/contract/main-api';
import type { DeviceDriver } from './session/driver';
import { encodeCapture } from './session/capture-file';
import { runDownload } from './session/run-download';
import { DeviceError, type DeviceReading, type RawCaptureEntry } from './session/types';

/** The link to a device opened for one session, and how to let go of it. */
export interface OpenedLink<L> {
  link: L;
  close(): Promise<void>;
}

/** Finds the driver for a target and opens the device it names (a USB path, a Bluetooth address, a simulator). */
export interface DeviceOpener {
  /** Throws DeviceError('unsupported-device') for a target no driver speaks. */
  driverFor(target: DeviceTarget): DeviceDriver<unknown>;
  /** `timeZone`: the clinic's zone for this session (simulated meters keep its wall time). */
  open(target: DeviceTarget, session: { timeZone: string }): Promise<OpenedLink<unknown>>;
}

export interface DownloadRequest {
  target: DeviceTarget;
  highWater: number | null;
  setClockIfSkewed: boolean;
  timeZone: string;
}

export function toWireReading(r: DeviceReading): WireReading {
  return {
    id: r.id,
    metric: r.metric,
    value: Number.isFinite(r.value) ? r.value : null,
    unit: r.unit,
    utcMs: r.utcMs,
    ...(r.deviceTimeRaw !== undefined ? { deviceTimeRaw: r.deviceTimeRaw } : {}),
    ...(r.clockOffsetMs !== undefined ? { clockOffsetMs: r.clockOffsetMs } : {}),
    ...(r.dst ? { dst: r.dst } : {}),
    ...(r.sequence !== undefined ? { sequence: r.sequence } : {}),
    flags: r.flags,
    ...(r.extra ? { extra: r.extra } : {}),
  };
}

/**
 * Runs one download session in the main process and streams it to the engine: progress,
 * the device's identity, reading batches (the engine stores each with its high-water mark
 * in one transaction), the summary, and always last the compressed raw capture — also
 * when the session failed, followed then by the typed reason.
 */
export async function streamDownload(
  request: DownloadRequest,
  open: DeviceOpener,
  emit: (chunk: DownloadChunk) => void,
  cancel: CancelToken,
  hostUtcMs: () => number = Date.now,
): Promise<void> {
  const capture: RawCaptureEntry[] = [];
  let opened: OpenedLink<unknown> | undefined;
  try {
    await runDownload<unknown>({
      driver: open.driverFor(request.target),
      openLink: async () => {
        opened = await open.open(request.target, { timeZone: request.timeZone });
        return opened.link;
      },
      closeLink: async () => opened?.close(),
      highWater: request.highWater,
      hostUtcMs,
      timeZone: request.timeZone,
      setClockIfSkewed: request.setClockIfSkewed,
      cancelled: () => cancel.cancelled,
      captureInto: capture,
      // The engine de-duplicates and counts; here a batch is only handed on.
      store: async (readings) => ({ added: readings.length, duplicates: 0 }),
      emit: (event) => {
        if (event.type === 'progress') emit({ type: 'progress', step: event.step, ...(event.done !== undefined ? { done: event.done } : {}), ...(event.total !== undefined ? { total: event.total } : {}) });
        else if (event.type === 'device') emit({ type: 'device', identity: event.config.identity, canSetClock: event.config.canSetClock, ...(event.config.recordCount !== undefined ? { recordCount: event.config.recordCount } : {}) });
        else if (event.type === 'readings') emit({ type: 'readings', readings: event.readings.map(toWireReading), highWater: event.highWater });
        else
          emit({
            type: 'summary',
            newReadings: event.summary.newReadings,
            skipped: event.summary.duplicates,
            warnings: event.summary.warnings,
            clockOffsetMs: event.summary.clock?.offsetMs ?? null,
            clockSkewed: event.summary.clock?.skewed ?? false,
            highWater: event.summary.highWater,
            durationMs: event.summary.durationMs,
          });
      },
    });
  } catch (err) {
    const de = err instanceof DeviceError ? err : new DeviceError('unplugged', err instanceof Error ? err.message : String(err));
    emitCapture(capture, emit);
    emit({ type: 'failed', code: de.code, message: de.message, ...(de.hint ? { hint: de.hint } : {}) });
    return;
  }
  emitCapture(capture, emit);
}

function emitCapture(capture: RawCaptureEntry[], emit: (chunk: DownloadChunk) => void): void {
  const file = encodeCapture(capture);
  emit({ type: 'capture', gzipBase64: gzipSync(file).toString('base64'), entries: capture.length, bytes: capture.reduce((n, c) => n + c.bytes.length, 0) });
}
