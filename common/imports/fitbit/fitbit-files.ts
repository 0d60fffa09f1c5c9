import type { BatchSink } from '../batch-sink';
import { parseCsvTime } from '../csv/csv-mapping';
import { CsvRows } from '../csv/csv-rows';
import type { ImportPosition } from '../errors';
import { JsonRecords } from '../json-values';
import { readingKey } from '../reading-key';
import type { ImportMetric } from '../types';
import type { TextReader } from '../zip-entries';

/**
 * The files of a Fitbit export (Fitbit's "Download your data" and Google Takeout, folder
 * "Global Export Data" and the SpO2 folders): one file per day and measure. JSON files are
 * arrays of {dateTime, value}; dateTime "MM/DD/YY HH:MM:SS" is UTC. Sleep logs give local
 * wall times without a zone, placed at `utcOffsetMinutes`. SpO2 comes as CSV.
 */
export type FitbitFileKind = 'heart-rate' | 'resting-heart-rate' | 'steps' | 'sleep' | 'spo2';

export function fitbitFileKind(path: string): FitbitFileKind | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (/^heart_rate-\d{4}-\d{2}-\d{2}\.json$/i.test(name)) return 'heart-rate';
  if (/^resting_heart_rate-\d{4}-\d{2}-\d{2}\.json$/i.test(name)) return 'resting-heart-rate';
  if (/^steps-\d{4}-\d{2}-\d{2}\.json$/i.test(name)) return 'steps';
  if (/^sleep-\d{4}-\d{2}-\d{2}\.json$/i.test(name)) return 'sleep';
  if (/^(minute|daily) spo2 - .*\.csv$/i.test(name)) return 'spo2';
  return undefined;
}

const SOURCE = 'Fitbit';

/** "11/01/26 07:00:05" (UTC) → epoch ms. */
function fitbitTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (!m) return undefined;
  const [mo, d, y, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  return Date.UTC(2000 + y, mo - 1, d, h, mi, s);
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

export function fitbitReader(kind: FitbitFileKind, entry: string, sink: BatchSink, utcOffsetMinutes: number): TextReader {
  if (kind === 'spo2') return spo2Reader(entry, sink);
  const point = (metric: ImportMetric, unit: string, value: number, timeMs: number, extra: { endMs?: number; flags?: ['questionable'] } = {}) =>
    sink.add({ kind: 'point', key: readingKey('fitbit', SOURCE, metric, timeMs, extra.endMs), metric, value, unit, timeMs, ...(extra.endMs !== undefined ? { endMs: extra.endMs } : {}), flags: extra.flags ?? [], source: SOURCE });
  const onRecord = (r: Json, position: ImportPosition) => {
    if (kind === 'sleep') {
      const start = typeof r.startTime === 'string' ? parseCsvTime(r.startTime, utcOffsetMinutes) : undefined;
      const end = typeof r.endTime === 'string' ? parseCsvTime(r.endTime, utcOffsetMinutes) : undefined;
      const asleep = r.minutesAsleep;
      if (!start || !end || typeof asleep !== 'number' || !Number.isFinite(asleep)) return sink.skip('sleep log without start, end or minutes asleep', position);
      if (asleep <= 0) return sink.skip('sleep log with no minutes asleep', position);
      return point('sleep-duration', 'h', asleep / 60, start.utcMs, { endMs: end.utcMs });
    }
    const t = fitbitTime(r.dateTime);
    if (t === undefined) return sink.skip(`${kind}: dateTime is not "MM/DD/YY hh:mm:ss"`, position);
    const v = obj(r.value);
    if (kind === 'heart-rate') {
      const bpm = v?.bpm;
      if (typeof bpm !== 'number' || !Number.isFinite(bpm) || bpm <= 0) return sink.skip('heart-rate: bpm is missing or not a number', position);
      // Fitbit's confidence 0 means the optical sensor could not lock on.
      return point('heart-rate', '/min', bpm, t, v?.confidence === 0 ? { flags: ['questionable'] } : {});
    }
    if (kind === 'resting-heart-rate') {
      const rhr = v?.value;
      if (typeof rhr !== 'number' || !Number.isFinite(rhr)) return sink.skip('resting-heart-rate: value is missing or not a number', position);
      if (rhr <= 0) return sink.skip('resting-heart-rate: none computed that day', position);
      return point('resting-heart-rate', '/min', rhr, t);
    }
    const steps = Number(r.value);
    if (typeof r.value === 'object' || !Number.isFinite(steps) || steps < 0) return sink.skip('steps: value is not a count', position);
    if (steps === 0) return sink.skip('steps: minutes without steps', position);
    return point('steps', '{steps}', steps, t, { endMs: t + 60_000 });
  };
  const records = new JsonRecords((json, record, line) => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return sink.skip('record is not valid JSON', { entry, line, record });
    }
    const r = obj(value);
    if (!r) return sink.skip('record is not a JSON object', { entry, line, record });
    onRecord(r, { entry, line, record });
  });
  sink.source({ app: SOURCE });
  return { write: (text) => records.push(text), end: () => records.end() };
}

/** "timestamp,value" (minute SpO2) or "timestamp,average_value,lower_bound,upper_bound" (daily). */
function spo2Reader(entry: string, sink: BatchSink): TextReader {
  let timeCol = -1;
  let valueCol = -1;
  const rows = new CsvRows(',', (f, rowNo, line) => {
    const position = { entry, line, record: rowNo };
    if (rowNo === 1) {
      const names = f.map((x) => x.trim().toLowerCase());
      timeCol = names.indexOf('timestamp');
      valueCol = names.indexOf('value') >= 0 ? names.indexOf('value') : names.indexOf('average_value');
      if (timeCol < 0 || valueCol < 0) sink.skip('SpO2 file without "timestamp" and "value" columns', position);
      return;
    }
    if (timeCol < 0 || valueCol < 0) return;
    const t = parseCsvTime(f[timeCol] ?? '', 0);
    const v = Number(f[valueCol]);
    if (!t) return sink.skip('spo2: timestamp is not readable', position);
    if (!Number.isFinite(v) || (f[valueCol] ?? '').trim() === '') return sink.skip('spo2: value is not a number', position);
    sink.add({ kind: 'point', key: readingKey('fitbit', SOURCE, 'spo2', t.utcMs), metric: 'spo2', value: v, unit: '%', timeMs: t.utcMs, flags: [], source: SOURCE });
  });
  sink.source({ app: SOURCE });
  return { write: (text) => rows.push(text), end: () => void rows.end() };
}
