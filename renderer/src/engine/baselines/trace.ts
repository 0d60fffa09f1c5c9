import type { BaselineMetric } from '../rules/rule';
import { cusumStep, type Direction } from './cusum';
import { BASELINE_SPECS } from './metrics';
import { BASELINE_WINDOW_DAYS, MAD_TO_SD, mad, median, type Baseline, type DayValue } from './robust';

/** One judged patient-day of a metric: the day's value (when sufficient), the baseline before it and the deviation. */
export interface TracePoint {
  day: number;
  /** Undefined: no sufficient data that day. */
  value?: number;
  /** Undefined: fewer sufficient days than required in the 28 before. */
  baseline?: Baseline;
  /** Robust deviation (value − centre) / spread, when both are there. */
  z?: number;
}

/**
 * The metric's trace over [fromDay, toDay]: for every day, its value and the baseline of the
 * 28 days before it. One pass with a sliding window of sufficient days.
 */
export function metricTrace(days: readonly DayValue[], metric: BaselineMetric, minBaselineDays: number, fromDay: number, toDay: number): TracePoint[] {
  const spec = BASELINE_SPECS[metric];
  const byDay = new Map<number, DayValue>();
  for (const d of days) if (d.sufficient) byDay.set(d.day, d);
  const out: TracePoint[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    const point: TracePoint = { day };
    const today = byDay.get(day);
    if (today) point.value = today.value;
    const window: number[] = [];
    for (let d = day - BASELINE_WINDOW_DAYS; d < day; d++) {
      const v = byDay.get(d);
      if (v) window.push(v.value);
    }
    if (window.length >= minBaselineDays && window.length > 0) {
      const centre = median(window);
      point.baseline = { centre, spread: Math.max(MAD_TO_SD * mad(window, centre), spec.minSpread), days: window.length, fromDay: day - BASELINE_WINDOW_DAYS, toDay: day - 1 };
      if (point.value !== undefined) point.z = (point.value - centre) / point.baseline.spread;
    }
    out.push(point);
  }
  return out;
}

export interface CusumPoint {
  day: number;
  /** Statistic after the day (restarted at 0 after an alarm). */
  s: number;
  /** Statistic reached that day before any restart. */
  peak: number;
  alarm: boolean;
  /** First day of the current run of S above 0 (when the drift started to accumulate). */
  runStart: number | null;
}

/** CUSUM over a trace: days without a deviation (no data or no baseline) leave S where it was. */
export function cusumTrace(trace: readonly TracePoint[], k: number, h: number, direction: Direction): CusumPoint[] {
  let s = 0;
  let runStart: number | null = null;
  return trace.map((p) => {
    if (p.z === undefined) return { day: p.day, s, peak: s, alarm: false, runStart };
    const step = cusumStep(s, p.z, k, h, direction);
    if (s === 0 && step.peak > 0) runStart = p.day;
    const point = { day: p.day, s: step.s, peak: step.peak, alarm: step.alarm, runStart: step.peak > 0 ? runStart : null };
    s = step.s;
    if (s === 0) runStart = null;
    return point;
  });
}
