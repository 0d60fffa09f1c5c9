import type { DecodedReading, DeviceTime } from '../drivers/types';
import type { ClockCorrection } from './device-clock';

export const DOWNLOAD_STEPS = ['detect', 'connect', 'configure', 'fetch', 'decode', 'store', 'disconnect'] as const;
export type DownloadStep = (typeof DOWNLOAD_STEPS)[number];

export interface DeviceIdentity {
  /** Driver family, e.g. 'contour', 'freestyle', 'ble-glucose'. */
  family: string;
  model: string;
  serial: string;
  firmware?: string;
}

/** Why a download stopped; each has a message a nurse can act on. */
export type DeviceErrorCode =
  | 'unplugged'
  | 'no-permission'
  | 'bluetooth-unavailable'
  | 'unsupported-device'
  | 'checksum'
  | 'frame'
  | 'busy'
  | 'timeout'
  | 'cancelled'
  | 'monitoring-consent-withdrawn';

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    /** What to do about it, e.g. the udev rule to install. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A reading ready to store: deterministic id, raw device time, corrected UTC time and the offset applied. */
export interface DeviceReading extends DecodedReading {
  id: string;
  utcMs: number;
  deviceTimeRaw?: string;
  clockOffsetMs?: number;
  dst?: 'dst-gap' | 'dst-repeat';
}

export interface DeviceConfig {
  identity: DeviceIdentity;
  /** The device's clock as read at the start of the session, when the protocol gives it. */
  deviceNow?: DeviceTime;
  recordCount?: number;
  canSetClock: boolean;
}

/** Raw bytes exactly as they crossed the wire, kept before decoding so a failed download can be replayed. */
export interface RawCaptureEntry {
  dir: 'in' | 'out';
  /** ms since the session started. */
  atMs: number;
  channel: string;
  bytes: Uint8Array;
}

export interface DownloadSummary {
  device: DeviceIdentity;
  newReadings: number;
  duplicates: number;
  clock: ClockCorrection | null;
  warnings: string[];
  /** Highest record sequence now stored for this device. */
  highWater: number | null;
  rawBytes: number;
  durationMs: number;
}

export type DownloadEvent =
  | { type: 'progress'; step: DownloadStep; done?: number; total?: number }
  | { type: 'device'; config: DeviceConfig }
  | { type: 'readings'; readings: DeviceReading[]; highWater: number | null }
  | { type: 'summary'; summary: DownloadSummary };
