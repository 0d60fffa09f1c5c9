/** Order statistics for population distributions. */

/** The q-quantile (0..1) of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7, R's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Distribution {
  n: number;
  median: number;
  q1: number;
  q3: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const s = Array.from(sorted);
  return { n: s.length, median: quantileSorted(s, 0.5), q1: quantileSorted(s, 0.25), q3: quantileSorted(s, 0.75) };
}

export interface HistogramBin {
  /** Lower edge, included. */
  from: number;
  /** Upper edge, excluded (the last bin includes it). */
  to: number;
  count: number;
}

/** Equal-width bins with round edges over the values' range (at most `maxBins`). */
export function histogram(values: readonly number[], maxBins = 12): HistogramBin[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = Math.max(hi - lo, 1);
  const raw = span / maxBins;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((w) => w >= raw) ?? 10 * mag;
  const start = Math.floor(lo / width) * width;
  const count = Math.max(1, Math.ceil((hi - start) / width + 1e-9));
  const bins: HistogramBin[] = Array.from({ length: count }, (_, i) => ({ from: round(start + i * width), to: round(start + (i + 1) * width), count: 0 }));
  for (const v of values) bins[Math.min(count - 1, Math.floor((v - start) / width))]!.count++;
  return bins;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
