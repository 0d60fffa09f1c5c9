import type { GattUuid } from '../../../electron/devices/session/links';
import { SimulatedPeripheral, type PeripheralOptions } from './peripheral';

/**
 * The pattern shared by blood-pressure cuffs, thermometers, scales and spot-check
 * oximeters: measurements are indicated; those taken while no collector listened are
 * stored and indicated as soon as one subscribes, oldest first (as the profiles' "stored
 * measurements" behaviour describes).
 */
export interface MeasuringDeviceOptions<M> extends PeripheralOptions {
  /** Measurements already stored on the device. */
  stored?: M[];
  /** Index (0-based) of the stored or taken measurement whose frame is sent truncated by one byte. */
  corruptIndex?: number;
}

export class SimulatedMeasuringDevice<M> extends SimulatedPeripheral {
  private readonly queue: M[];
  private sent = 0;

  constructor(
    private readonly service: GattUuid,
    private readonly characteristic: GattUuid,
    private readonly encode: (m: M) => Uint8Array,
    private readonly opts: MeasuringDeviceOptions<M> = {},
  ) {
    super(opts);
    this.queue = (opts.stored ?? []).slice();
    this.define(service, characteristic, { notifies: true, onSubscribe: () => this.flush() });
  }

  /** Measurements still waiting for a collector. */
  get storedCount(): number {
    return this.queue.length;
  }

  /** Takes a measurement: indicated now if a collector listens, stored otherwise. */
  async measure(m: M): Promise<void> {
    this.queue.push(m);
    await this.flush();
  }

  private async flush(): Promise<void> {
    while (this.queue.length && this.isSubscribed(this.service, this.characteristic)) {
      const frame = this.encode(this.queue[0]!);
      const bytes = this.sent === this.opts.corruptIndex ? frame.subarray(0, frame.length - 1) : frame;
      await this.notify(this.service, this.characteristic, bytes);
      // Dequeued only once indicated: a measurement lost to a disconnect stays stored.
      this.queue.shift();
      this.sent++;
    }
  }
}
