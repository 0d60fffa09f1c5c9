import type { GattLink, GattUuid } from '../../../electron/devices/session/links';
import { DeviceError } from '../../../electron/devices/session/types';

/**
 * A simulated Bluetooth LE peripheral: a GATT table of characteristics behind the same
 * GattLink interface the noble transport implements. Every exchange on the air counts
 * as one step — a read, a write, a subscribe or unsubscribe, each notification or
 * indication sent — so a test can cut the link at any chosen step: from that step on,
 * everything fails with DeviceError('unplugged') until `reconnect()`. No timers: time
 * moves only when a device's `tick(ms)` is called.
 */
export interface CharacteristicBehaviour {
  read?: () => Uint8Array;
  /** Handles a write; may notify and indicate before it returns (the simulator answers at once). */
  write?: (value: Uint8Array, withResponse: boolean) => Promise<void> | void;
  /** Whether clients may subscribe (notify or indicate). */
  notifies?: boolean;
  /** Called when a client subscribes, e.g. to send stored measurements. */
  onSubscribe?: () => Promise<void> | void;
}

export interface PeripheralOptions {
  /** The 1-based step at which the link drops. */
  disconnectAtStep?: number;
  /** The 1-based notification or indication (counted over all characteristics) that goes out one byte short: a corrupted frame. */
  corruptNotification?: number;
}

const key = (service: GattUuid, characteristic: GattUuid) => `${service.toLowerCase()}/${characteristic.toLowerCase()}`;

export class SimulatedPeripheral implements GattLink {
  /** Steps taken so far (successful or not). */
  steps = 0;
  private disconnected = false;
  private disconnectAt: number | undefined;
  private notifications = 0;
  private readonly corruptAt: number | undefined;
  private readonly table = new Map<string, CharacteristicBehaviour>();
  private readonly subscribers = new Map<string, Set<(value: Uint8Array) => void>>();

  constructor(options: PeripheralOptions = {}) {
    this.disconnectAt = options.disconnectAtStep;
    this.corruptAt = options.corruptNotification;
  }

  /** Adds a characteristic to the GATT table. */
  define(service: GattUuid, characteristic: GattUuid, behaviour: CharacteristicBehaviour): void {
    this.table.set(key(service, characteristic), behaviour);
  }

  get connected(): boolean {
    return !this.disconnected;
  }

  /** Brings the link back (a nurse re-pairs the device); the planned disconnect is used up. */
  reconnect(): void {
    this.disconnected = false;
    this.disconnectAt = undefined;
    this.subscribers.clear();
  }

  /** Plans a drop `n` steps from now (n = 1: the next exchange fails). */
  disconnectAfter(n: number): void {
    this.disconnectAt = this.steps + n;
  }

  /** Drops the link now. */
  disconnect(): void {
    this.disconnected = true;
    this.subscribers.clear();
  }

  protected step(what: string): void {
    this.steps++;
    if (this.disconnectAt !== undefined && this.steps >= this.disconnectAt) this.disconnect();
    if (this.disconnected) throw new DeviceError('unplugged', `The device disconnected (${what}).`);
  }

  private find(service: GattUuid, characteristic: GattUuid): CharacteristicBehaviour {
    const b = this.table.get(key(service, characteristic));
    if (!b) throw new DeviceError('unsupported-device', `The device has no characteristic ${characteristic} in service ${service}.`);
    return b;
  }

  isSubscribed(service: GattUuid, characteristic: GattUuid): boolean {
    return (this.subscribers.get(key(service, characteristic))?.size ?? 0) > 0;
  }

  async read(service: GattUuid, characteristic: GattUuid): Promise<Uint8Array> {
    this.step(`read ${characteristic}`);
    const b = this.find(service, characteristic);
    if (!b.read) throw new DeviceError('unsupported-device', `Characteristic ${characteristic} is not readable.`);
    return b.read().slice();
  }

  async write(service: GattUuid, characteristic: GattUuid, value: Uint8Array, withResponse: boolean): Promise<void> {
    this.step(`write ${characteristic}`);
    const b = this.find(service, characteristic);
    if (!b.write) throw new DeviceError('unsupported-device', `Characteristic ${characteristic} is not writable.`);
    await b.write(value.slice(), withResponse);
  }

  async subscribe(service: GattUuid, characteristic: GattUuid, onValue: (value: Uint8Array) => void): Promise<() => Promise<void>> {
    this.step(`subscribe ${characteristic}`);
    const b = this.find(service, characteristic);
    if (!b.notifies) throw new DeviceError('unsupported-device', `Characteristic ${characteristic} does not notify.`);
    const k = key(service, characteristic);
    const set = this.subscribers.get(k) ?? new Set();
    this.subscribers.set(k, set);
    set.add(onValue);
    await b.onSubscribe?.();
    return async () => {
      this.step(`unsubscribe ${characteristic}`);
      this.subscribers.get(k)?.delete(onValue);
    };
  }

  /** Sends a notification or indication to every subscriber (one step), synchronously. */
  notifyNow(service: GattUuid, characteristic: GattUuid, value: Uint8Array): void {
    this.step(`notify ${characteristic}`);
    this.notifications++;
    const sent = this.notifications === this.corruptAt ? value.subarray(0, Math.max(0, value.length - 1)) : value;
    for (const fn of [...(this.subscribers.get(key(service, characteristic)) ?? [])]) fn(sent.slice());
  }

  /** As notifyNow, then yields so the client's handlers (and any writes they make) run before the next value. */
  async notify(service: GattUuid, characteristic: GattUuid, value: Uint8Array): Promise<void> {
    this.notifyNow(service, characteristic, value);
    await Promise.resolve();
  }
}
