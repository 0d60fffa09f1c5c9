import type { DecodedReading, DeviceTime } from '../drivers/types';
import type { DeviceConfig } from './types';

/** What a driver may do with the wire during a session: every call is timed out, retried and captured. */
export interface SessionIo {
  /** Runs one transport call with the session's timeout and bounded retries for transient failures. */
  call<T>(label: string, fn: () => Promise<T>, options?: { timeoutMs?: number; retries?: number }): Promise<T>;
  /** Records raw bytes as they crossed the wire (the session keeps them compressed). */
  capture(dir: 'in' | 'out', channel: string, bytes: Uint8Array): void;
  readonly cancelled: boolean;
}

/** Records as fetched, before decoding; kept so decoding can be re-run on the raw capture. */
export interface FetchedRecords {
  records: Uint8Array[];
}

/**
 * One lifecycle for every device family (after Tidepool Uploader's): connect, read the
 * configuration, fetch raw records from a high-water mark, decode, disconnect. `L` is the
 * transport link the family speaks (HID reports, GATT characteristics). The session runner
 * calls these in order and always calls disconnect.
 */
export interface DeviceDriver<L> {
  family: string;
  /** Wakes the device and opens its protocol (init sequences, ENQ, subscriptions). */
  connect(link: L, io: SessionIo): Promise<void>;
  readConfig(link: L, io: SessionIo): Promise<DeviceConfig>;
  /** Fetches raw records newer than `highWater` (a record sequence) where the protocol can filter; all otherwise. */
  fetch(link: L, io: SessionIo, highWater: number | null, onProgress: (done: number, total?: number) => void): Promise<FetchedRecords>;
  decode(fetched: FetchedRecords): DecodedReading[];
  /** Sets the device clock where the protocol allows it. */
  setClock?(link: L, io: SessionIo, now: DeviceTime): Promise<void>;
  disconnect(link: L, io: SessionIo): Promise<void>;
}
