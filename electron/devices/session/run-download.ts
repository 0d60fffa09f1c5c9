import type { DeviceTime } from '../drivers/types';
import { DecodeError } from '../drivers/types';
import { compareClocks, correctDeviceTime, formatDeviceTime, wallClockAt, type ClockCorrection } from './device-clock';
import type { DeviceDriver, SessionIo } from './driver';
import { DeviceError, type DeviceConfig, type DeviceReading, type DownloadEvent, type DownloadSummary, type RawCaptureEntry } from './types';

export interface StoreResult {
  added: number;
  duplicates: number;
}

export interface DownloadOptions<L> {
  driver: DeviceDriver<L>;
  openLink(): Promise<L>;
  closeLink(link: L): Promise<void>;
  /** Highest sequence already stored for this device (from a previous download), or null. */
  highWater: number | null;
  hostUtcMs(): number;
  timeZone: string;
  /** Stores a batch (in the engine: observations + high-water mark in one transaction). */
  store(readings: DeviceReading[], highWater: number | null): Promise<StoreResult>;
  emit?(event: DownloadEvent): void;
  /** Whether to set a skewed device clock to the host's time (staff chose so). */
  setClockIfSkewed?: boolean;
  timeoutMs?: number;
  retries?: number;
  cancelled?: () => boolean;
  batchSize?: number;
  /** Receives the raw capture as it grows, so it survives a session that fails. */
  captureInto?: RawCaptureEntry[];
}

export interface DownloadResult {
  summary: DownloadSummary;
  capture: RawCaptureEntry[];
}

const TRANSIENT: ReadonlySet<string> = new Set(['timeout', 'busy']);

/** A deterministic reading id: the same record of the same device always gets the same id. */
export function readingId(serial: string, r: { metric: string; sequence?: number; deviceTime?: DeviceTime }, index: number): string {
  const where = r.sequence !== undefined ? `s${r.sequence}` : r.deviceTime ? `t${formatDeviceTime(r.deviceTime)}` : `i${index}`;
  return `${serial}:${where}:${r.metric}`;
}

function toDeviceError(err: unknown): DeviceError {
  if (err instanceof DeviceError) return err;
  if (err instanceof DecodeError) {
    return new DeviceError(err.code === 'bad-checksum' ? 'checksum' : 'frame', `The device sent data that did not decode: ${err.message}`);
  }
  return new DeviceError('unplugged', `The device stopped answering: ${err instanceof Error ? err.message : String(err)}`);
}

/**
 * Runs one download: detect → connect → configure → fetch → decode → store → disconnect,
 * with disconnect and link close always run. Readings are stored in batches in time
 * order, each batch with the high-water mark it reaches, so an interrupted download
 * resumes after the last stored batch and a repeated one adds nothing.
 */
