import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { CsvMapping, metricOfName, type CsvMappingInput } from '../../common/imports/csv/csv-mapping';
import { previewCsv, type CsvPreview } from '../../common/imports/csv/parse-csv';
import { detectFormat, FORMAT_LABELS } from '../../common/imports/detect';
import { describePosition, ImportError } from '../../common/imports/errors';
import { parseWearableFile, READABLE_FORMATS, type ReadableFormat } from '../../common/imports/parse-file';
import type { ImportedReading, ImportSource, SkipTally } from '../../common/imports/types';
import { CliInputError, type CliCommand, type CliIo } from '../command';

const usage = `Usage: careloop import <file> [--format <format>] [--map <key>=<column>[,…]] [--utc-offset <minutes>]

Reads a file a patient brought from a consumer wearable, detected by its content: an Apple
Health export (export.zip or export.xml), a FIT file (Garmin and others), a Fitbit / Google
Takeout export (zip, or one of its JSON / CSV files), Open mHealth JSON data points, or a CSV
of readings. The file is streamed, never loaded whole. Prints every reading it finds as one
JSON line on standard output, and a summary (readings per metric, records skipped and why,
the apps and devices named) on standard error. Nothing is stored.

Options:
  --format <format>   skip detection: ${READABLE_FORMATS.join(', ')}
  --map <key>=<col>   a CSV of readings' columns; keys: time, value, metric, unit, source.
                      <col> is a header name or a 1-based column number; metric and unit
                      may instead name what every row holds (metric=heart-rate, unit=mmol/L).
                      Repeat --map or separate pairs with commas. Without --map the columns
                      are guessed from the header; if the guess is incomplete the command
                      says which mapping it needs.
  --utc-offset <min>  offset from UTC, in minutes, of times written without a zone (CSV,
                      Fitbit sleep logs); default 0

Exits 0 when the file was read to its end, 1 with the reason when it is malformed, cut
short or not one of these formats, 2 on a usage error.
`;

interface ImportArgs {
  file: string;
  format?: ReadableFormat;
  map: Map<string, string>;
  utcOffsetMinutes: number;
}

const MAP_KEYS = ['time', 'value', 'metric', 'unit', 'source'] as const;

function parseArgs(args: readonly string[]): ImportArgs | undefined {
  const out: ImportArgs = { file: '', map: new Map(), utcOffsetMinutes: 0 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new CliInputError(`${a} needs a value`);
      return v;
    };
    if (a === '--format') {
      const f = value();
      if (!(READABLE_FORMATS as readonly string[]).includes(f)) throw new CliInputError(`unknown format '${f}' (known: ${READABLE_FORMATS.join(', ')})`);
      out.format = f as ReadableFormat;
    } else if (a === '--map') {
      for (const pair of value().split(',')) {
        const eq = pair.indexOf('=');
        const key = pair.slice(0, eq).trim().toLowerCase();
        if (eq < 1 || !(MAP_KEYS as readonly string[]).includes(key)) throw new CliInputError(`--map takes key=column pairs with keys ${MAP_KEYS.join(', ')}; '${pair}' is not one`);
        out.map.set(key, pair.slice(eq + 1).trim());
      }
    } else if (a === '--utc-offset') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || Math.abs(n) > 840) throw new CliInputError(`--utc-offset is whole minutes between -840 and 840, not '${v}'`);
      out.utcOffsetMinutes = n;
    } else if (a.startsWith('--')) throw new CliInputError(`unknown option ${a}`);
    else if (out.file) return undefined;
    else out.file = a;
  }
  return out.file ? out : undefined;
}

/** A column named by its header (any case) or its 1-based number; undefined when it is neither. */
function columnOf(ref: string, header: readonly string[]): number | undefined {
  const byName = header.findIndex((h) => h.trim().toLowerCase() === ref.toLowerCase());
  if (byName >= 0) return byName;
  const n = /^#?(\d+)$/.exec(ref);
  if (n && Number(n[1]) >= 1 && Number(n[1]) <= header.length) return Number(n[1]) - 1;
  return undefined;
}

