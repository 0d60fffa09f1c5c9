import { z } from 'zod';
import { ALL_METRICS } from '../../fhir/metrics';
import { metricCode } from '../../fhir/vital-codes';
import type { ImportMetric } from '../types';

/** Metrics a CSV row may name: those with a canonical unit (FHIR vital-signs table) plus sleep. */
const CSV_METRICS = [...ALL_METRICS.filter((m) => metricCode(m) !== undefined), 'resting-heart-rate', 'sleep-duration'] as const;

const Column = z.number().int().min(0).max(499);

/** How the columns of a readings CSV map to readings: chosen by staff from the preview's guess. */
export const CsvMapping = z
  .object({
    delimiter: z.enum([',', ';', '\t']),
    /** Rows before the data: the header row (and any lines above it). */
    headerRows: z.number().int().min(0).max(50).default(1),
    time: Column,
    value: Column,
    metric: z.union([z.object({ column: Column }), z.object({ fixed: z.enum(CSV_METRICS as unknown as [string, ...string[]]) })]),
    /** Without a unit column or a fixed unit, values are taken to be in the metric's canonical unit. */
    unit: z.union([z.object({ column: Column }), z.object({ fixed: z.string().min(1).max(40) })]).optional(),
    /** A column naming the app or device, kept as provenance and part of each reading's key. */
    source: Column.optional(),
    /** For times written without a zone: the zone's offset from UTC in minutes (east positive). */
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  })
  .strict();
export type CsvMapping = z.output<typeof CsvMapping>;
export type CsvMappingInput = z.input<typeof CsvMapping>;

/** Names people and apps give metrics → CareLoop's metric. Compared lower-case, without spaces, dashes or underscores. */
const METRIC_NAMES: Record<string, ImportMetric> = {
  heartrate: 'heart-rate', hr: 'heart-rate', pulse: 'heart-rate', bpm: 'heart-rate', pulserate: 'pulse-rate',
  restingheartrate: 'resting-heart-rate', restinghr: 'resting-heart-rate',
  respiratoryrate: 'respiratory-rate', respiration: 'respiratory-rate', breathingrate: 'respiratory-rate',
  spo2: 'spo2', oxygensaturation: 'spo2', bloodoxygen: 'spo2', o2sat: 'spo2',
  systolic: 'blood-pressure-systolic', sys: 'blood-pressure-systolic', bloodpressuresystolic: 'blood-pressure-systolic', sbp: 'blood-pressure-systolic',
  diastolic: 'blood-pressure-diastolic', dia: 'blood-pressure-diastolic', bloodpressurediastolic: 'blood-pressure-diastolic', dbp: 'blood-pressure-diastolic',
  meanarterialpressure: 'blood-pressure-mean', map: 'blood-pressure-mean', bloodpressuremean: 'blood-pressure-mean',
  temperature: 'body-temperature', bodytemperature: 'body-temperature', temp: 'body-temperature',
  weight: 'body-weight', bodyweight: 'body-weight', bodymass: 'body-weight',
  height: 'body-height', bodyheight: 'body-height', bmi: 'bmi',
  glucose: 'glucose', bloodglucose: 'glucose', bg: 'glucose', sugar: 'glucose',
  steps: 'steps', stepcount: 'steps',
  hrv: 'hrv-sdnn', sdnn: 'hrv-sdnn', hrvsdnn: 'hrv-sdnn',
  sleep: 'sleep-duration', sleepduration: 'sleep-duration', sleephours: 'sleep-duration',
};

/** The metric a name in a file means, or undefined. */
export function metricOfName(name: string): ImportMetric | undefined {
  const n = name.trim().toLowerCase();
  if ((CSV_METRICS as readonly string[]).includes(n)) return n as ImportMetric;
  return METRIC_NAMES[n.replace(/[\s_\-()]/g, '')];
}

/** The unit a metric is stored in. */
export function canonicalUnitOf(metric: ImportMetric): string {
  if (metric === 'resting-heart-rate') return '/min';
  return metricCode(metric)?.unit ?? '';
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A time as written in a readings CSV: ISO 8601 (with or without a zone, date-only as the
 * start of the day) or Unix epoch seconds or milliseconds. Times without a zone are wall
 * time at `utcOffsetMinutes`. Returns UTC ms and the wall time as written, or undefined.
 */
export function parseCsvTime(text: string, utcOffsetMinutes: number): { utcMs: number; wall?: string } | undefined {
  const t = text.trim();
  if (/^\d{9,13}(?:\.\d+)?$/.test(t)) {
    const n = Number(t);
    // Ten digits are seconds until the year 2286; thirteen are milliseconds.
    return { utcMs: Math.round(n < 1e11 ? n * 1000 : n) };
  }
  const m = ISO.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '00', m[5] ?? '00', m[6] ?? '00'].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const zone = m[8];
  let offsetMin = utcOffsetMinutes;
  if (zone) offsetMin = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const utcMs = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  const wall = `${m[1]}-${m[2]}-${m[3]}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return { utcMs, ...(zone ? {} : { wall }) };
}

/** A number as written in a CSV: a decimal point, or a decimal comma when the delimiter is not a comma. */
export function parseCsvNumber(text: string, delimiter: string): number {
  const t = text.trim();
  if (t === '') return Number.NaN;
  return Number(delimiter !== ',' ? t.replace(',', '.') : t);
}

/** A guess of the mapping from the header and the first rows, for staff to confirm or change. */
export function guessMapping(header: readonly string[], rows: readonly string[][], delimiter: ',' | ';' | '\t'): Partial<CsvMappingInput> {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (re: RegExp) => names.findIndex((n) => re.test(n));
  const column = (i: number) => rows.map((r) => r[i] ?? '');
  const share = (i: number, ok: (v: string) => boolean) => {
    const vals = column(i).filter((v) => v.trim() !== '');
    return vals.length ? vals.filter(ok).length / vals.length : 0;
  };
  let time = find(/^(time|date|datetime|timestamp|start|starttime|start_time|recorded|measured)/);
  if (time < 0) time = names.findIndex((_, i) => share(i, (v) => parseCsvTime(v, 0) !== undefined) > 0.8);
  const metricCol = find(/^(metric|type|measure|measurement|name|kind)$/);
  const unitCol = find(/^(unit|units|uom)$/);
  const sourceCol = find(/^(source|device|app|sourcename)$/);
  let value = find(/^(value|reading|result|amount)$/);
  if (value < 0) value = names.findIndex((_, i) => i !== time && i !== metricCol && i !== unitCol && share(i, (v) => Number.isFinite(parseCsvNumber(v, delimiter))) > 0.8);
  const guess: Partial<CsvMappingInput> = { delimiter, headerRows: 1 };
  if (time >= 0) guess.time = time;
  if (value >= 0) guess.value = value;
  if (metricCol >= 0) guess.metric = { column: metricCol };
  else if (value >= 0) {
    const m = metricOfName(header[value] ?? '');
    if (m) guess.metric = { fixed: m };
  }
  if (unitCol >= 0) guess.unit = { column: unitCol };
  if (sourceCol >= 0) guess.source = sourceCol;
  return guess;
}
