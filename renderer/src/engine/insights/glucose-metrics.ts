/**
 * Glucose metrics of the international consensus on time in range.
 *
 * Battelino T, Danne T, Bergenstal RM, et al. Clinical Targets for Continuous Glucose Monitoring
 * Data Interpretation: Recommendations From the International Consensus on Time in Range.
 * Diabetes Care 2019;42:1593–1603. Bergenstal RM et al., Glucose Management Indicator (GMI),
 * Diabetes Care 2018;41:2275–2280: GMI (%) = 3.31 + 0.02392 × mean glucose (mg/dL).
 *
 * Time in ranges is the percent of readings: below 54, below 70 (which includes below 54),
 * 70–180 inclusive, above 180 (which includes above 250), above 250 mg/dL. CV is the sample
 * standard deviation (n − 1) over the mean, in percent (0 with a single reading).
 *
 * Data sufficiency, in percent, capped at 100:
 * - CGM: the share of the expected sensor readings present. The period [start, end) holds
 *   round((end − start) / interval) expected readings; each reading fills the slot nearest to
 *   it on that grid, so clock jitter does not double-count and a duplicate fills nothing new.
 *   The consensus asks for ≥ 70 % over 14 days.
 * - Meter: the consensus has no definition for fingersticks, so CareLoop uses a structured
 *   testing day of 4 readings (before meals and at bedtime): each local calendar day in the
 *   period counts at most 4 readings, over 4 × the number of days.
 */
import { checkGlucoseReading, GlucoseInputError, type GlucoseReading } from './glucose-readings';
import { daysBetween, localTime } from './local-time';

export type GlucoseSource = 'cgm' | 'meter';

export interface GlucoseMetricsOptions {
  source: GlucoseSource;
  /** CGM sampling interval in minutes (5 for most sensors, 15 for Libre 1/2 history). Default 5. */
  intervalMinutes?: number;
  /** Period start, epoch ms. Default: the first reading. */
  start?: number;
  /** Period end (exclusive), epoch ms. Default: the last reading plus one interval (CGM) or just after it (meter). */
  end?: number;
  /** IANA zone whose calendar days count for meter sufficiency. Default UTC. */
  timeZone?: string;
}

export interface GlucoseMetrics {
  /** Readings inside the period, on which every figure is computed. */
  readings: number;
  /** mg/dL */
  mean: number;
  /** mg/dL, sample standard deviation */
  sd: number;
  /** % (a laboratory-A1C-like figure) */
  gmi: number;
  /** % */
  cv: number;
  below54: number;
  below70: number;
  inRange: number;
  above180: number;
  above250: number;
  dataSufficiency: number;
  /** Readings the period should hold (CGM: sensor slots; meter: 4 a day). */
  expectedReadings: number;
  periodStart: number;
  periodEnd: number;
}

/** Consensus targets (Battelino 2019, Table 2) for most adults with type 1 or type 2 diabetes. */
export const CONSENSUS_TARGETS = { inRangeAtLeast: 70, below70Under: 4, below54Under: 1, above180Under: 25, above250Under: 5, cvAtMost: 36 } as const;

const MINUTE_MS = 60_000;
const METER_READINGS_PER_DAY = 4;

export function computeGlucoseMetrics(all: readonly GlucoseReading[], options: GlucoseMetricsOptions): GlucoseMetrics {
  all.forEach(checkGlucoseReading);
  const intervalMinutes = options.intervalMinutes ?? 5;
  if (!Number.isFinite(intervalMinutes) || intervalMinutes <= 0 || intervalMinutes > 60) {
    throw new GlucoseInputError(`the CGM interval ${intervalMinutes} min is outside (0, 60] minutes`);
  }
  if (all.length === 0 && (options.start === undefined || options.end === undefined)) {
    throw new GlucoseInputError('there are no readings to report on');
  }
  const intervalMs = intervalMinutes * MINUTE_MS;
  // A loop, not Math.min(...times): a year of 5-minute readings is too many call arguments.
  let first = Infinity;
  let last = -Infinity;
  for (const r of all) {
    first = Math.min(first, r.time);
    last = Math.max(last, r.time);
  }
  const start = options.start ?? first;
  const end = options.end ?? last + (options.source === 'cgm' ? intervalMs : 1);
  if (!(end > start)) throw new GlucoseInputError('the period must end after it starts');

  const inPeriod = all.filter((r) => r.time >= start && r.time < end);
  if (inPeriod.length === 0) throw new GlucoseInputError('there are no readings in the period');

  const n = inPeriod.length;
  const mean = inPeriod.reduce((s, r) => s + r.mgdl, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(inPeriod.reduce((s, r) => s + (r.mgdl - mean) ** 2, 0) / (n - 1));
  const percentOf = (test: (mgdl: number) => boolean) => (100 * inPeriod.filter((r) => test(r.mgdl)).length) / n;

  const sufficiency =
    options.source === 'cgm'
      ? cgmSufficiency(inPeriod, start, end, intervalMs)
      : meterSufficiency(inPeriod, start, end, options.timeZone ?? 'UTC');

  return {
    readings: n,
    mean,
    sd,
    gmi: 3.31 + 0.02392 * mean,
    cv: (100 * sd) / mean,
    below54: percentOf((g) => g < 54),
    below70: percentOf((g) => g < 70),
    inRange: percentOf((g) => g >= 70 && g <= 180),
    above180: percentOf((g) => g > 180),
    above250: percentOf((g) => g > 250),
    dataSufficiency: sufficiency.percent,
    expectedReadings: sufficiency.expected,
    periodStart: start,
    periodEnd: end,
  };
}

interface Sufficiency {
  percent: number;
  expected: number;
}

function cgmSufficiency(readings: readonly GlucoseReading[], start: number, end: number, intervalMs: number): Sufficiency {
  const expected = Math.max(1, Math.round((end - start) / intervalMs));
  const slots = new Set<number>();
  for (const r of readings) slots.add(Math.min(expected - 1, Math.round((r.time - start) / intervalMs)));
  return { percent: (100 * slots.size) / expected, expected };
}

function meterSufficiency(readings: readonly GlucoseReading[], start: number, end: number, timeZone: string): Sufficiency {
  const firstDay = localTime(start, timeZone).date;
  const days = daysBetween(firstDay, localTime(end - 1, timeZone).date) + 1;
  const perDay = new Map<string, number>();
  for (const r of readings) {
    const day = localTime(r.time, timeZone).date;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  let counted = 0;
  for (const count of perDay.values()) counted += Math.min(METER_READINGS_PER_DAY, count);
  const expected = METER_READINGS_PER_DAY * days;
  return { percent: (100 * counted) / expected, expected };
}

/** The figures a report prints: glucose and percents to one decimal, GMI and CV to one decimal. */
export interface GlucoseReport {
  mean: number;
  gmi: number;
  cv: number;
  below54: number;
  below70: number;
  inRange: number;
  above180: number;
  above250: number;
  dataSufficiency: number;
}

const tenth = (x: number) => Math.round(x * 10) / 10;

export function glucoseReport(m: GlucoseMetrics): GlucoseReport {
  return {
    mean: tenth(m.mean),
    gmi: tenth(m.gmi),
    cv: tenth(m.cv),
    below54: tenth(m.below54),
    below70: tenth(m.below70),
    inRange: tenth(m.inRange),
    above180: tenth(m.above180),
    above250: tenth(m.above250),
    dataSufficiency: tenth(m.dataSufficiency),
  };
}
