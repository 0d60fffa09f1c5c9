import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseAppleHealth } from '../../common/imports/apple-health/parse-apple-health';
import type { BenchSection } from './report';

const TARGET_BYTES = 50 * 1024 * 1024;
const DEVICE = '&lt;&lt;HKDevice: 0x283b5c0a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1&gt;';

const pad = (n: number) => String(n).padStart(2, '0');
function appleDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function record(type: string, unit: string, value: string, startMs: number, endMs = startMs): string {
  const s = appleDate(startMs);
  return ` <Record type="${type}" sourceName="Bench Watch" sourceVersion="9.1" device="${DEVICE}" unit="${unit}" creationDate="${appleDate(endMs)}" startDate="${s}" endDate="${appleDate(endMs)}" value="${value}"/>\n`;
}

type RecordMix = (t: number, i: number) => { xml: string; records: number };

/** Mostly heart rate with steps, HRV, SpO2 and blood pressure mixed in (the 50 MB section's mix, unchanged so its figures stay comparable). */
const simpleMix: RecordMix = (t, i) => {
  let xml = record('HKQuantityTypeIdentifierHeartRate', 'count/min', String(55 + (i % 40)), t);
  let records = 1;
  if (i % 10 === 0) {
    xml += record('HKQuantityTypeIdentifierStepCount', 'count', String(i * 3), t, t + 60_000);
    records++;
  }
  if (i % 50 === 0) {
    xml += record('HKQuantityTypeIdentifierHeartRateVariabilitySDNN', 'ms', '42.5', t) + record('HKQuantityTypeIdentifierOxygenSaturation', '%', '0.97', t);
    records += 2;
  }
  if (i === 100) {
    xml += record('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '128', t) + record('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '82', t);
    records += 2;
  }
  return { xml, records };
};

const PHONE = '&lt;&lt;HKDevice: 0x283b5c0b0&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.1&gt;';
const motion = (n: number) => `  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="${n}"/>\n`;

/**
 * What a year-long iPhone + Watch export holds, per minute of it: heart rate (with the motion
 * context metadata the Watch writes), the energy and distance records real exports are full of
 * (not imported: skipped, as in the app), steps from the phone, and every few minutes HRV,
 * SpO2, respiratory rate; a blood-pressure correlation, a weight, a glucose, a resting heart
 * rate and a night of sleep stages once a day; a workout now and then.
 */
const realisticMix: RecordMix = (t, i) => {
  const hr = String(52 + ((i * 7) % 60));
  let xml = ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Bench Watch" sourceVersion="10.1" device="${DEVICE}" unit="count/min" creationDate="${appleDate(t + 5_000)}" startDate="${appleDate(t)}" endDate="${appleDate(t)}" value="${hr}">\n${motion(i % 3)} </Record>\n`;
  xml += record('HKQuantityTypeIdentifierActiveEnergyBurned', 'Cal', (0.5 + (i % 9) / 10).toFixed(3), t, t + 60_000);
  xml += record('HKQuantityTypeIdentifierBasalEnergyBurned', 'Cal', '1.102', t, t + 60_000);
  let records = 3;
  if (i % 3 === 0) {
    xml += ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Bench iPhone" sourceVersion="17.1" device="${PHONE}" unit="count" creationDate="${appleDate(t + 180_000)}" startDate="${appleDate(t)}" endDate="${appleDate(t + 180_000)}" value="${(i * 13) % 240}"/>\n`;
    xml += record('HKQuantityTypeIdentifierDistanceWalkingRunning', 'km', '0.081', t, t + 180_000);
    records += 2;
  }
  if (i % 5 === 0) {
    xml += record('HKQuantityTypeIdentifierHeartRateVariabilitySDNN', 'ms', (30 + (i % 25)).toFixed(4), t) + record('HKQuantityTypeIdentifierOxygenSaturation', '%', '0.96', t) + record('HKQuantityTypeIdentifierRespiratoryRate', 'count/min', '14.5', t);
    records += 3;
  }
  const minuteOfDay = Math.floor(t / 60_000) % 1440;
  if (minuteOfDay === 7 * 60) {
    const s = appleDate(t);
    xml += ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Bench Cuff" sourceVersion="2" creationDate="${s}" startDate="${s}" endDate="${s}">\n  ${record('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', String(118 + (i % 20)), t).trim()}\n  ${record('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', String(76 + (i % 10)), t).trim()}\n </Correlation>\n`;
    xml += record('HKQuantityTypeIdentifierBodyMass', 'kg', '81.3', t) + record('HKQuantityTypeIdentifierBloodGlucose', 'mg/dL', '104', t) + record('HKQuantityTypeIdentifierRestingHeartRate', 'count/min', '58', t);
    // The correlation's two records, the weight, the glucose and the resting heart rate.
    records += 5;
    // Last night's sleep, in stages.
    const night = t - 8 * 3_600_000;
    const stages = ['HKCategoryValueSleepAnalysisInBed', 'HKCategoryValueSleepAnalysisAsleepCore', 'HKCategoryValueSleepAnalysisAsleepDeep', 'HKCategoryValueSleepAnalysisAsleepREM', 'HKCategoryValueSleepAnalysisAwake', 'HKCategoryValueSleepAnalysisAsleepCore'];
    stages.forEach((stage, k) => {
      xml += ` <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Bench Watch" sourceVersion="10.1" device="${DEVICE}" creationDate="${appleDate(night + 8 * 3_600_000)}" startDate="${appleDate(night + k * 4_800_000)}" endDate="${appleDate(night + (k + 1) * 4_800_000)}" value="${stage}"/>\n`;
    });
    records += stages.length;
  }
  if (minuteOfDay === 18 * 60) {
    xml += ` <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="32.5" durationUnit="min" sourceName="Bench Watch" sourceVersion="10.1" device="${DEVICE}" creationDate="${appleDate(t)}" startDate="${appleDate(t - 1_950_000)}" endDate="${appleDate(t)}">\n  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="${appleDate(t - 1_950_000)}" endDate="${appleDate(t)}" average="104" minimum="88" maximum="131" unit="count/min"/>\n </Workout>\n`;
    records++;
  }
  return { xml, records };
};

