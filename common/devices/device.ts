import type { DeviceTarget } from '../contract/main-api';
import type { SyncedRow } from '../sync/stamped';

/** A device paired to a patient: what it is and how this clinic reaches it. */
export interface PairedDevice extends SyncedRow {
  patientId: string;
  family: string;
  model: string;
  serial: string;
  /** What staff call it, e.g. "Contour Next USB". */
  label: string;
  target: DeviceTarget;
  /** Clinical devices (meters, cuffs, oximeters) or consumer wearables. */
  grade: 'clinical' | 'consumer';
  lastDownloadMs?: number;
}

export type DownloadOutcome = 'completed' | 'failed' | 'refused';

/**
 * One download session, immutable once written: who ran it, what came of it, and the raw
 * bytes (gzipped capture file) so a failed session can be replayed.
 */
export interface DeviceSession {
  id: string;
  clinicId: string;
  deviceId: string;
  patientId: string;
  actor: string;
  startedMs: number;
  endedMs: number;
  outcome: DownloadOutcome;
  newReadings: number;
  duplicates: number;
  clockOffsetMs: number | null;
  clockSkewed: boolean;
  warnings: string[];
  highWater: number | null;
  error?: { code: string; message: string; hint?: string };
  capture?: { gzipBase64: string; entries: number; bytes: number };
}
