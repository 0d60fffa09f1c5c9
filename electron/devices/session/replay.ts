import { CCCD_DISABLED, CCCD_ENABLED, cccdChannel } from '../drivers/ble/gatt-capture';
import type { DeviceDriver } from './driver';
import type { GattLink, GattUuid, HidLink } from './links';
import { runDownload } from './run-download';
import { DeviceError, type DeviceReading, type DownloadSummary, type RawCaptureEntry } from './types';

/**
 * Replays a session's raw capture through its driver: links that answer from the capture
 * instead of a device, so a failed download can be examined, decoded again by a newer
 * driver, and kept as a test fixture.
 *
 * Channels as the drivers name them: HID meters use one channel, 'hid'; GATT drivers name
 * each entry after its characteristic UUID ('2a35'), reads and notifications as 'in',
 * writes as 'out', and subscriptions as writes of the configuration descriptor on
 * '<characteristic>/2902' (drivers/ble/gatt-capture.ts).
 *
 * The end of the capture is where the recorded session stopped. A complete GATT session
 * ends by letting go of its subscriptions, so a read, a write or a subscription with
 * nothing after it in the capture, or an unsubscription the capture does not hold, fails
 * as the device being gone, which is how the recorded session ended. A HID read past the
 * end fails the same way.
 */

/** The host did not do what the capture records: the driver changed, or the capture belongs to another driver. */
export class ReplayDivergenceError extends DeviceError {
  constructor(
    /** 0-based index of the capture entry where the replay left the recorded conversation. */
    readonly entryIndex: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('frame', `The replay left the capture at entry ${entryIndex + 1}: the driver ${actual}, where the capture has ${expected}.`, 'Replay the capture with the driver that recorded it.');
  }
}

const MAX_HEX = 24;

function hexOf(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, MAX_HEX), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > MAX_HEX ? `${shown} …` : shown;
}

