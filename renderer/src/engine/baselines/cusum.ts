/**
 * One-sided tabular CUSUM (Page, Biometrika 1954; Montgomery, Introduction to Statistical
 * Quality Control, ch. 9) on standardised daily deviations z:
 *   upper  S⁺ = max(0, S⁺ + z − k)      lower  S⁻ = max(0, S⁻ − z − k)
 * and an alarm when S > h, after which S restarts from 0.
 *
 * k (the allowance) is half the shift, in SDs, to be found fastest; h is the decision
 * interval. The textbook pair k = 0.5, h = 5 has an in-control average run length of about
 * 465 samples for known, independent normal data (Montgomery, ARL table of the tabular
 * CUSUM); against a 28-day rolling baseline the run length is much shorter, so the shipped
 * rules choose k and h from measured false-alert rates (rules/baseline-defaults.ts).
 */

export type Direction = 'rise' | 'fall';

export interface CusumStep {
  /** The statistic after this day (0 again after an alarm). */
  s: number;
  /** The statistic before the restart, on an alarm day; else equal to `s`. */
  peak: number;
  alarm: boolean;
}

export function cusumStep(previous: number, z: number, k: number, h: number, direction: Direction): CusumStep {
  const signed = direction === 'rise' ? z : -z;
  const s = Math.max(0, previous + signed - k);
  return s > h ? { s: 0, peak: s, alarm: true } : { s, peak: s, alarm: false };
}
