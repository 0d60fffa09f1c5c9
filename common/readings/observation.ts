import type { Metric, QualityFlag } from '../../electron/devices/drivers/types';

export type { Metric, QualityFlag };

/** Where a reading came from; rules may require clinical-grade sources. */
export interface ObservationSource {
  kind: 'device' | 'import' | 'manual' | 'ingest' | 'demo';
  /** Clinical devices (meters, cuffs, oximeters) vs consumer wearables and apps. */
  grade: 'clinical' | 'consumer';
  deviceId?: string;
  /** The download session or import that brought it in. */
  sessionId?: string;
}

/**
 * A point reading stored for a patient (DESIGN.md decision 2: one row per point reading;
 * dense series and waveforms live in blocks). Observations are immutable; the id is
 * deterministic (device serial + sequence or device time + metric) so a second download
 * of the same device adds nothing.
 */
export interface Observation {
  id: string;
  clinicId: string;
  patientId: string;
  metric: Metric;
  value: number;
  /** UCUM unit. */
  unit: string;
  /** Corrected UTC time of the measurement, epoch milliseconds. */
  timeMs: number;
  /** Device-local time exactly as reported (ISO-like, no zone), when the device gave one. */
  deviceTimeRaw?: string;
  /** Correction applied to the device clock, in ms (corrected = device + offset). */
  clockOffsetMs?: number;
  source: ObservationSource;
  /** Quality flags: a flagged value is kept and shown, never silently dropped. */
  flags: QualityFlag[];
  /** Readings taken together (a blood-pressure measurement's systolic, diastolic, mean, pulse). */
  groupId?: string;
  /** When it was stored, epoch ms. */
  receivedMs: number;
}
