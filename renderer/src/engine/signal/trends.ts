import { addDays, localDate, type IsoDate } from '../../../../common/time/local-days';

/**
 * Trends of a point-reading series (weight, blood pressure, glucose…): least-squares slope per
 * day, change and mean over a window, and adherence (days with readings). Inputs need not be
 * sorted; points whose time or value is not a finite number are left out (an implausible value
 * should be filtered by its flags before, see plausibility.ts).
 *
 * Windows are half-open on the left: (endMs − windowMs, endMs], so "the last 3 days" at endMs
 * holds a reading taken exactly at endMs and none taken exactly 3 days earlier. Slopes and
 * windows use elapsed time (a day is 86 400 000 ms), so a daylight-saving change neither
 * stretches nor shrinks them; only adherence counts calendar days, in the clinic's time zone.
 */

export interface TimedValue {
  timeMs: number;
  value: number;
}

export const DAY_MS = 86_400_000;

export class TrendError extends RangeError {
  override readonly name = 'TrendError';
}

export interface Window {
  /** End of the window (epoch ms), included. */
  endMs: number;
  /** Length (ms); the start endMs − windowMs is excluded. */
  windowMs: number;
}

function checkWindow(w: Window): void {
  if (!Number.isFinite(w.endMs)) throw new TrendError('window end must be a finite time');
  if (!(w.windowMs > 0) || !Number.isFinite(w.windowMs)) throw new TrendError('window length must be positive and finite');
}

/** The finite points inside the window (all of them without one), sorted by time. */
function select(points: readonly TimedValue[], w?: Window): TimedValue[] {
  if (w) checkWindow(w);
  const out = points.filter((p) => Number.isFinite(p.timeMs) && Number.isFinite(p.value) && (!w || (p.timeMs > w.endMs - w.windowMs && p.timeMs <= w.endMs)));
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

export interface Slope {
  /** Change per day (value units / 86 400 000 ms). */
  perDay: number;
  /** Fitted value at the last point's time. */
  fittedLast: number;
  n: number;
  /** Time covered from first to last point, ms. */
  spanMs: number;
}

/**
 * Ordinary least-squares slope of value against time. Null with fewer than two points or
 * when every point has the same time.
 */
export function slope(points: readonly TimedValue[], window?: Window): Slope | null {
  const p = select(points, window);
  if (p.length < 2) return null;
  // Centred in days for numerical stability (epoch ms squared would lose precision).
  const t0 = p[0]!.timeMs;
  let mx = 0, my = 0;
  for (const q of p) {
    mx += (q.timeMs - t0) / DAY_MS;
    my += q.value;
  }
  mx /= p.length;
  my /= p.length;
  let sxy = 0, sxx = 0;
  for (const q of p) {
    const dx = (q.timeMs - t0) / DAY_MS - mx;
    sxy += dx * (q.value - my);
    sxx += dx * dx;
  }
  if (sxx === 0) return null;
  const perDay = sxy / sxx;
  const last = p[p.length - 1]!;
  return { perDay, fittedLast: my + perDay * ((last.timeMs - t0) / DAY_MS - mx), n: p.length, spanMs: last.timeMs - t0 };
}

export interface WindowChange {
  first: TimedValue;
  last: TimedValue;
  /** last − first. */
  change: number;
  /** last − the lowest value before or at it in the window (a gain, ≥ 0). */
  rise: number;
  /** last − the highest value in the window (a loss, ≤ 0). */
  fall: number;
  n: number;
}

/** Change over a window, e.g. weight change over the last 3 days. Null with no point in it. */
export function changeOverWindow(points: readonly TimedValue[], window: Window): WindowChange | null {
  const p = select(points, window);
  if (p.length === 0) return null;
  const first = p[0]!, last = p[p.length - 1]!;
  let lo = Infinity, hi = -Infinity;
  for (const q of p) {
    lo = Math.min(lo, q.value);
    hi = Math.max(hi, q.value);
  }
  return { first, last, change: last.value - first.value, rise: last.value - lo, fall: last.value - hi, n: p.length };
}

export interface WindowStats {
  mean: number;
  min: number;
  max: number;
  n: number;
}

/** Mean, min and max over a window, e.g. 7-day mean systolic pressure. Null with no point in it. */
export function windowStats(points: readonly TimedValue[], window: Window): WindowStats | null {
  const p = select(points, window);
  if (p.length === 0) return null;
  let sum = 0, min = Infinity, max = -Infinity;
  for (const q of p) {
    sum += q.value;
    min = Math.min(min, q.value);
    max = Math.max(max, q.value);
  }
  return { mean: sum / p.length, min, max, n: p.length };
}

export interface AdherenceOptions {
  /** Now (epoch ms): today is the local date at this instant and is the last day counted. */
  nowMs: number;
  /** IANA time zone of the clinic or patient, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** Calendar days counted, today included (default 30). */
  days?: number;
}

export interface Adherence {
  /** Days (of `totalDays`) with at least one reading. */
  daysWithReadings: number;
  totalDays: number;
  /** daysWithReadings / totalDays. */
  fraction: number;
  /** The local dates that had readings, ascending. */
  dates: IsoDate[];
  /** First and last calendar day counted. */
  from: IsoDate;
  to: IsoDate;
}

/**
 * Days with at least one reading among the last `days` calendar days in `timeZone`, today
 * included. A reading counts on its local date, so a 23- or 25-hour daylight-saving day is one
 * day like any other; readings after `nowMs` do not count.
 */
export function adherence(points: readonly TimedValue[], options: AdherenceOptions): Adherence {
  const days = options.days ?? 30;
  if (!Number.isInteger(days) || days < 1) throw new TrendError('days must be a positive whole number');
  if (!Number.isFinite(options.nowMs)) throw new TrendError('now must be a finite time');
  const to = localDate(options.nowMs, options.timeZone);
  const from = addDays(to, -(days - 1));
  const seen = new Set<IsoDate>();
  for (const p of points) {
    if (!Number.isFinite(p.timeMs) || p.timeMs > options.nowMs) continue;
    // A reading more than `days` + 1 days of elapsed time back cannot fall in the range: skip the zone lookup.
    if (p.timeMs < options.nowMs - (days + 1) * DAY_MS) continue;
    const d = localDate(p.timeMs, options.timeZone);
    if (d >= from && d <= to) seen.add(d);
  }
  const dates = [...seen].sort();
  return { daysWithReadings: dates.length, totalDays: days, fraction: dates.length / days, dates, from, to };
}
