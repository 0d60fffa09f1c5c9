/** RR intervals and heart rate from detected beats. */

/** Intervals between successive beats, in milliseconds. */
export function rrIntervals(beats: ArrayLike<number>, fs: number): Float64Array {
  if (!(fs > 0)) throw new RangeError('sampling rate must be positive');
  const n = Math.max(0, beats.length - 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((beats[i + 1]! - beats[i]!) * 1000) / fs;
  return out;
}

/** Mean heart rate in beats per minute over a set of RR intervals (ms); NaN with none. */
export function heartRate(rrMs: ArrayLike<number>): number {
  if (rrMs.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < rrMs.length; i++) sum += rrMs[i]!;
  return 60000 / (sum / rrMs.length);
}

/** Beats whose sample index lies in [from, to). */
export function beatsInWindow(beats: ArrayLike<number>, from: number, to: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < beats.length; i++) if (beats[i]! >= from && beats[i]! < to) out.push(beats[i]!);
  return Int32Array.from(out);
}
