import type { RollupResolution } from './layout';
import type { RollupArrays } from './rollup-math';

/** The stored shapes of series blocks and rollups, apart from the store so the schema can name them. */
/** A contiguous run of regularly sampled values (a waveform segment). */
export interface WaveSegment {
  startMs: number;
  fs: number;
  values: Float32Array;
}

export interface SeriesBlockRow {
  key: string;
  patientId: string;
  metric: string;
  kind: 'waveform' | 'points';
  startMs: number;
  /** Waveform blocks: segments in time order. */
  segments?: WaveSegment[];
  /** Point blocks: sample times (epoch ms, ascending, unique) and values. */
  times?: Float64Array;
  values?: Float32Array;
  sampleCount: number;
}

export interface RollupRow extends RollupArrays {
  key: string;
  patientId: string;
  metric: string;
  resolution: RollupResolution;
  startMs: number;
}
