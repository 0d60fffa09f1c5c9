import { isBeatCode } from './wfdb/codes';

/**
 * Beat-by-beat comparison of a detector against reference annotations, following
 * ANSI/AAMI EC57 (and WFDB's bxb): a detection matches a reference beat when they are at
 * most 150 ms apart, each is matched at most once (closest pairs first), and only beats from
 * minute 5 on are scored (the first 5 minutes are the detector's learning period). A
 * detection at or after minute 5 matched to a reference beat just before it counts neither
 * way, so the start of the scored interval makes no false positive.
 */
export interface Ec57Options {
  /** Match window in seconds (default 0.15). */
  windowSeconds?: number;
  /** Start of scoring in seconds (default 300). */
  startSeconds?: number;
  /** End of scoring in seconds (default: the end of the record). */
  endSeconds?: number;
}

export interface Ec57Counts {
  tp: number;
  fn: number;
  fp: number;
}

export interface Ec57Result extends Ec57Counts {
  /** Sensitivity TP / (TP + FN), or 1 with nothing to find. */
  se: number;
  /** Positive predictivity TP / (TP + FP), or 1 with nothing detected. */
  ppv: number;
}

export interface ReferenceAnnotation {
  sample: number;
  code: number;
}

/** Reference beat positions: the annotations whose code is a beat code (non-beat annotations do not count). */
export function referenceBeats(annotations: readonly ReferenceAnnotation[]): Int32Array {
  return Int32Array.from(annotations.filter((a) => isBeatCode(a.code)).map((a) => a.sample)).sort();
}

export function rates(c: Ec57Counts): Ec57Result {
  return { ...c, se: c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn), ppv: c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp) };
}

/** Compares detected beats with reference beats (both sample indices at rate fs). */
export function compareBeats(reference: ArrayLike<number>, detected: ArrayLike<number>, fs: number, options: Ec57Options = {}): Ec57Result {
  if (!(fs > 0)) throw new RangeError('sampling rate must be positive');
  const windowSamples = (options.windowSeconds ?? 0.15) * fs;
  // Half a part per million of slack so that a pair exactly 150 ms apart matches despite rounding.
  const win = windowSamples * (1 + 1e-9) + 1e-9;
  const start = (options.startSeconds ?? 300) * fs;
  const end = options.endSeconds === undefined ? Infinity : options.endSeconds * fs;
  const ref = Float64Array.from(Array.from({ length: reference.length }, (_, i) => reference[i]!)).sort();
  const det = Float64Array.from(Array.from({ length: detected.length }, (_, i) => detected[i]!)).sort();
  // Candidate pairs within the window, closest first (greedy matching, as bxb pairs each beat with its nearest counterpart).
  const pairs: { d: number; r: number; t: number }[] = [];
  let lo = 0;
  for (let r = 0; r < ref.length; r++) {
    const rv = ref[r]!;
    while (lo < det.length && det[lo]! < rv - win) lo++;
    for (let t = lo; t < det.length && det[t]! <= rv + win; t++) pairs.push({ d: Math.abs(det[t]! - rv), r, t });
  }
  pairs.sort((p, q) => p.d - q.d || p.r - q.r || p.t - q.t);
  const refMatch = new Int32Array(ref.length).fill(-1);
  const detMatch = new Int32Array(det.length).fill(-1);
  for (const p of pairs) {
    if (refMatch[p.r] !== -1 || detMatch[p.t] !== -1) continue;
    refMatch[p.r] = p.t;
    detMatch[p.t] = p.r;
  }
  const scored = (v: number): boolean => v >= start && v <= end;
  let tp = 0, fn = 0, fp = 0;
  for (let r = 0; r < ref.length; r++) {
    if (!scored(ref[r]!)) continue;
    if (refMatch[r] !== -1) tp++;
    else fn++;
  }
  for (let t = 0; t < det.length; t++) {
    if (!scored(det[t]!)) continue;
    if (detMatch[t] === -1) fp++;
  }
  return rates({ tp, fn, fp });
}

/** Gross statistics: counts summed over records, then Se and +P of the sums (EC57 "gross"). */
export function grossStatistics(results: readonly Ec57Counts[]): Ec57Result {
  return rates(results.reduce((s, r) => ({ tp: s.tp + r.tp, fn: s.fn + r.fn, fp: s.fp + r.fp }), { tp: 0, fn: 0, fp: 0 }));
}
