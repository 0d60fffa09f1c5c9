import { runInChromium } from './in-browser';
import type { BenchSection } from './report';

interface Result {
  blockSamples: number;
  blockMs: number;
  naiveSamples: number;
  naiveMs: number;
  rollupReadMs: number;
  rollupPoints: number;
}

/** Block storage of a 500 Hz ECG into Chromium's IndexedDB against one row per sample, in the same run. */
export async function benchSeries(): Promise<BenchSection> {
  const r = await runInChromium<Result>('test/bench/browser/series-bench.entry.ts', '__seriesBench');
  const blockRate = (r.blockSamples / r.blockMs) * 1000;
  const naiveRate = (r.naiveSamples / r.naiveMs) * 1000;
  return {
    title: 'Time-series block storage in Chromium IndexedDB (issue #6)',
    method: `A 500 Hz ECG written in 10-second chunks through SeriesStore (10-second blocks, rollups per minute, hour and day kept in the same transaction): ${r.blockSamples.toLocaleString('en-US')} samples. Baseline: the same chunks as one IndexedDB row per sample (Dexie bulkAdd), ${r.naiveSamples.toLocaleString('en-US')} samples, same browser, same run.`,
    figures: [
      { name: 'block storage', value: Math.round(blockRate), unit: 'samples/s', target: '≥ 1,000,000 samples/s', met: blockRate >= 1_000_000 },
      { name: 'one row per sample (baseline)', value: Math.round(naiveRate), unit: 'samples/s' },
      { name: 'speed-up over baseline', value: Math.round((blockRate / naiveRate) * 10) / 10, unit: '×' },
      { name: `read ${r.rollupPoints} minute rollups of 2 h`, value: Math.round(r.rollupReadMs * 10) / 10, unit: 'ms' },
    ],
  };
}
