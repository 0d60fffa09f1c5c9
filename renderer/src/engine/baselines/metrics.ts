import type { Metric } from '../../../../common/readings/observation';
import { startOfLocalDay, zoneOffsetMs } from '../../../../common/time/local-days';
import { BASELINE_SOURCE, type BaselineMetric } from '../rules/rule';

/** One day in milliseconds. A day index d names a calendar date: d × DAY_MS is its UTC midnight. */
export const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant. */
export const dayOf = (timeMs: number): number => Math.floor(timeMs / DAY_MS);

/**
 * Which calendar a patient-day follows. A patient's day is the clinic's local day: a resting
 * heart rate or a step total counted over UTC days would split a Californian evening across
 * two days. Day indexes name calendar dates either way (d × DAY_MS is the date's UTC
 * midnight), so stored keys and day arithmetic do not depend on the zone.
 */
export interface DayCalendar {
  /** The calendar date (day index) of an instant. */
  dayOf(timeMs: number): number;
  /** The first instant of a calendar date. */
  startMs(day: number): number;
}

export const UTC_DAYS: DayCalendar = { dayOf, startMs: (day) => day * DAY_MS };

const HOUR_MS = 3_600_000;

/**
 * Local days in an IANA zone. The zone's offset is looked up once per hour of time (offsets
 * change on the hour or half-hour in every zone in use, and a reading a few minutes into the
 * hour after a change is the rare exception the cache may misplace by that change) — a
 * minute-by-minute heart rate would otherwise ask Intl 1,440 times a day.
 */
export function zoneDays(zone: string): DayCalendar {
  if (zone === 'UTC' || zone === 'Etc/UTC') return UTC_DAYS;
  const offsets = new Map<number, number>();
  const offsetAt = (timeMs: number): number => {
    const hour = Math.floor(timeMs / HOUR_MS);
    let o = offsets.get(hour);
    if (o === undefined) {
      if (offsets.size > 50_000) offsets.clear();
      offsets.set(hour, (o = zoneOffsetMs(hour * HOUR_MS, zone)));
    }
    return o;
  };
  return {
    dayOf: (timeMs) => Math.floor((timeMs + offsetAt(timeMs)) / DAY_MS),
    startMs: (day) => startOfLocalDay(new Date(day * DAY_MS).toISOString().slice(0, 10), zone),
  };
}

/**
 * How a patient-day value is made from the day's readings:
 * - 'low-decile': the 10th percentile, a resting value that ignores exercise and artefact
 *   spikes (resting heart rate from a wearable's all-day heart rate);
 * - 'mean': the mean of the day's readings;
 * - 'sum': the day's total (steps); only complete days count, a day in progress is partial.
 */
export type DayReducer = 'low-decile' | 'mean' | 'sum';

export interface BaselineMetricSpec {
  metric: BaselineMetric;
  /** The reading kind it is made from (none yet for sleep duration). */
  source: Metric | null;
  /** The unit the day values, baselines and charts are in (UCUM). */
  unit: string;
  label: string;
  reduce: DayReducer;
  /**
   * Sufficiency rule: a day with fewer readings than this is left out of the baseline and
   * is not judged (an hour of minute-by-minute heart rate does not give a resting rate).
   */
  minReadings: number;
  /**
   * Floor of the robust spread, in the metric's unit: a very steady patient (MAD near 0)
   * would otherwise turn a clinically meaningless change into many robust SDs.
   */
  minSpread: number;
  /** Readings of this grade only; skin temperature comes from wearables, not clinical thermometers. */
  grade?: 'consumer' | 'clinical';
  /** Values are binned to this resolution for the percentile (bounded memory per day). */
  binWidth: number;
  /**
   * Shift applied to a reading's time before its day is taken: sleep that starts in the
   * evening belongs to the night that ends the next morning, so a night is one day's value.
   */
  dayShiftMs?: number;
}

const spec = (metric: BaselineMetric, unit: string, label: string, reduce: DayReducer, minReadings: number, minSpread: number, binWidth: number, grade?: 'consumer' | 'clinical'): BaselineMetricSpec => ({
  metric,
  source: BASELINE_SOURCE[metric],
  unit,
  label,
  reduce,
  minReadings,
  minSpread,
  binWidth,
  ...(grade ? { grade } : {}),
});

export const BASELINE_SPECS: Record<BaselineMetric, BaselineMetricSpec> = {
  'resting-heart-rate': spec('resting-heart-rate', '/min', 'Resting heart rate', 'low-decile', 30, 1, 1),
  'hrv-rmssd': spec('hrv-rmssd', 'ms', 'HRV (RMSSD)', 'mean', 1, 2, 0.1),
  'hrv-sdnn': spec('hrv-sdnn', 'ms', 'HRV (SDNN)', 'mean', 1, 2, 0.1),
  spo2: spec('spo2', '%', 'SpO2', 'mean', 3, 0.5, 0.1),
  'respiratory-rate': spec('respiratory-rate', '/min', 'Respiratory rate', 'mean', 1, 0.5, 0.1),
  'skin-temperature': spec('skin-temperature', 'Cel', 'Skin temperature', 'mean', 1, 0.1, 0.01, 'consumer'),
  // Sleep from noon to noon counts for the day it ends on (the wake day).
  'sleep-duration': { ...spec('sleep-duration', 'h', 'Sleep duration', 'sum', 1, 0.25, 0.01), dayShiftMs: 12 * 3_600_000 },
  steps: spec('steps', '{steps}', 'Steps', 'sum', 1, 300, 1),
  'body-weight': spec('body-weight', 'kg', 'Weight', 'mean', 1, 0.2, 0.01),
  'home-systolic': spec('home-systolic', 'mm[Hg]', 'Home systolic BP', 'mean', 1, 2, 1),
  'home-diastolic': spec('home-diastolic', 'mm[Hg]', 'Home diastolic BP', 'mean', 1, 1.5, 1),
};

/** Baseline metrics made from each reading kind. */
export function baselineMetricsOf(source: Metric): BaselineMetricSpec[] {
  return Object.values(BASELINE_SPECS).filter((s) => s.source === source);
}