function describeEntry(e: RawCaptureEntry | undefined): string {
  if (!e) return 'the end of the capture';
  return `${e.dir === 'in' ? 'a value received' : 'a value sent'} on ${e.channel} (${hexOf(e.bytes)})`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Walks a capture in order; shared by both replay links. */
class CaptureCursor {
  private at = 0;

  constructor(private readonly entries: readonly RawCaptureEntry[]) {}

  get position(): number {
    return this.at;
  }

  get remaining(): number {
    return this.entries.length - this.at;
  }

  peek(): RawCaptureEntry | undefined {
    return this.entries[this.at];
  }

  take(): RawCaptureEntry {
    const e = this.entries[this.at];
    if (!e) throw this.ended('read past the end');
    this.at++;
    return e;
  }

  ended(what: string): DeviceError {
    return new DeviceError('unplugged', `The capture ends here (${what}): the recorded session lost the device at this point.`);
  }

  /** Takes the next entry if it is exactly this write; a divergence otherwise. */
  expectWrite(channel: string, bytes: Uint8Array): void {
    const next = this.peek();
    if (!next) throw this.ended(`write on ${channel}`);
    const actual = `sent ${hexOf(bytes)} on ${channel}`;
    if (next.dir !== 'out' || next.channel !== channel || !sameBytes(next.bytes, bytes)) throw new ReplayDivergenceError(this.at, describeEntry(next), actual);
    this.at++;
  }
}

/** A HID device answering reads with the captured input reports, in order, and checking every output report against the capture. */
export class ReplayHidLink implements HidLink {
  private readonly cursor: CaptureCursor;

  constructor(
    capture: readonly RawCaptureEntry[],
    private readonly channel = 'hid',
  ) {
    this.cursor = new CaptureCursor(capture);
  }

  /** Capture entries not yet replayed. */
  get remaining(): number {
    return this.cursor.remaining;
  }

  async write(report: Uint8Array): Promise<void> {
    this.cursor.expectWrite(this.channel, report);
  }

  async read(): Promise<Uint8Array> {
    const next = this.cursor.peek();
    if (!next) throw this.cursor.ended('read');
    if (next.dir !== 'in' || next.channel !== this.channel) throw new ReplayDivergenceError(this.cursor.position, describeEntry(next), `read on ${this.channel}`);
    return this.cursor.take().bytes.slice();
  }
}

/** A GATT peripheral answering from the capture: reads from 'in' entries, writes checked against 'out' entries, notifications delivered as they were received. */
export class ReplayGattLink implements GattLink {
  private readonly cursor: CaptureCursor;
  private readonly handlers = new Map<GattUuid, Set<(value: Uint8Array) => void>>();

  constructor(capture: readonly RawCaptureEntry[]) {
    this.cursor = new CaptureCursor(capture);
  }

  get remaining(): number {
    return this.cursor.remaining;
  }

  /** Delivers the captured values that arrived on subscribed characteristics next, as the device sent them. */
  private deliver(): void {
    for (let next = this.cursor.peek(); next && next.dir === 'in' && this.handlers.get(next.channel)?.size; next = this.cursor.peek()) {
      const e = this.cursor.take();
      for (const fn of [...(this.handlers.get(e.channel) ?? [])]) fn(e.bytes.slice());
    }
  }

  async read(_service: GattUuid, characteristic: GattUuid): Promise<Uint8Array> {
    const next = this.cursor.peek();
    if (!next) throw this.cursor.ended(`read ${characteristic}`);
    // A read the capture does not hold failed in the recorded session: the device lacks that characteristic.
    if (next.dir !== 'in' || next.channel !== characteristic) throw new DeviceError('unsupported-device', `The recorded device did not answer a read of ${characteristic}.`);
    return this.cursor.take().bytes.slice();
  }

  /** A write the capture holds next; with nothing after it, the recorded session lost the device there. */
  private sent(channel: string, value: Uint8Array): void {
    this.cursor.expectWrite(channel, value);
    if (this.cursor.remaining === 0) throw this.cursor.ended(`answer to a write on ${channel}`);
  }

  async write(_service: GattUuid, characteristic: GattUuid, value: Uint8Array): Promise<void> {
    this.sent(characteristic, value);
    this.deliver();
  }

  async subscribe(_service: GattUuid, characteristic: GattUuid, onValue: (value: Uint8Array) => void): Promise<() => Promise<void>> {
    this.sent(cccdChannel(characteristic), CCCD_ENABLED);
    const set = this.handlers.get(characteristic) ?? new Set();
    this.handlers.set(characteristic, set);
    set.add(onValue);
    this.deliver();
    return async () => {
      set.delete(onValue);
      if (this.cursor.remaining === 0) throw this.cursor.ended(`unsubscribe ${characteristic}`);
      this.cursor.expectWrite(cccdChannel(characteristic), CCCD_DISABLED);
    };
  }
}

export interface ReplayOptions {
  capture: readonly RawCaptureEntry[];
  /** Host time and zone of the replayed session: they set the clock comparison, so pass the original's to get the same UTC times. */
  hostUtcMs: number;
  timeZone: string;
  highWater?: number | null;
  timeoutMs?: number;
}

export interface ReplayResult {
  /** Readings the replayed session stored, in order (a failed session stores none: decoding follows a complete fetch). */
  readings: DeviceReading[];
  summary?: DownloadSummary;
  failure?: DeviceError;
  /** What the replayed session captured; equal to the input (up to timing) when the driver behaved as recorded. */
  capture: RawCaptureEntry[];
  /** Capture entries the replay did not reach. */
  unreplayed: number;
}

/** Runs a driver over a replay link through the ordinary session; a failure is returned, not thrown. */
export async function replaySession<L extends HidLink | GattLink>(driver: DeviceDriver<L>, link: L & { readonly remaining: number }, o: ReplayOptions): Promise<ReplayResult> {
  const readings: DeviceReading[] = [];
  const ids = new Set<string>();
  const capture: RawCaptureEntry[] = [];
  try {
    const { summary } = await runDownload<L>({
      driver,
      openLink: async () => link,
      closeLink: async () => undefined,
      highWater: o.highWater ?? null,
      hostUtcMs: () => o.hostUtcMs,
      timeZone: o.timeZone,
      timeoutMs: o.timeoutMs ?? 1000,
      retries: 0,
      captureInto: capture,
      store: async (batch) => {
        let added = 0;
        for (const r of batch) {
          if (ids.has(r.id)) continue;
          ids.add(r.id);
          readings.push(r);
          added++;
        }
        return { added, duplicates: batch.length - added };
      },
    });
    return { readings, summary, capture, unreplayed: link.remaining };
  } catch (err) {
    const failure = err instanceof DeviceError ? err : new DeviceError('unplugged', err instanceof Error ? err.message : String(err));
    return { readings, failure, capture, unreplayed: link.remaining };
  }
}
