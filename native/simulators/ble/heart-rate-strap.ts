import { CHARACTERISTIC, SERVICE } from '../../../electron/devices/drivers/ble/uuids';
import { encodeHeartRateMeasurement, type HeartRateFrame } from './frames';
import { SimulatedPeripheral, type PeripheralOptions } from './peripheral';

/**
 * A chest strap (Heart Rate Service 1.0): one Heart Rate Measurement notification per
 * second of simulated time, carrying the RR intervals of the beats that ended in that
 * second (1/1024 s units, as straps send them). Time moves only through `tick(ms)`.
 */
export interface HeartRateStrapOptions extends PeripheralOptions {
  /** Beat-to-beat intervals in ms, played in a loop; the reported rate is 60000 / the mean of the last second's intervals. */
  rrMs?: number[];
  /** Used when `rrMs` is not given: a steady rate. */
  bpm?: number;
  sensorContact?: HeartRateFrame['sensorContact'];
  /** Adds the Energy Expended field, accumulating at this rate. */
  energyKjPerMinute?: number;
  uint16?: boolean;
}

export class SimulatedHeartRateStrap extends SimulatedPeripheral {
  private readonly rr: number[];
  private beat = 0;
  /** Simulated ms since start; the next beat ends at `nextBeatAt`, the next notification at `nextNotifyAt`. */
  private now = 0;
  private nextBeatAt: number;
  private nextNotifyAt = 1000;
  private pending: number[] = [];
  private lastBpm: number;
  private energyKj = 0;
  sensorContact: HeartRateFrame['sensorContact'];

  constructor(private readonly options: HeartRateStrapOptions = {}) {
    super(options);
    this.rr = options.rrMs?.length ? options.rrMs.slice() : [60_000 / (options.bpm ?? 60)];
    if (this.rr.some((x) => !(x > 0))) throw new RangeError('RR intervals must be positive');
    this.nextBeatAt = this.rr[0]!;
    this.lastBpm = Math.round(60_000 / this.rr[0]!);
    this.sensorContact = options.sensorContact ?? 'detected';
    this.define(SERVICE.heartRate, CHARACTERISTIC.heartRateMeasurement, { notifies: true });
    this.define(SERVICE.heartRate, '2a38', { read: () => Uint8Array.of(1) }); // body sensor location: chest
  }

  /** Advances simulated time, sending the notifications that fall due. */
  tick(ms: number): void {
    const until = this.now + ms;
    while (Math.min(this.nextBeatAt, this.nextNotifyAt) <= until) {
      if (this.nextBeatAt <= this.nextNotifyAt) {
        this.now = this.nextBeatAt;
        this.pending.push(this.rr[this.beat % this.rr.length]!);
        this.beat++;
        this.nextBeatAt += this.rr[this.beat % this.rr.length]!;
      } else {
        this.now = this.nextNotifyAt;
        this.nextNotifyAt += 1000;
        this.send();
      }
    }
    this.now = until;
  }

  private send(): void {
    if (this.pending.length) this.lastBpm = Math.round(60_000 / (this.pending.reduce((a, b) => a + b, 0) / this.pending.length));
    if (this.options.energyKjPerMinute !== undefined) this.energyKj = Math.min(0xffff, this.energyKj + this.options.energyKjPerMinute / 60);
    const frame: HeartRateFrame = {
      heartRate: this.lastBpm,
      sensorContact: this.sensorContact,
      ...(this.options.uint16 ? { uint16: true } : {}),
      ...(this.options.energyKjPerMinute !== undefined ? { energyExpendedKj: Math.floor(this.energyKj) } : {}),
      // Straps send at most what fits a 20-byte notification: nine intervals.
      ...(this.pending.length ? { rrIntervals1024: this.pending.slice(-9).map((ms) => Math.round((ms * 1024) / 1000)) } : {}),
    };
    this.pending = [];
    if (this.isSubscribed(SERVICE.heartRate, CHARACTERISTIC.heartRateMeasurement)) this.notifyNow(SERVICE.heartRate, CHARACTERISTIC.heartRateMeasurement, encodeHeartRateMeasurement(frame));
  }
}
