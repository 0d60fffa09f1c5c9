import { Decoder, Stream } from '@garmin/fitsdk';
import { BatchSink, DEFAULT_BATCH_SIZE } from '../batch-sink';
import { ImportError } from '../errors';
import { readingKey } from '../reading-key';
import type { CancelSignal, ImportBatch } from '../types';

/**
 * FIT files larger than this are refused: Garmin's decoder reads a whole file from one
 * buffer (FIT files are a day of monitoring or one activity: kilobytes to a few megabytes).
 */
export const MAX_FIT_BYTES = 64 * 1024 * 1024;

/** Seconds between the Unix epoch and the FIT epoch, 1989-12-31T00:00:00Z (FIT protocol, "date_time"). */
const FIT_EPOCH_S = 631_065_600;
/** HRV windows: SDNN over five minutes of beat intervals, as in short-term HRV (Task Force 1996). */
const HRV_WINDOW_MS = 300_000;
const HRV_MIN_BEATS = 30;
const ASLEEP = new Set(['light', 'deep', 'rem']);
/** Global message numbers (FIT Profile, mesg_num): file_id, record, monitoring, hrv, sleep_level. */
const MESG = { fileId: 0, record: 20, monitoring: 55, hrv: 78, sleepLevel: 275 } as const;

type FitValue = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const dateMs = (v: unknown) => (v instanceof Date && Number.isFinite(v.getTime()) ? v.getTime() : num(v) !== undefined ? (num(v)! + FIT_EPOCH_S) * 1000 : undefined);

/**
 * Readings from a FIT file (Garmin and other devices) decoded with Garmin's FIT SDK:
 * heart rate from record (activity) and monitoring messages (monitoring_b files write most
 * heart rates with a 16-bit timestamp relative to the last full one), HRV as SDNN per five
 * minutes from hrv beat intervals, and sleep from sleep_level messages (each level lasts
 * until the next). The file's CRC is checked before anything is read from it, so a cut or
 * altered file imports nothing.
 */
export async function* parseFit(chunks: AsyncIterable<Uint8Array>, options: { signal?: CancelSignal; batchSize?: number } = {}): AsyncGenerator<ImportBatch> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImportError('cancelled', 'import cancelled');
    size += chunk.length;
    if (size > MAX_FIT_BYTES) throw new ImportError('malformed', `a FIT file larger than ${MAX_FIT_BYTES / 1_048_576} MB is not accepted`, { byte: MAX_FIT_BYTES });
    parts.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  parts.length = 0;
  checkFile(bytes);

  const sink = new BatchSink(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const reader = new FitReadings(sink);
  const { errors } = new Decoder(Stream.fromByteArray(bytes)).read({ mesgListener: (mesgNum: number, mesg: object) => reader.message(mesgNum, mesg as FitValue), mergeHeartRates: false });
  if (errors.length) throw new ImportError('malformed', `the FIT file cannot be decoded: ${errors[0] instanceof Error ? errors[0].message : 'unknown error'}`, { record: reader.messages });
  reader.end();
  yield* sink.drain(size, true);
}

/** Header and CRC (FIT protocol: 12- or 14-byte header, ".FIT", data size, CRC-16 at the end). */
function checkFile(bytes: Uint8Array): void {
  const stream = Stream.fromByteArray(bytes);
  if (bytes.length < 12 || !Decoder.isFIT(stream)) throw new ImportError('unrecognised-format', 'not a FIT file (no ".FIT" header)', { byte: 0 });
  const headerSize = bytes[0]!;
  const dataSize = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  if (bytes.length < headerSize + dataSize + 2) throw new ImportError('truncated', `the FIT file is cut short: ${bytes.length} of ${headerSize + dataSize + 2} bytes`, { byte: bytes.length });
  if (!new Decoder(Stream.fromByteArray(bytes)).checkIntegrity()) throw new ImportError('malformed', 'the FIT file fails its CRC check (altered or damaged)');
}

class FitReadings {
  messages = 0;
  private source: string | undefined;
  private lastTimestampS: number | undefined;
  private rr: number[] = [];
  private rrWindow: number | undefined;
  private sleep: { startMs: number; level: string } | undefined;

  constructor(private readonly sink: BatchSink) {}

