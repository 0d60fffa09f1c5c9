import { beatsInWindow, heartRate, rrIntervals } from './rr';

/**
 * Time-domain heart-rate variability (Task Force of the ESC and NASPE, Circulation
 * 93:1043–1065, 1996): SDNN, RMSSD and pNN50 over normal-to-normal (NN) intervals.
 *
 * NN rule used here: an RR interval is kept when it lies within [minRrMs, maxRrMs]
 * (default 300–2000 ms, i.e. 30–200 bpm) and differs by at most `maxDeviation` (default 20 %)
 * from the median of the plausible intervals among the five centred on it. An ectopic beat
 * makes a short interval and a long compensatory one; both differ from that local median and
 * are dropped. Successive differences (RMSSD, pNN50) are taken only between two kept
 * intervals that are adjacent in the recording, so a dropped interval never joins its
 * neighbours into a false difference.
 */
export interface HrvOptions {
  minRrMs?: number;
  maxRrMs?: number;
  maxDeviation?: number;
}

export interface HrvResult {
  /** RR intervals given. */
  intervals: number;
  /** NN intervals kept. */
  nn: number;
  /** Successive NN differences used for RMSSD and pNN50. */
  differences: number;
  meanNnMs: number;
  heartRateBpm: number;
  /** Sample standard deviation of the NN intervals (ms); NaN with fewer than 2. */
  sdnnMs: number;
  /** Root mean square of successive NN differences (ms); NaN with none. */
  rmssdMs: number;
  /** Percentage of successive NN differences above 50 ms; NaN with none. */
  pnn50: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Which RR intervals are NN intervals under the rule above. */
export function normalIntervals(rrMs: ArrayLike<number>, options: HrvOptions = {}): Uint8Array {
  const min = options.minRrMs ?? 300;
  const max = options.maxRrMs ?? 2000;
  const dev = options.maxDeviation ?? 0.2;
  const n = rrMs.length;
  const plausible = (v: number): boolean => v >= min && v <= max;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = rrMs[i]!;
    if (!plausible(v)) continue;
    const around: number[] = [];
    for (let j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) if (plausible(rrMs[j]!)) around.push(rrMs[j]!);
    const ref = median(around);
    if (Math.abs(v - ref) <= dev * ref) keep[i] = 1;
  }
  return keep;
}

/** HRV of a series of RR intervals (ms). */
export function hrv(rrMs: ArrayLike<number>, options: HrvOptions = {}): HrvResult {
  const keep = normalIntervals(rrMs, options);
  const nn: number[] = [];
  let sumSq = 0;
  let over50 = 0;
  let diffs = 0;
  for (let i = 0; i < rrMs.length; i++) {
    if (!keep[i]) continue;
    nn.push(rrMs[i]!);
    if (i > 0 && keep[i - 1]) {
      const d = rrMs[i]! - rrMs[i - 1]!;
      sumSq += d * d;
      if (Math.abs(d) > 50) over50++;
      diffs++;
    }
  }
  const mean = nn.length ? nn.reduce((s, v) => s + v, 0) / nn.length : NaN;
  const sdnn = nn.length >= 2 ? Math.sqrt(nn.reduce((s, v) => s + (v - mean) ** 2, 0) / (nn.length - 1)) : NaN;
  return {
    intervals: rrMs.length,
    nn: nn.length,
    differences: diffs,
    meanNnMs: mean,
    heartRateBpm: nn.length ? heartRate(nn) : NaN,
    sdnnMs: sdnn,
    rmssdMs: diffs ? Math.sqrt(sumSq / diffs) : NaN,
    pnn50: diffs ? (100 * over50) / diffs : NaN,
  };
}

/** HRV over the beats in the sample window [from, to) of a beat series at rate fs. */
export function hrvOfBeats(beats: ArrayLike<number>, fs: number, from = 0, to = Infinity, options: HrvOptions = {}): HrvResult {
  return hrv(rrIntervals(beatsInWindow(beats, from, to), fs), options);
}
