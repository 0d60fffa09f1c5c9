import { dayNumber, daysInYear, monthOfDay, yearAndDay, yearStartDay } from './calendar';

/**
 * The population summaries (issue 11): one small row per patient × metric × calendar year
 * (UTC), kept as readings are stored, so population views never read raw readings. A year
 * block instead of twelve month rows because IndexedDB pays per row: a year of views reads
 * at most two rows per patient and metric.
 *
 * Per day: the count and sum of readings (7-day and 90-day windows, days with data). Per
 * month: sum of squares, min and max (spread and range), and for glucose the consensus
 * time-in-range bands (Battelino et al., Diabetes Care 2019). Day sums are Float32: readings
 * carry one decimal and a day holds a handful, well inside its 7 significant digits.
 */

export const POPULATION_METRICS = ['blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate', 'body-weight', 'glucose', 'spo2'] as const;
export type PopulationMetric = (typeof POPULATION_METRICS)[number];
/** Days with any point reading at all (adherence); counts only. */
export const ANY_READING = 'any-reading';
export type SummaryMetric = PopulationMetric | typeof ANY_READING;

export const METRIC_LABELS: Readonly<Record<PopulationMetric, { label: string; unit: string }>> = {
  'blood-pressure-systolic': { label: 'Systolic pressure', unit: 'mmHg' },
  'blood-pressure-diastolic': { label: 'Diastolic pressure', unit: 'mmHg' },
  'pulse-rate': { label: 'Pulse', unit: '/min' },
  'body-weight': { label: 'Weight', unit: 'kg' },
  glucose: { label: 'Glucose', unit: 'mg/dL' },
  spo2: { label: 'SpO2', unit: '%' },
};

/** Glucose bands in mg/dL: < 54, 54–69, 70–180, 181–250, > 250 (the consensus' ranges). */
export const GLUCOSE_BANDS = ['below54', 'from54to69', 'inRange', 'from181to250', 'above250'] as const;
const BANDS = GLUCOSE_BANDS.length;
/** Per month: sum of squares, min, max. */
const MONTH_FIELDS = 3;
export const MAX_DAYS = 366;

export interface PopulationYearRow {
  /** `${patientId}|${metric}|${year}` */
  key: string;
  patientId: string;
  metric: SummaryMetric;
  year: number;
  /** Readings per 0-based day of the year (at most 255 a day are counted; the sums take them all). */
  dayCount: Uint8Array;
  /** Sum of readings per day of the year (empty for ANY_READING). */
  daySum: Float32Array;
  /** 12 × [sum of squares, min, max] (empty for ANY_READING). */
  monthStats: Float64Array;
  /** 12 × glucose bands, glucose only. */
  bands?: Uint32Array;
  /** The summary table's change counter when this row was last written (population-summaries.ts). */
  seq?: number;
}

export interface SummarizableReading {
  patientId: string;
  metric: string;
  value: number;
  unit: string;
  timeMs: number;
}

/** mmol/L of glucose to mg/dL (molar mass of glucose 180.16 g/mol). */
const MGDL_PER_MMOL = 18.016;

export function isPopulationMetric(m: string): m is PopulationMetric {
  return (POPULATION_METRICS as readonly string[]).includes(m);
}

/** The value a population summary keeps for a reading, in its summary unit; undefined when it keeps none. */
export function summaryValue(r: SummarizableReading): number | undefined {
  if (!isPopulationMetric(r.metric) || !Number.isFinite(r.value)) return undefined;
  if (r.metric === 'glucose' && /mmol/i.test(r.unit)) return r.value * MGDL_PER_MMOL;
  return r.value;
}

export function blockKey(patientId: string, metric: SummaryMetric, year: number): string {
  return `${patientId}|${metric}|${year}`;
}

export function emptyYearBlock(patientId: string, metric: SummaryMetric, year: number): PopulationYearRow {
  const counted = metric !== ANY_READING;
  const row: PopulationYearRow = {
    key: blockKey(patientId, metric, year),
    patientId,
    metric,
    year,
    dayCount: new Uint8Array(MAX_DAYS),
    daySum: new Float32Array(counted ? MAX_DAYS : 0),
    monthStats: new Float64Array(counted ? 12 * MONTH_FIELDS : 0),
  };
  if (counted) for (let m = 0; m < 12; m++) {
    row.monthStats[m * MONTH_FIELDS + 1] = Infinity;
    row.monthStats[m * MONTH_FIELDS + 2] = -Infinity;
  }
  if (metric === 'glucose') row.bands = new Uint32Array(12 * BANDS);
  return row;
}

function glucoseBand(mgdl: number): number {
  if (mgdl < 54) return 0;
  if (mgdl < 70) return 1;
  if (mgdl <= 180) return 2;
  if (mgdl <= 250) return 3;
  return 4;
}

