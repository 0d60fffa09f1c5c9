import { BUTTERWORTH2_Q, highpass, type Biquad } from './qrs/filters';

/**
 * Signal-quality index of an ECG per window, from four measures:
 * - flat line: share of the window in runs of at least 0.2 s where the signal moves less than
 *   `flatTolerance` between samples (a lead off or a dropped link);
 * - saturation: share of samples in runs of at least 3 samples pinned at the window's extreme
 *   value (an amplifier at its rail), or at the given ADC rails;
 * - high-frequency share: power above 40 Hz over power above 1 Hz (muscle noise, mains);
 *   a clean ECG keeps it small;
 * - beat-template correlation: mean correlation of each beat (±100 ms around its R peak) with
 *   the median beat of the window (noise and artifacts make beats unlike each other).
 * SQI = correlation × (1 − flat) × (1 − saturation) × (1 − HF penalty), in [0, 1], where the HF penalty grows linearly from 0 at a 20 % share to 1 at 80 %; a window is
 * flagged noisy below `noisyBelow`, or when it holds fewer beats than 30 bpm would give.
 */
export interface QualityOptions {
  windowSeconds?: number;
  /** Smallest step (signal units) that counts as movement (default 0.001, i.e. 1 µV in mV). */
  flatTolerance?: number;
  /** ADC rails in signal units, when known. */
  rails?: { min: number; max: number };
  /** SQI below which a window is flagged noisy (default 0.5). */
  noisyBelow?: number;
}

export interface QualityWindow {
  start: number;
  end: number;
  beats: number;
  flat: number;
  saturation: number;
  highFrequency: number;
  templateCorrelation: number;
  sqi: number;
  noisy: boolean;
}

export interface Segment {
  start: number;
  end: number;
}

function filtered(x: Float32Array, s: Biquad): Float64Array {
  const out = new Float64Array(x.length);
  let z1 = 0, z2 = 0;
  const x0 = x.length ? x[0]! : 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]! - x0;
    const y = s.b0 * u + z1;
    z1 = s.b1 * u - s.a1 * y + z2;
    z2 = s.b2 * u - s.a2 * y;
    out[i] = y;
  }
  return out;
}

function correlation(a: Float64Array, b: Float64Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function runsShare(length: number, minRun: number, inRun: (i: number) => boolean): number {
  let covered = 0, run = 0;
  for (let i = 0; i < length; i++) {
    if (inRun(i)) run++;
    else {
      if (run >= minRun) covered += run;
      run = 0;
    }
  }
  if (run >= minRun) covered += run;
  return length ? covered / length : 0;
}

/** Quality of each consecutive window of `x` (rate fs) given the beats detected in it. */
export function signalQuality(x: Float32Array, fs: number, beats: ArrayLike<number>, options: QualityOptions = {}): QualityWindow[] {
  const win = Math.max(1, Math.round((options.windowSeconds ?? 10) * fs));
  const tol = options.flatTolerance ?? 0.001;
  const noisyBelow = options.noisyBelow ?? 0.5;
  const base = filtered(x, highpass(1, fs, BUTTERWORTH2_Q));
  const hfCorner = Math.min(40, 0.45 * fs);
  const high = filtered(x, highpass(hfCorner, fs, BUTTERWORTH2_Q));
  const half = Math.max(1, Math.round(0.1 * fs));
  const windows: QualityWindow[] = [];
  let b = 0;
  for (let start = 0; start < x.length; start += win) {
    const end = Math.min(x.length, start + win);
    const len = end - start;
    const flat = runsShare(len - 1, Math.round(0.2 * fs), (i) => Math.abs(x[start + i + 1]! - x[start + i]!) < tol);
    let lo = Infinity, hi = -Infinity;
    for (let i = start; i < end; i++) {
      lo = Math.min(lo, x[i]!);
      hi = Math.max(hi, x[i]!);
    }
    const rails = options.rails;
    // Rails are compared with a relative tolerance: float32 samples do not hold a decimal rail exactly.
    const slack = rails ? 1e-6 * (rails.max - rails.min) : 0;
    const pinned = (v: number): boolean => (rails ? v <= rails.min + slack || v >= rails.max - slack : hi > lo && (v === hi || v === lo));
    const saturation = runsShare(len, 3, (i) => pinned(x[start + i]!));
    let pAll = 0, pHigh = 0;
    for (let i = start; i < end; i++) {
      pAll += base[i]! * base[i]!;
      pHigh += high[i]! * high[i]!;
    }
    const highFrequency = pAll > 0 ? pHigh / pAll : 0;
    while (b < beats.length && beats[b]! < start) b++;
    const inWindow: number[] = [];
    for (let k = b; k < beats.length && beats[k]! < end; k++) if (beats[k]! - half >= 0 && beats[k]! + half < x.length) inWindow.push(beats[k]!);
    let templateCorrelation = 0;
    if (inWindow.length >= 3) {
      const segs = inWindow.map((r) => base.slice(r - half, r + half + 1));
      const template = new Float64Array(2 * half + 1);
      const column: number[] = new Array(segs.length);
      for (let j = 0; j < template.length; j++) {
        for (let s = 0; s < segs.length; s++) column[s] = segs[s]![j]!;
        column.sort((p, q) => p - q);
        template[j] = column[column.length >> 1]!;
      }
      templateCorrelation = segs.reduce((sum, s) => sum + Math.max(0, correlation(s, template)), 0) / segs.length;
    }
    const hfPenalty = Math.min(1, Math.max(0, (highFrequency - 0.2) / 0.6));
    const sqi = Math.max(0, Math.min(1, templateCorrelation * (1 - flat) * (1 - saturation) * (1 - hfPenalty)));
    const tooFewBeats = inWindow.length < Math.floor((len / fs) * 0.5) - 1;
    windows.push({ start, end, beats: inWindow.length, flat, saturation, highFrequency, templateCorrelation, sqi, noisy: sqi < noisyBelow || tooFewBeats });
  }
  return windows;
}

/** Noisy windows merged into segments [start, end) of samples. */
export function noisySegments(windows: readonly QualityWindow[]): Segment[] {
  const out: Segment[] = [];
  for (const w of windows) {
    if (!w.noisy) continue;
    const last = out[out.length - 1];
    if (last && last.end === w.start) last.end = w.end;
    else out.push({ start: w.start, end: w.end });
  }
  return out;
}