/** A synthetic export.xml of Apple's layout, written to disk as it is generated (never held whole). */
async function writeExport(path: string, targetBytes: number, mix: RecordMix): Promise<{ bytes: number; records: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let records = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record*)>\n]>\n<HealthData locale="en_US">\n');
  let t = Date.UTC(2024, 0, 1);
  let i = 0;
  while (bytes < targetBytes) {
    let chunk = '';
    for (let k = 0; k < 200; k++, i++, t += 60_000) {
      const m = mix(t, mix === simpleMix ? k : i);
      chunk += m.xml;
      records += m.records;
    }
    await write(chunk);
  }
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
  return { bytes, records };
}

interface ParseRun {
  seconds: number;
  readings: number;
  skipped: number;
  heapBefore: number;
  peakHeap: number;
  peakRss: number;
}

/** A full garbage collection, so the heap baseline is the parser's and not the file generator's leftovers. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Streams the file from disk through parseAppleHealth, sampling the heap after every batch and every 20 ms. */
async function parseFromDisk(path: string): Promise<ParseRun> {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  const sampler = setInterval(sample, 20);
  let readings = 0;
  let skipped = 0;
  const started = performance.now();
  try {
    for await (const batch of parseAppleHealth(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>)) {
      readings += batch.readings.length;
      skipped += batch.skipped.reduce((n, s) => n + s.count, 0);
      sample();
    }
  } finally {
    clearInterval(sampler);
  }
  return { seconds: (performance.now() - started) / 1000, readings, skipped, heapBefore, peakHeap, peakRss };
}

const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

