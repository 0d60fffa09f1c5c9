import { decodeCurrentTime, encodeCurrentTime } from '../../../electron/devices/drivers/ble/current-time';
import { fromWallMs } from '../../../electron/devices/drivers/ble/date-time';
import { CHARACTERISTIC, SERVICE } from '../../../electron/devices/drivers/ble/uuids';
import { utf8Bytes } from '../../../electron/devices/drivers/ble/utf8';
import type { DeviceTime } from '../../../electron/devices/drivers/types';
import type { GattUuid } from '../../../electron/devices/session/links';
import { DeviceError } from '../../../electron/devices/session/types';
import { SimulatedPeripheral, type PeripheralOptions } from './peripheral';

/**
 * The pattern shared by blood-pressure cuffs, thermometers, scales and spot-check
 * oximeters: measurements are indicated; those taken while no collector listened are
 * stored and indicated as soon as one subscribes, oldest first (as the profiles' "stored
 * measurements" behaviour describes). A stored measurement leaves the device once its
 * indication went out (the collector's ATT confirmation), not when the collector has kept it.
 *
 * Around that: Device Information (identity), an optional Current Time service (the
 * device clock, which may run off true time by `clockSkewMs`), and `records` generated
 * measurements time-stamped on that clock, so a download can be checked against the
 * true times.
 */
export interface MeasuringDeviceOptions<M> extends PeripheralOptions {
  /** Measurements already stored on the device (as given, without a known true time). */
  stored?: M[];
  /** Generated stored measurements, one per `recordStepMs` grid point, the newest at least an hour before now. */
  records?: number;
  /** Index (0-based) of the stored or taken measurement whose frame is sent truncated by one byte. */
  corruptIndex?: number;
  /** True wall-clock time now (ms as if UTC in the clinic's zone); the simulator has no clock of its own. */
  clock?: () => number;
  /** How far the device clock runs ahead (positive) or behind (negative) true time. */
  clockSkewMs?: number;
  /** Whether the device has the Current Time service (so a collector can read and set its clock). */
  currentTime?: boolean;
  serial?: string;
  model?: string;
  manufacturer?: string;
  firmware?: string;
}

/** A generated measurement: what was sent, and when it was really taken (wall ms as if UTC). */
export interface GeneratedMeasurement<M> {
  measurement: M;
  trueWallMs: number;
  /** The time stamp the device put on it, from its own (maybe skewed) clock. */
  deviceTime: DeviceTime;
}

const HOUR = 3_600_000;
const DEFAULT_NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
/** Stored measurements fall on a fixed wall-clock grid (01:15, 07:15, 13:15, 19:15), so a device opened again later holds the same ones. */
export const RECORD_STEP_MS = 6 * HOUR;
const RECORD_GRID_OFFSET_MS = HOUR + 15 * 60_000;

/** The `n` most recent grid times at least an hour before `nowWallMs`, oldest first. */
export function recordTimes(n: number, nowWallMs: number): number[] {
  const latest = Math.floor((nowWallMs - HOUR - RECORD_GRID_OFFSET_MS) / RECORD_STEP_MS) * RECORD_STEP_MS + RECORD_GRID_OFFSET_MS;
  return Array.from({ length: n }, (_, i) => latest - (n - 1 - i) * RECORD_STEP_MS);
}

export interface MeasuringDeviceProfile<M> {
  service: GattUuid;
  characteristic: GattUuid;
  encode(m: M): Uint8Array;
  /** A deterministic measurement for grid point `k` (true wall ms / step), stamped `time`. */
  generate(k: number, time: DeviceTime): M;
  defaults: { model: string; serial: string };
}

export class SimulatedMeasuringDevice<M> extends SimulatedPeripheral {
  private readonly queue: M[];
  private sent = 0;
  private skewMs: number;
  private readonly clock: () => number;
  /** The generated measurements, oldest first: what a complete download must give back. */
  readonly generated: GeneratedMeasurement<M>[] = [];
  /** When false, stored measurements wait for a Record Access Control Point request instead of a subscription. */
  protected indicateStoredOnSubscribe = true;

  constructor(
    private readonly profile: MeasuringDeviceProfile<M>,
    private readonly opts: MeasuringDeviceOptions<M> = {},
  ) {
    super(opts);
    this.clock = opts.clock ?? (() => DEFAULT_NOW);
    this.skewMs = opts.clockSkewMs ?? 0;
    const dis = (c: GattUuid, s: string) => this.define(SERVICE.deviceInformation, c, { read: () => utf8Bytes(s) });
    dis(CHARACTERISTIC.manufacturerName, opts.manufacturer ?? 'CareLoop Simulated');
    dis(CHARACTERISTIC.modelNumber, opts.model ?? profile.defaults.model);
    dis(CHARACTERISTIC.serialNumber, opts.serial ?? profile.defaults.serial);
    dis(CHARACTERISTIC.firmwareRevision, opts.firmware ?? '2.0.1');
    if (opts.currentTime) {
      this.define(SERVICE.currentTime, CHARACTERISTIC.currentTime, {
        read: () => encodeCurrentTime(this.deviceNow()),
        write: (v) => {
          const t = decodeCurrentTime(v).time;
          if (!t) throw new DeviceError('frame', 'The device refused a Current Time without a date.');
          this.skewMs = Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds) - this.clock();
        },
      });
    }
    this.queue = (opts.stored ?? []).slice();
    for (const trueWallMs of recordTimes(opts.records ?? 0, this.clock())) {
      const deviceTime = fromWallMs(trueWallMs + this.skewMs);
      const measurement = profile.generate(Math.round(trueWallMs / RECORD_STEP_MS), deviceTime);
      this.generated.push({ measurement, trueWallMs, deviceTime });
      this.queue.push(measurement);
    }
    this.define(profile.service, profile.characteristic, { notifies: true, onSubscribe: () => (this.indicateStoredOnSubscribe ? this.flush() : undefined) });
  }

  /** The device's own clock now (true time plus its skew). */
  deviceNow(): DeviceTime {
    return fromWallMs(this.clock() + this.skewMs);
  }

  get clockSkewMs(): number {
    return this.skewMs;
  }

  /** Measurements still waiting for a collector. */
  get storedCount(): number {
    return this.queue.length;
  }

  /** Stored measurements, oldest first (read-only view for the storage procedures of subclasses). */
  protected get storedMeasurements(): readonly M[] {
    return this.queue;
  }

  protected clearStored(): void {
    this.queue.length = 0;
  }

  /** Takes a measurement: indicated now if a collector listens, stored otherwise. */
  async measure(m: M): Promise<void> {
    this.queue.push(m);
    if (this.indicateStoredOnSubscribe) await this.flush();
    else if (this.isSubscribed(this.profile.service, this.profile.characteristic)) {
      this.queue.pop();
      await this.indicate(m);
    }
  }

  /** Indicates one measurement on the measurement characteristic, corrupting the chosen one. */
  protected async indicate(m: M): Promise<void> {
    const frame = this.profile.encode(m);
    const bytes = this.sent === this.opts.corruptIndex ? frame.subarray(0, frame.length - 1) : frame;
    await this.notify(this.profile.service, this.profile.characteristic, bytes);
    this.sent++;
  }

  private async flush(): Promise<void> {
    while (this.queue.length && this.isSubscribed(this.profile.service, this.profile.characteristic)) {
      await this.indicate(this.queue[0]!);
      // Dequeued only once indicated: a measurement lost to a disconnect stays stored.
      this.queue.shift();
    }
  }
}