/** What one batch of readings adds to each block it touches. */
export interface BlockUpdate {
  key: string;
  patientId: string;
  metric: SummaryMetric;
  year: number;
  /** [day of year, value] (value NaN for ANY_READING). */
  entries: [number, number][];
}

/** Groups readings by the blocks they add to: their metric's and the patient's any-reading block. */
export function planBlockUpdates(readings: Iterable<SummarizableReading>): Map<string, BlockUpdate> {
  const out = new Map<string, BlockUpdate>();
  const push = (patientId: string, metric: SummaryMetric, year: number, dayOfYear: number, value: number) => {
    const key = blockKey(patientId, metric, year);
    let u = out.get(key);
    if (!u) out.set(key, (u = { key, patientId, metric, year, entries: [] }));
    u.entries.push([dayOfYear, value]);
  };
  for (const r of readings) {
    if (!Number.isFinite(r.timeMs) || typeof r.patientId !== 'string') continue;
    const { year, dayOfYear } = yearAndDay(dayNumber(r.timeMs));
    push(r.patientId, ANY_READING, year, dayOfYear, NaN);
    const v = summaryValue(r);
    if (v !== undefined) push(r.patientId, r.metric as PopulationMetric, year, dayOfYear, v);
  }
  return out;
}

/** Adds an update's readings to a block (a new one when there is none yet); returns the block. */
export function applyBlockUpdate(existing: PopulationYearRow | undefined, u: BlockUpdate): PopulationYearRow {
  const row = existing ?? emptyYearBlock(u.patientId, u.metric, u.year);
  for (const [d, v] of u.entries) {
    if (row.dayCount[d]! < 0xff) row.dayCount[d]!++;
    if (u.metric === ANY_READING) continue;
    row.daySum[d]! += v;
    const m = monthOfDay(u.year, d) * MONTH_FIELDS;
    row.monthStats[m]! += v * v;
    row.monthStats[m + 1] = Math.min(row.monthStats[m + 1]!, v);
    row.monthStats[m + 2] = Math.max(row.monthStats[m + 2]!, v);
    if (row.bands) row.bands[monthOfDay(u.year, d) * BANDS + glucoseBand(v)]!++;
  }
  return row;
}

/** Count, sum and days with data of one metric between two day numbers (both included). */
export interface WindowTotals {
  n: number;
  sum: number;
  days: number;
}

/** A patient's blocks of one metric by year. */
export type BlocksByYear = ReadonlyMap<number, PopulationYearRow>;

export function windowTotals(blocks: BlocksByYear | undefined, fromDay: number, toDay: number): WindowTotals {
  const out = { n: 0, sum: 0, days: 0 };
  if (!blocks || toDay < fromDay) return out;
  let day = fromDay;
  while (day <= toDay) {
    const { year, dayOfYear } = yearAndDay(day);
    const last = Math.min(toDay - yearStartDay(year), daysInYear(year) - 1);
    const row = blocks.get(year);
    if (row) {
      const sums = row.daySum.length > 0;
      for (let d = dayOfYear; d <= last; d++) {
        const c = row.dayCount[d]!;
        if (c === 0) continue;
        out.n += c;
        out.days++;
        if (sums) out.sum += row.daySum[d]!;
      }
    }
    day = yearStartDay(year) + last + 1;
  }
  return out;
}

export interface MonthTotals extends WindowTotals {
  sumSq: number;
  min: number;
  max: number;
  /** Glucose band counts, glucose only. */
  bands?: number[];
}

/** One month's figures from a block (0-based month), or undefined when it has no readings. */
export function monthTotals(row: PopulationYearRow | undefined, month: number, firstDayOfMonth: number, lastDayOfMonth: number): MonthTotals | undefined {
  if (!row) return undefined;
  const start = yearStartDay(row.year);
  const w = { n: 0, sum: 0, days: 0 };
  const sums = row.daySum.length > 0;
  for (let d = Math.max(0, firstDayOfMonth - start), last = Math.min(MAX_DAYS - 1, lastDayOfMonth - start); d <= last; d++) {
    const c = row.dayCount[d]!;
    if (c === 0) continue;
    w.n += c;
    w.days++;
    if (sums) w.sum += row.daySum[d]!;
  }
  if (w.n === 0) return undefined;
  const out: MonthTotals = { ...w, sumSq: row.monthStats[month * MONTH_FIELDS] ?? 0, min: row.monthStats[month * MONTH_FIELDS + 1] ?? NaN, max: row.monthStats[month * MONTH_FIELDS + 2] ?? NaN };
  if (row.bands) out.bands = Array.from(row.bands.subarray(month * BANDS, month * BANDS + BANDS));
  return out;
}