export async function runDownload<L>(o: DownloadOptions<L>): Promise<DownloadResult> {
  const t0 = o.hostUtcMs();
  const capture: RawCaptureEntry[] = o.captureInto ?? [];
  const emit = o.emit ?? (() => undefined);
  const cancelled = o.cancelled ?? (() => false);
  const io: SessionIo = {
    get cancelled() {
      return cancelled();
    },
    capture(dir, channel, bytes) {
      capture.push({ dir, channel, atMs: o.hostUtcMs() - t0, bytes: bytes.slice() });
    },
    async call(label, fn, options = {}) {
      const timeoutMs = options.timeoutMs ?? o.timeoutMs ?? 5000;
      const retries = options.retries ?? o.retries ?? 2;
      for (let attempt = 0; ; attempt++) {
        if (cancelled()) throw new DeviceError('cancelled', 'The download was cancelled.');
        try {
          return await withTimeout(fn(), timeoutMs, label);
        } catch (err) {
          const de = toDeviceError(err);
          if (attempt >= retries || !TRANSIENT.has(de.code)) throw de;
        }
      }
    },
  };

  emit({ type: 'progress', step: 'detect' });
  let link: L;
  try {
    link = await o.openLink();
  } catch (err) {
    throw toDeviceError(err);
  }
  let config: DeviceConfig | undefined;
  try {
    emit({ type: 'progress', step: 'connect' });
    await o.driver.connect(link, io);
    emit({ type: 'progress', step: 'configure' });
    config = await o.driver.readConfig(link, io);
    emit({ type: 'device', config });

    const warnings: string[] = [];
    let clock: ClockCorrection | null = null;
    if (config.deviceNow) {
      clock = compareClocks({ deviceNow: config.deviceNow, hostUtcMs: o.hostUtcMs(), timeZone: o.timeZone });
      if (clock.skewed) {
        const minutes = Math.round(clock.offsetMs / 60_000);
        warnings.push(`The device clock is ${Math.abs(minutes)} minutes ${minutes > 0 ? 'behind' : 'ahead'}; readings were corrected.`);
        if (o.setClockIfSkewed && config.canSetClock && o.driver.setClock) {
          await o.driver.setClock(link, io, wallClockAt(o.hostUtcMs(), o.timeZone));
          warnings.push('The device clock was set to the workstation time.');
        }
      }
    } else {
      warnings.push('The device did not report its clock; its times were taken as correct.');
    }

    emit({ type: 'progress', step: 'fetch', done: 0, ...(config.recordCount !== undefined ? { total: config.recordCount } : {}) });
    const fetched = await o.driver.fetch(link, io, o.highWater, (done, total) => emit({ type: 'progress', step: 'fetch', done, ...(total !== undefined ? { total } : {}) }));

    emit({ type: 'progress', step: 'decode' });
    const decoded = o.driver.decode(fetched);
    const fresh = decoded.filter((r) => o.highWater === null || r.sequence === undefined || r.sequence > o.highWater);
    const readings = correctAll(fresh, config, clock ?? { offsetMs: 0, skewed: false, method: 'device-clock-offset', timeZone: o.timeZone });

    emit({ type: 'progress', step: 'store', done: 0, total: readings.length });
    let added = 0;
    let duplicates = decoded.length - fresh.length;
    let highWater = o.highWater;
    const batch = o.batchSize ?? 200;
    for (let i = 0; i < readings.length; i += batch) {
      const part = readings.slice(i, i + batch);
      for (const r of part) if (r.sequence !== undefined && (highWater === null || r.sequence > highWater)) highWater = r.sequence;
      const res = await o.store(part, highWater);
      added += res.added;
      duplicates += res.duplicates;
      emit({ type: 'readings', readings: part, highWater });
      emit({ type: 'progress', step: 'store', done: Math.min(i + batch, readings.length), total: readings.length });
    }
    const summary: DownloadSummary = {
      device: config.identity,
      newReadings: added,
      duplicates,
      clock,
      warnings,
      highWater,
      rawBytes: capture.reduce((s, c) => s + c.bytes.length, 0),
      durationMs: o.hostUtcMs() - t0,
    };
    emit({ type: 'summary', summary });
    return { summary, capture };
  } catch (err) {
    throw toDeviceError(err);
  } finally {
    emit({ type: 'progress', step: 'disconnect' });
    try {
      await o.driver.disconnect(link, io);
    } catch {
      // the device may already be gone; closing the link below is what matters
    }
    await o.closeLink(link).catch(() => undefined);
  }
}

function correctAll(decoded: ReturnType<DeviceDriver<unknown>['decode']>, config: DeviceConfig, clock: ClockCorrection): DeviceReading[] {
  // Chronological order settles DST repeats; records without a time keep their order.
  const withWall = decoded.map((r, i) => ({ r, i }));
  let previous = Number.NEGATIVE_INFINITY;
  const out: DeviceReading[] = [];
  for (const { r, i } of withWall) {
    const id = readingId(config.identity.serial, r, i);
    if (!r.deviceTime) {
      out.push({ ...r, id, utcMs: Number.NaN });
      continue;
    }
    const c = correctDeviceTime(r.deviceTime, clock, previous);
    previous = Math.max(previous, c.utcMs);
    out.push({ ...r, id, utcMs: c.utcMs, deviceTimeRaw: formatDeviceTime(r.deviceTime), clockOffsetMs: clock.offsetMs, ...(c.dst ? { dst: c.dst } : {}) });
  }
  return out;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeviceError('timeout', `The device did not answer (${label}) within ${ms} ms.`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
