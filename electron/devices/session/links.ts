/**
 * The wire a driver speaks, as small interfaces. Transports (node-hid, noble) and the
 * byte-faithful simulators both implement these, so a driver never knows which it has.
 */

/** A USB HID device exchanging fixed-size reports (64 bytes for the meters CareLoop reads). */
export interface HidLink {
  /** Sends one output report (without the report-id byte; the transport adds it where the OS needs it). */
  write(report: Uint8Array): Promise<void>;
  /** Waits for the next input report; rejects with a DeviceError('timeout') after `timeoutMs`. */
  read(timeoutMs: number): Promise<Uint8Array>;
}

/** UUIDs as lower-case hex: 16-bit SIG numbers as 4 digits ('2a18'), vendor UUIDs in full. */
export type GattUuid = string;

/** A connected Bluetooth LE peripheral's GATT characteristics. */
export interface GattLink {
  read(service: GattUuid, characteristic: GattUuid): Promise<Uint8Array>;
  write(service: GattUuid, characteristic: GattUuid, value: Uint8Array, withResponse: boolean): Promise<void>;
  /** Enables notifications or indications; the returned function turns them off again. */
  subscribe(service: GattUuid, characteristic: GattUuid, onValue: (value: Uint8Array) => void): Promise<() => Promise<void>>;
}
