import type { RpmBenchResult } from './browser/rpm-worklist-bench.entry';
import { runInChromium } from './in-browser';
import type { BenchSection } from './report';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

/** The remote-monitoring worklist (days with readings per 30-day period, minutes per month, codes) in Chromium IndexedDB. */
export async function benchRpmWorklist(): Promise<BenchSection> {
  const r = await runInChromium<RpmBenchResult>('test/bench/browser/rpm-worklist-bench.entry.ts', '__rpmBench');
  return {
    title: 'Remote-monitoring worklist in Chromium IndexedDB (issue #7)',
    method: `${r.patients} patients enrolled 45 days ago (so in their second 30-day period), ${r.observations.toLocaleString('en-US')} blood-pressure observations over 60 days, ${r.wearers} of them with minute heart rate from a wearable (${r.wearableSamples.toLocaleString('en-US')} samples in day blocks), two time-log entries each. rpmWorklist() builds every row in one read transaction (30-day reading strip from the period's observations via the [patientId+timeMs] index and from series blocks, minutes this month, codes met); three runs each in America/Chicago (UTC-day series blocks straddle local midnight and are read) and in UTC (series blocks counted from their index keys only). ${r.rows} rows, mean ${round(r.meanDays)} days with readings.`,
    figures: [
      { name: `worklist of ${r.rows}, America/Chicago, first run`, value: Math.round(r.chicagoMs[0]!), unit: 'ms' },
      { name: `worklist of ${r.rows}, America/Chicago, median of 3`, value: Math.round(median(r.chicagoMs)), unit: 'ms' },
      { name: `worklist of ${r.rows}, UTC, median of 3`, value: Math.round(median(r.utcMs)), unit: 'ms' },
    ],
  };
}
