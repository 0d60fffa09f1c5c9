import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
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

/** A synthetic export.xml of Apple's layout, mostly heart rate with steps, HRV, SpO2 and blood pressure mixed in, written to disk. */
async function writeExport(path: string): Promise<{ bytes: number; records: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let records = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record*)>\n]>\n<HealthData locale="en_US">\n');
  let t = Date.UTC(2024, 0, 1);
  while (bytes < TARGET_BYTES) {
    let chunk = '';
    for (let i = 0; i < 200; i++, t += 60_000) {
      chunk += record('HKQuantityTypeIdentifierHeartRate', 'count/min', String(55 + (i % 40)), t);
      records++;
      if (i % 10 === 0) {
        chunk += record('HKQuantityTypeIdentifierStepCount', 'count', String(i * 3), t, t + 60_000);
        records++;
      }
      if (i % 50 === 0) {
        chunk += record('HKQuantityTypeIdentifierHeartRateVariabilitySDNN', 'ms', '42.5', t) + record('HKQuantityTypeIdentifierOxygenSaturation', '%', '0.97', t);
        records += 2;
      }
      if (i === 100) {
        chunk += record('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '128', t) + record('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '82', t);
        records += 2;
      }
    }
    await write(chunk);
  }
  await write('</HealthData>\n');
  out.end();
  await once(out, 'finish');
  return { bytes, records };
}

/** Streams a generated 50 MB Apple Health export.xml from disk through the importer's parser (no database). */
export async function benchImports(): Promise<BenchSection> {
  const path = join(tmpdir(), `careloop-bench-export-${process.pid}.xml`);
  try {
    const file = await writeExport(path);
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    let peakRss = process.memoryUsage().rss;
    let readings = 0;
    let skipped = 0;
    const started = performance.now();
    for await (const batch of parseAppleHealth(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>)) {
      readings += batch.readings.length;
      skipped += batch.skipped.reduce((n, s) => n + s.count, 0);
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.rss > peakRss) peakRss = m.rss;
    }
    const seconds = (performance.now() - started) / 1000;
    // The machine is shared: the load during the run says how far the figure is from an idle one.
    const load = loadavg()[0]!.toFixed(1);
    const rate = file.records / seconds;
    const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    return {
      title: 'Wearable-file import: Apple Health export.xml parsing (issue 10)',
      method: `A generated export.xml of ${mib(file.bytes)} MiB (${file.records.toLocaleString('en-US')} records: minute heart rate, steps, HRV, SpO2, blood pressure; Apple's attribute layout) written to a temporary file, then streamed from disk in 256 KiB chunks through parseAppleHealth (UTF-8 chunk decoding, saxes, unit conversion, batching of 5,000) in Node under tsx. Parsing only: storing into IndexedDB is not part of this figure. Heap and RSS are sampled after every batch (no forced GC). ${readings.toLocaleString('en-US')} readings out, ${skipped} skipped. One-minute load average at the end of the run: ${load} on ${availableParallelism()} cores.`,
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
