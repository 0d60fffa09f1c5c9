import type { Migration } from './index';

export const migration002: Migration = {
  version: 2,
  description: 'observations (point readings), time-series blocks and rollup blocks',
  stores: {
    // Immutable point readings; ids are deterministic so a repeated download adds nothing.
    observations: 'id, [patientId+metric+timeMs], [patientId+timeMs], timeMs',
    // Dense series and waveforms: one row per patient × metric × time window, typed-array values.
    seriesBlocks: 'key, [patientId+metric+startMs]',
    // Rollups (count, min, max, sum per minute / hour / day) in blocks, kept on write.
    rollups: 'key, [patientId+metric+resolution+startMs]',
  },
};
