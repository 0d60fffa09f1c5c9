/**
 * Ambulatory glucose profile: the 5th, 25th, 50th, 75th and 95th percentiles of glucose by time
 * of day in the patient's zone, all days overlaid (Battelino et al., Diabetes Care 2019, the AGP
 * report). Percentiles interpolate linearly between order statistics (Hyndman–Fan type 7, the
 * default of R and NumPy), so a bin with one reading has that reading for every percentile.
 */
import { checkGlucoseReading, GlucoseInputError, type GlucoseReading } from './glucose-readings';
import { localTime } from './local-time';

export const AGP_PERCENTILES = [5, 25, 50, 75, 95] as const;

export interface AgpBin {
  /** Minutes after local midnight where the bin starts. */
  startMinute: number;
  count: number;
  /** mg/dL; null when the bin has no readings. */
  p5: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

export interface AgpOptions {
  timeZone: string;
  /** Bin width in minutes, dividing 1440. Default 60. */
  binMinutes?: number;
}

/** Type-7 percentile of ascending `sorted` (non-empty), p in 0–100. */
export function percentile(sorted: readonly number[], p: number): number {
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function ambulatoryGlucoseProfile(readings: readonly GlucoseReading[], options: AgpOptions): AgpBin[] {
  const binMinutes = options.binMinutes ?? 60;
  if (!Number.isInteger(binMinutes) || binMinutes <= 0 || 1440 % binMinutes !== 0) {
    throw new GlucoseInputError(`bin width ${binMinutes} min must be a whole number of minutes dividing 1440`);
  }
  readings.forEach(checkGlucoseReading);
  const bins: number[][] = Array.from({ length: 1440 / binMinutes }, () => []);
  for (const r of readings) bins[Math.floor(localTime(r.time, options.timeZone).minuteOfDay / binMinutes)]!.push(r.mgdl);
  return bins.map((values, i) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length === 0 ? null : percentile(sorted, p));
    return { startMinute: i * binMinutes, count: sorted.length, p5: at(5), p25: at(25), p50: at(50), p75: at(75), p95: at(95) };
  });
}