/** The CSV mapping from --map (falling back to the guess for keys not given), or an error naming what is missing. */
export function csvMappingOf(preview: CsvPreview, map: ReadonlyMap<string, string>, utcOffsetMinutes: number): CsvMapping {
  const { header, guess } = preview;
  const column = (key: string) => {
    const ref = map.get(key)!;
    const c = columnOf(ref, header);
    if (c === undefined) throw new CliInputError(`--map ${key}=${ref}: no such column (the header is: ${header.join(', ')})`);
    return c;
  };
  const input: Partial<CsvMappingInput> = { ...guess, delimiter: preview.delimiter, utcOffsetMinutes };
  if (map.has('time')) input.time = column('time');
  if (map.has('value')) input.value = column('value');
  if (map.has('source')) input.source = column('source');
  if (map.has('metric')) {
    const ref = map.get('metric')!;
    const c = columnOf(ref, header);
    const fixed = c === undefined ? metricOfName(ref) : undefined;
    if (c === undefined && !fixed) throw new CliInputError(`--map metric=${ref}: neither a column nor a metric CareLoop knows (the header is: ${header.join(', ')})`);
    input.metric = c !== undefined ? { column: c } : { fixed: fixed! };
  }
  if (map.has('unit')) {
    const ref = map.get('unit')!;
    const c = columnOf(ref, header);
    input.unit = c !== undefined ? { column: c } : { fixed: ref };
  }
  const missing = (['time', 'value', 'metric'] as const).filter((k) => input[k] === undefined);
  if (missing.length) {
    throw new CliInputError(
      `a CSV of readings needs its column mapping: --map ${missing.map((k) => `${k}=<${k === 'metric' ? 'column or metric name' : 'column'}>`).join(',')} (could not tell from the header: ${header.join(', ')})`,
    );
  }
  const parsed = CsvMapping.safeParse(input);
  if (!parsed.success) throw new CliInputError(`the CSV mapping is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** One reading as a JSON line: times in ISO 8601 UTC, the key that names it, provenance. */
export function readingJson(r: ImportedReading): string {
  if (r.kind === 'waveform') {
    return JSON.stringify({ kind: r.kind, metric: r.metric, unit: r.unit, start: new Date(r.startMs).toISOString(), fs: r.fs, values: Array.from(r.values), ...(r.source ? { source: r.source } : {}), key: r.key });
  }
  return JSON.stringify({
    kind: r.kind,
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    time: new Date(r.timeMs).toISOString(),
    ...(r.endMs !== undefined ? { end: new Date(r.endMs).toISOString() } : {}),
    ...(r.deviceTimeRaw !== undefined ? { deviceTime: r.deviceTimeRaw } : {}),
    ...(r.source ? { source: r.source } : {}),
    ...(r.flags.length ? { flags: r.flags } : {}),
    ...(r.groupKey ? { group: r.groupKey } : {}),
    key: r.key,
  });
}

async function fileHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const chunksOf = (path: string, end?: number) => createReadStream(path, { highWaterMark: 256 * 1024, ...(end !== undefined ? { end } : {}) }) as AsyncIterable<Uint8Array>;

interface Tally {
  byMetric: Map<string, number>;
  skipped: Map<string, SkipTally>;
  sources: Map<string, ImportSource>;
  bytes: number;
}

function summary(file: string, format: ReadableFormat, t: Tally, outcome: string): string {
  const total = [...t.byMetric.values()].reduce((a, b) => a + b, 0);
  const skipped = [...t.skipped.values()];
  const lines = [
    `${basename(file)}: ${FORMAT_LABELS[format]}, ${t.bytes.toLocaleString('en-US')} bytes read${outcome}`,
    `${total.toLocaleString('en-US')} readings${total ? `: ${[...t.byMetric].map(([m, n]) => `${m} ${n.toLocaleString('en-US')}`).join(', ')}` : ''}`,
    `${skipped.reduce((n, s) => n + s.count, 0).toLocaleString('en-US')} records skipped${skipped.length ? ':' : ''}`,
    ...skipped.map((s) => `  ${s.count.toLocaleString('en-US')} × ${s.reason} (first${describePosition(s.first) || ' in the file'})`),
  ];
  if (t.sources.size) lines.push(`from: ${[...t.sources.values()].map((s) => [s.app, s.device].filter(Boolean).join(' · ')).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

async function importFile(a: ImportArgs, io: CliIo): Promise<number> {
  let head: Uint8Array;
  try {
    head = await fileHead(a.file, 64 * 1024);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(`cannot read ${a.file}${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder' : ` (${code ?? 'unknown error'})`}`);
  }
  if (head.length === 0) throw new CliInputError(`${a.file} is empty`);
  const format = a.format ?? detectFormat(basename(a.file), head);
  if (!format) throw new CliInputError(`${a.file} is not a format careloop imports (${Object.values(FORMAT_LABELS).join(', ')}); name it with --format if you know it`);
  const tally: Tally = { byMetric: new Map(), skipped: new Map(), sources: new Map(), bytes: 0 };
  try {
    const csvMapping = format === 'csv' ? csvMappingOf(await previewCsv(chunksOf(a.file, 256 * 1024 - 1), 20), a.map, a.utcOffsetMinutes) : undefined;
    const batches = parseWearableFile(format, chunksOf(a.file), { fileName: basename(a.file), utcOffsetMinutes: a.utcOffsetMinutes, ...(csvMapping ? { csvMapping } : {}) });
    for await (const batch of batches) {
      if (batch.readings.length) io.stdout(`${batch.readings.map(readingJson).join('\n')}\n`);
      for (const r of batch.readings) tally.byMetric.set(r.metric, (tally.byMetric.get(r.metric) ?? 0) + 1);
      for (const s of batch.skipped) {
        const t = tally.skipped.get(s.reason);
        if (t) t.count += s.count;
        else tally.skipped.set(s.reason, { ...s });
      }
      for (const s of batch.sources) if (tally.sources.size < 50) tally.sources.set(`${s.app ?? ''}\u0000${s.device ?? ''}`, s);
      tally.bytes = batch.bytesRead;
    }
  } catch (err) {
    if (err instanceof ImportError) {
      io.stderr(summary(a.file, format, tally, ' before the error'));
      throw new CliInputError(`cannot import ${basename(a.file)} as ${FORMAT_LABELS[format]}: ${err.message} (${err.code})`);
    }
    throw err;
  }
  io.stderr(summary(a.file, format, tally, ''));
  return 0;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'read a wearable export (Apple Health, FIT, Fitbit, Open mHealth, CSV) and print its readings as JSON lines',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (!parsed) {
      io.stderr(usage);
      return 2;
    }
    return importFile(parsed, io);
  },
};