/** Streams a generated 50 MB Apple Health export.xml from disk through the importer's parser (no database). */
export async function benchImports(): Promise<BenchSection> {
  const path = join(tmpdir(), `careloop-bench-export-${process.pid}.xml`);
  try {
    const file = await writeExport(path, TARGET_BYTES, simpleMix);
    const { seconds, readings, skipped, heapBefore, peakHeap, peakRss } = await parseFromDisk(path);
    // The machine is shared: the load during the run says how far the figure is from an idle one.
    const load = loadavg()[0]!.toFixed(1);
    const rate = file.records / seconds;
    return {
      title: 'Wearable-file import: Apple Health export.xml parsing (issue 10)',
      method: `A generated export.xml of ${mib(file.bytes)} MiB (${file.records.toLocaleString('en-US')} records: minute heart rate, steps, HRV, SpO2, blood pressure; Apple's attribute layout) written to a temporary file, then streamed from disk in 256 KiB chunks through parseAppleHealth (UTF-8 chunk decoding, saxes, unit conversion, batching of 5,000) in Node under tsx. Parsing only: storing into IndexedDB is not part of this figure. Heap and RSS are sampled after every batch and every 20 ms (one forced GC before the parse, so the baseline excludes the file generator's garbage; none during it). ${readings.toLocaleString('en-US')} readings out, ${skipped} skipped. One-minute load average at the end of the run: ${load} on ${availableParallelism()} cores.`,
      figures: [
        { name: 'records parsed per second', value: Math.round(rate), unit: 'records/s', target: '≥ 100,000 records/s (issue 10 sets it for a 1 GB file; this file is 50 MB)', met: rate >= 100_000 },
        { name: 'throughput', value: Math.round((file.bytes / 2 ** 20 / seconds) * 10) / 10, unit: 'MiB/s' },
        { name: 'peak JS heap during the import', value: mib(peakHeap), unit: 'MiB', target: '< 300 MB (issue 10 sets it for a 1 GB file; this file is 50 MB)', met: peakHeap < 300 * 1e6 },
        { name: 'heap growth over the start', value: mib(peakHeap - heapBefore), unit: 'MiB' },
        { name: 'peak resident set size', value: mib(peakRss), unit: 'MiB' },
      ],
    };
  } finally {
    rmSync(path, { force: true });
  }
}

const GIGABYTE = 1024 * 1024 * 1024;

/**
 * Issue 10's target: a ~1 GB export.xml of a realistic record mix, generated to a temporary
 * file (deleted afterwards), streamed through the same parser the engine worker runs.
 * `CARELOOP_BENCH_IMPORT_BYTES` makes the file smaller for a trial run.
 */
export async function benchImportsGigabyte(): Promise<BenchSection> {
  const target = Number(process.env.CARELOOP_BENCH_IMPORT_BYTES) || GIGABYTE;
  const path = join(tmpdir(), `careloop-bench-export-1g-${process.pid}.xml`);
  try {
    const generated = performance.now();
    const file = await writeExport(path, target, realisticMix);
    const writeSeconds = (performance.now() - generated) / 1000;
    const loadBefore = loadavg()[0]!.toFixed(1);
    const run = await parseFromDisk(path);
    const loadAfter = loadavg()[0]!.toFixed(1);
    const rate = file.records / run.seconds;
    return {
      title: 'Wearable-file import: a 1 GB Apple Health export.xml (issue 10 target)',
      method: `A generated export.xml of ${mib(file.bytes)} MiB (${file.records.toLocaleString('en-US')} records, written in ${writeSeconds.toFixed(0)} s): a year and more of minute heart rate with motion-context metadata, active and basal energy and walking distance (not imported, skipped as in the app), phone steps from a second source, HRV, SpO2 and respiratory rate every five minutes, and once a day a blood-pressure correlation, weight, glucose, resting heart rate, a night of sleep stages and a workout. Streamed from disk in 256 KiB chunks through parseAppleHealth (the parser the engine worker runs on Blob.stream()) in Node under tsx; parsing only, not storing. ${run.readings.toLocaleString('en-US')} readings out, ${run.skipped.toLocaleString('en-US')} records skipped. Heap (heapUsed) and RSS sampled after every batch and every 20 ms; one forced GC before the parse (so the baseline excludes the file generator's garbage), none during it. One-minute load average ${loadBefore} before and ${loadAfter} after the parse on ${availableParallelism()} cores (the machine is shared; a figure under load is lower than an idle one).`,
      figures: [
        { name: 'records parsed per second', value: Math.round(rate), unit: 'records/s', target: '≥ 100,000 records/s', met: rate >= 100_000 },
        { name: 'parse time', value: Math.round(run.seconds * 10) / 10, unit: 's' },
        { name: 'throughput', value: Math.round((file.bytes / 2 ** 20 / run.seconds) * 10) / 10, unit: 'MiB/s' },
        { name: 'peak JS heap during the import', value: mib(run.peakHeap), unit: 'MiB', target: '< 300 MB', met: run.peakHeap < 300 * 1e6 },
        { name: 'heap growth over the start', value: mib(run.peakHeap - run.heapBefore), unit: 'MiB' },
        { name: 'peak resident set size', value: mib(run.peakRss), unit: 'MiB' },
      ],
    };
  } finally {
    rmSync(path, { force: true });
  }
}
