import type { HidLink } from '../../../electron/devices/session/links';
import { DeviceError } from '../../../electron/devices/session/types';

export interface HidFaults {
  /** The cable is pulled at this link call (1-based, counting every write and read): it and every later call reject with 'unplugged'. */
  disconnectAtStep?: number;
}

/**
 * A meter behind a HID link, driven only by what the host writes: deterministic, no timers.
 * A read with nothing to send rejects at once with DeviceError('timeout'), so nothing hangs.
 */
export abstract class SimulatedHidLink implements HidLink {
  private readonly outbox: Uint8Array[] = [];
  /** Link calls made so far (writes and reads). */
  steps = 0;

  constructor(private readonly faults: HidFaults = {}) {}

  get unplugged(): boolean {
    return this.faults.disconnectAtStep !== undefined && this.steps >= this.faults.disconnectAtStep;
  }

  async write(report: Uint8Array): Promise<void> {
    this.step();
    this.receive(report.slice());
  }

  async read(timeoutMs: number): Promise<Uint8Array> {
    this.step();
    const next = this.outbox.shift();
    if (!next) throw new DeviceError('timeout', `The simulated meter had nothing to send within ${timeoutMs} ms.`);
    return next;
  }

  /** Queues input reports for the host to read. */
  protected queue(...reports: Uint8Array[]): void {
    this.outbox.push(...reports);
  }

  /** Reports the meter has queued and the host has not read. */
  get queued(): number {
    return this.outbox.length;
  }

  /** Handles one output report from the host. */
  protected abstract receive(report: Uint8Array): void;

  private step(): void {
    this.steps++;
    if (this.unplugged) throw new DeviceError('unplugged', 'The meter was unplugged.', 'Plug the meter in again and restart the download.');
  }
}