  message(mesgNum: number, m: FitValue): void {
    this.messages++;
    const position = { record: this.messages };
    const ts = dateMs(m.timestamp);
    if (ts !== undefined) this.lastTimestampS = Math.floor(ts / 1000) - FIT_EPOCH_S;
    switch (mesgNum) {
      case MESG.fileId: {
        const maker = typeof m.manufacturer === 'string' ? m.manufacturer : String(m.manufacturer ?? 'unknown');
        const product = typeof m.garminProduct === 'string' ? m.garminProduct : typeof m.productName === 'string' ? m.productName : m.product !== undefined ? String(m.product) : undefined;
        this.source = `${maker}${product ? ` ${product}` : ''}${m.serialNumber !== undefined ? ` #${String(m.serialNumber)}` : ''}`;
        this.sink.source({ app: 'FIT file', device: this.source });
        return;
      }
      case MESG.record:
      case MESG.monitoring:
        return this.heartRate(m, ts, position);
      case MESG.hrv:
        return this.beats(m);
      case MESG.sleepLevel:
        return this.sleepLevel(m, ts, position);
    }
  }

  end(): void {
    this.flushHrv();
    // The last sleep level has no end: it is not counted.
    if (this.sleep && ASLEEP.has(this.sleep.level)) this.sink.skip('last sleep level has no end time', { record: this.messages });
  }

  private heartRate(m: FitValue, ts: number | undefined, position: { record: number }): void {
    const bpm = num(m.heartRate);
    if (bpm === undefined) return;
    let timeMs = ts;
    const t16 = num(m.timestamp16);
    if (timeMs === undefined && t16 !== undefined && this.lastTimestampS !== undefined) {
      // FIT protocol, compressed timestamps: the low 16 bits roll over from the last full timestamp.
      const full = this.lastTimestampS + ((t16 - (this.lastTimestampS & 0xffff)) & 0xffff);
      this.lastTimestampS = full;
      timeMs = (full + FIT_EPOCH_S) * 1000;
    }
    if (timeMs === undefined) return this.sink.skip('heart rate without a timestamp', position);
    if (bpm === 0 || bpm === 255) return this.sink.skip('heart rate not measured (0 or invalid)', position);
    this.sink.add({ kind: 'point', key: readingKey('fit', this.source, 'heart-rate', timeMs), metric: 'heart-rate', value: bpm, unit: '/min', timeMs, flags: [], ...(this.source ? { source: this.source } : {}) });
  }

  private beats(m: FitValue): void {
    if (this.lastTimestampS === undefined || !Array.isArray(m.time)) return;
    const window = Math.floor(((this.lastTimestampS + FIT_EPOCH_S) * 1000) / HRV_WINDOW_MS) * HRV_WINDOW_MS;
    if (this.rrWindow !== undefined && window !== this.rrWindow) this.flushHrv();
    this.rrWindow = window;
    // Beat intervals in seconds; 65.535 marks an invalid one. Physiological range 0.3–2.0 s.
    for (const s of m.time) if (typeof s === 'number' && s >= 0.3 && s <= 2) this.rr.push(s * 1000);
  }

  private flushHrv(): void {
    const rr = this.rr;
    const window = this.rrWindow;
    this.rr = [];
    if (window === undefined || rr.length === 0) return;
    if (rr.length < HRV_MIN_BEATS) return this.sink.skip(`HRV window with fewer than ${HRV_MIN_BEATS} valid beat intervals`, { record: this.messages });
    const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
    const sdnn = Math.sqrt(rr.reduce((a, b) => a + (b - mean) ** 2, 0) / (rr.length - 1));
    this.sink.add({ kind: 'point', key: readingKey('fit', this.source, 'hrv-sdnn', window), metric: 'hrv-sdnn', value: sdnn, unit: 'ms', timeMs: window, endMs: window + HRV_WINDOW_MS, flags: [], ...(this.source ? { source: this.source } : {}) });
  }

  private sleepLevel(m: FitValue, ts: number | undefined, position: { record: number }): void {
    if (ts === undefined) return this.sink.skip('sleep level without a timestamp', position);
    const prev = this.sleep;
    if (prev && ts > prev.startMs) {
      if (ASLEEP.has(prev.level)) {
        this.sink.add({ kind: 'point', key: readingKey('fit', this.source, 'sleep-duration', prev.startMs, ts), metric: 'sleep-duration', value: (ts - prev.startMs) / 3_600_000, unit: 'h', timeMs: prev.startMs, endMs: ts, flags: [], ...(this.source ? { source: this.source } : {}) });
      } else this.sink.skip(`sleep level ${prev.level}: not asleep`, position);
    }
    this.sleep = { startMs: ts, level: typeof m.sleepLevel === 'string' ? m.sleepLevel : String(m.sleepLevel ?? 'unknown') };
  }
}
