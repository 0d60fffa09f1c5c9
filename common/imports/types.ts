import type { Metric, QualityFlag } from '../readings/observation';
import type { ImportPosition } from './errors';

/**
 * What an importer can produce: CareLoop's metrics, plus two that the Metric type does not
 * have (resting heart rate, sleep duration), which the store keeps as series only.
 */
export type SeriesOnlyMetric = 'resting-heart-rate' | 'sleep-duration';
export type ImportMetric = Metric | SeriesOnlyMetric;

/** A normalised reading from a file: canonical UCUM unit, UTC time, and a key that names it for good. */
export interface ImportedPoint {
  kind: 'point';
  /**
   * Source + metric + time (+ end of an interval): the same reading in a re-exported file gets
   * the same key, so a re-import adds nothing (see readingKey).
   */
  key: string;
  metric: ImportMetric;
  value: number;
  unit: string;
  timeMs: number;
  /** End of an interval reading (steps counted over minutes, a sleep stage). */
  endMs?: number;
  /** Local wall time exactly as the file wrote it, when it wrote one. */
  deviceTimeRaw?: string;
  /** Readings taken together (a blood pressure's systolic and diastolic). */
  groupKey?: string;
  flags: QualityFlag[];
  /** The app or device that recorded it, as the file names it (provenance). */
  source?: string;
}

/** A regularly sampled recording (an ECG): consecutive pieces of one recording share `key`. */
export interface ImportedWaveform {
  kind: 'waveform';
  key: string;
  metric: 'ecg';
  unit: 'uV';
  startMs: number;
  fs: number;
  values: Float32Array;
  source?: string;
}

export type ImportedReading = ImportedPoint | ImportedWaveform;

/** Records left out, counted per reason, with the first place each reason applied. */
export interface SkipTally {
  reason: string;
  count: number;
  first: ImportPosition;
}

/** An app or device the file says recorded its readings. */
export interface ImportSource {
  app?: string;
  device?: string;
}

/** One batch from a parser: a few thousand readings at most, never the whole file. */
export interface ImportBatch {
  readings: ImportedReading[];
  skipped: SkipTally[];
  sources: ImportSource[];
  /** Input bytes consumed so far (progress). */
  bytesRead: number;
}

/** The smallest part of AbortSignal the importers need (the pure build has no DOM types). */
export interface CancelSignal {
  readonly aborted: boolean;
}

export type ImportFormat = 'apple-health' | 'csv' | 'open-mhealth' | 'fit' | 'fitbit';
