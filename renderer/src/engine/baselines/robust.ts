import { DAY_MS } from './metrics';

/**
 * Robust centre and spread of a patient's recent days (issue 11): the median and the median
 * absolute deviation (MAD) scaled by 1.4826, which equals the standard deviation for normal
 * data (Rousseeuw & Croux, JASA 1993) but is not pulled by a few sick or artefact days.
 */

/** Consistency constant: 1 / Φ⁻¹(3/4). */
export const MAD_TO_SD = 1.4826;

/** Days before the judged day that the baseline looks at. */
export const BASELINE_WINDOW_DAYS = 28;

export function median(values: readonly number[]): number {
  if (!values.length) throw new RangeError('the median of no values is undefined');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation from `centre` (unscaled). */
export function mad(values: readonly number[], centre = median(values)): number {
  return median(values.map((v) => Math.abs(v - centre)));
}

/** One patient-day of one metric: its value and whether it had enough readings to count. */
export interface DayValue {
  day: number;
  value: number;
  count: number;
  sufficient: boolean;
}

export interface Baseline {
  centre: number;
  /** 1.4826 × MAD, at least the metric's floor. */
  spread: number;
  /** Sufficient days it was made from. */
  days: number;
  /** First and last day (UTC day index) of the window it looked at. */
  fromDay: number;
  toDay: number;
}

/**
 * The baseline for judging `day`: the sufficient days among the `BASELINE_WINDOW_DAYS` days
 * before it (the judged day itself is left out, so a deviation cannot hide in its own
 * baseline). Undefined when fewer than `minDays` sufficient days are there.
 * `days` must be sorted by day.
 */
export function baselineFor(days: readonly DayValue[], day: number, minDays: number, minSpread: number): Baseline | undefined {
  const fromDay = day - BASELINE_WINDOW_DAYS;
  const values: number[] = [];
  for (const d of days) if (d.day >= fromDay && d.day < day && d.sufficient) values.push(d.value);
  if (values.length < minDays || values.length === 0) return undefined;
  const centre = median(values);
  return { centre, spread: Math.max(MAD_TO_SD * mad(values, centre), minSpread), days: values.length, fromDay, toDay: day - 1 };
}

/** Robust z: how many robust SDs `value` lies from the baseline (signed). */
export function robustDeviation(value: number, b: Baseline): number {
  return (value - b.centre) / b.spread;
}

export const dayStartMs = (day: number): number => day * DAY_MS;
