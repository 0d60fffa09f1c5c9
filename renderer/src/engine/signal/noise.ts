import { BUTTERWORTH2_Q, highpass, lowpass, type Biquad } from './qrs/filters';

/**
 * Seeded, reproducible disturbances for ECG stress tests, the demo and simulated streams:
 * baseline wander, mains interference, muscle (EMG-like) noise at a chosen SNR, electrode-motion
 * artifacts, polarity inversion, gain changes and band-limited resampling. Every generator
 * returns new arrays and leaves its input untouched.
 */

/** Seeded PRNG (mulberry32), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates from a uniform source (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function filterInPlace(x: Float32Array, s: Biquad): void {
  let z1 = 0, z2 = 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const y = s.b0 * u + z1;
    z1 = s.b1 * u - s.a1 * y + z2;
    z2 = s.b2 * u - s.a2 * y;
    x[i] = y;
  }
}

/** Element-wise sum of a signal and any number of disturbances of the same length. */
export function mix(signal: Float32Array, ...disturbances: Float32Array[]): Float32Array {
  const out = Float32Array.from(signal);
  for (const d of disturbances) {
    if (d.length !== out.length) throw new RangeError('a disturbance differs in length from the signal');
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + d[i]!;
  }
  return out;
}

export interface BaselineWanderOptions {
  seed: number;
  /** Peak amplitude in signal units (default 1, i.e. 1 mV for an ECG in mV). */
  amplitude?: number;
}

/**
 * Respiration-driven wander (one sinusoid at 0.12–0.5 Hz) plus a slower drift (0.02–0.1 Hz)
 * and a little low-passed random walk, scaled to the peak amplitude.
 */
export function baselineWander(length: number, fs: number, options: BaselineWanderOptions): Float32Array {
  const rand = seededRandom(options.seed);
  const normal = gaussian(rand);
  const amplitude = options.amplitude ?? 1;
  const fResp = 0.12 + 0.38 * rand();
  const fDrift = 0.02 + 0.08 * rand();
  const pResp = 2 * Math.PI * rand();
  const pDrift = 2 * Math.PI * rand();
  const out = new Float32Array(length);
  let walk = 0;
  const pole = Math.exp(-2 * Math.PI * 0.05 / fs);
  let peak = 0;
  for (let i = 0; i < length; i++) {
    const t = i / fs;
    walk = pole * walk + (1 - pole) * normal() * 40;
    const v = 0.6 * Math.sin(2 * Math.PI * fResp * t + pResp) + 0.4 * Math.sin(2 * Math.PI * fDrift * t + pDrift) + walk;
    out[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  if (peak > 0) for (let i = 0; i < length; i++) out[i] = (out[i]! / peak) * amplitude;
  return out;
}

export interface MainsOptions {
  /** 50 or 60 Hz (any frequency below Nyquist is accepted). */
  frequency: number;
  /** Amplitude of the fundamental in signal units (default 0.3). */
  amplitude?: number;
  seed: number;
}

/** Mains hum: the fundamental with a slowly varying amplitude (±20 %) and a third harmonic at a quarter of it when below Nyquist. */
export function mainsInterference(length: number, fs: number, options: MainsOptions): Float32Array {
  const rand = seededRandom(options.seed);
  const amplitude = options.amplitude ?? 0.3;
  const f = options.frequency;
  const phase = 2 * Math.PI * rand();
  const fMod = 0.05 + 0.2 * rand();
  const out = new Float32Array(length);
  const third = 3 * f < fs / 2;
  for (let i = 0; i < length; i++) {
    const t = i / fs;
    const a = amplitude * (1 + 0.2 * Math.sin(2 * Math.PI * fMod * t));
    out[i] = a * Math.sin(2 * Math.PI * f * t + phase) + (third ? 0.25 * a * Math.sin(2 * Math.PI * 3 * f * t + 3 * phase) : 0);
  }
  return out;
}

/**
 * Power of an ECG as the MIT-BIH Noise Stress Test Database defines it for SNR: the square of
 * the median peak-to-peak QRS amplitude (within ±60 ms of each reference beat) divided by 8.
 */
export function qrsSignalPower(signal: Float32Array, beats: ArrayLike<number>, fs: number): number {
  const half = Math.round(0.06 * fs);
  const pp: number[] = [];
  for (let k = 0; k < beats.length; k++) {
    const b = beats[k]!;
    let lo = Infinity, hi = -Infinity;
    for (let i = Math.max(0, b - half); i <= Math.min(signal.length - 1, b + half); i++) {
      const v = signal[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi >= lo) pp.push(hi - lo);
  }
  if (pp.length === 0) throw new RangeError('no beats to measure the QRS amplitude from');
  pp.sort((a, b) => a - b);
  const median = pp[pp.length >> 1]!;
  return (median * median) / 8;
}

export interface MuscleNoiseOptions {
  seed: number;
  /** Target SNR in dB against `signalPower` (see qrsSignalPower). */
  snrDb: number;
  signalPower: number;
}

/**
 * EMG-like noise: white Gaussian noise shaped to the band where surface EMG holds most of its
 * power and still overlaps the QRS complex (2nd-order high-pass at 10 Hz, 2nd-order low-pass at
 * 150 Hz or 0.4·fs), scaled so that its variance gives the requested SNR.
 */
export function muscleNoise(length: number, fs: number, options: MuscleNoiseOptions): Float32Array {
  const normal = gaussian(seededRandom(options.seed));
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = normal();
  filterInPlace(out, highpass(10, fs, BUTTERWORTH2_Q));
  filterInPlace(out, lowpass(Math.min(150, 0.4 * fs), fs, BUTTERWORTH2_Q));
  let power = 0;
  for (let i = 0; i < length; i++) power += out[i]! * out[i]!;
  power /= Math.max(1, length);
  const target = options.signalPower / 10 ** (options.snrDb / 10);
  const scale = power > 0 ? Math.sqrt(target / power) : 0;
  for (let i = 0; i < length; i++) out[i] = out[i]! * scale;
  return out;
}

export interface ElectrodeMotionOptions {
  seed: number;
  /** Mean number of artifacts per minute (Poisson; default 2). */
  perMinute?: number;
  /** Largest step in signal units (default 2); each step is uniform in ±[0.25, 1]·amplitude. */
  amplitude?: number;
}

/**
 * Electrode-motion artifacts: baseline steps that rise over 20–200 ms (raised cosine) and then
 * relax back with a 0.3–1.5 s time constant, as an AC-coupled front end shows a shifted
 * electrode potential. Returns the disturbance and the start sample of each artifact.
 */
export function electrodeMotion(length: number, fs: number, options: ElectrodeMotionOptions): { noise: Float32Array; events: Int32Array } {
  const rand = seededRandom(options.seed);
  const perMinute = options.perMinute ?? 2;
  const amplitude = options.amplitude ?? 2;
  const out = new Float32Array(length);
  const events: number[] = [];
  let t = 0;
  while (perMinute > 0) {
    t += (-Math.log(1 - rand()) * 60) / perMinute;
    const start = Math.round(t * fs);
    if (start >= length) break;
    events.push(start);
    const step = (rand() < 0.5 ? -1 : 1) * amplitude * (0.25 + 0.75 * rand());
    const rise = Math.max(1, Math.round((0.02 + 0.18 * rand()) * fs));
    const decay = (0.3 + 1.2 * rand()) * fs;
    const stop = Math.min(length, start + rise + Math.round(8 * decay));
    for (let i = start; i < stop; i++) {
      const k = i - start;
      out[i] = out[i]! + (k < rise ? (step * (1 - Math.cos((Math.PI * k) / rise))) / 2 : step * Math.exp(-(k - rise) / decay));
    }
  }
  return { noise: out, events: Int32Array.from(events) };
}

/** Polarity inversion (a reversed lead). */
export function invert(signal: Float32Array): Float32Array {
  return signal.map((v) => -v);
}

/** Multiplies the signal by `gain` from sample `from` on (0 by default: the whole signal). */
export function applyGain(signal: Float32Array, gain: number, from = 0): Float32Array {
  const out = Float32Array.from(signal);
  for (let i = Math.max(0, from); i < out.length; i++) out[i] = out[i]! * gain;
  return out;
}

/**
 * Band-limited resampling by windowed-sinc interpolation (Blackman window, 12 zero crossings
 * each side, cut-off at 0.45 of the lower rate), from a tabulated kernel. Output sample m sits
 * at time m / fsOut, so sample times (and annotated beats, see moveBeats) keep their meaning.
 */
export function resample(signal: Float32Array, fsIn: number, fsOut: number): Float32Array {
  if (!(fsIn > 0) || !(fsOut > 0)) throw new RangeError('sampling rates must be positive');
  const n = signal.length;
  const outLength = Math.floor(((n - 1) * fsOut) / fsIn) + 1;
  const out = new Float32Array(Math.max(0, outLength));
  if (n === 0) return out;
  if (fsIn === fsOut) {
    out.set(signal);
    return out;
  }
  const fc = 0.45 * Math.min(fsIn, fsOut);
  const zeros = 12;
  const halfWidth = zeros / (2 * fc); // seconds
  const perZero = 512;
  const tableLength = zeros * perZero + 2;
  const table = new Float64Array(tableLength);
  for (let k = 0; k < tableLength; k++) {
    const tau = (k / perZero) / (2 * fc);
    const arg = 2 * fc * tau;
    const sinc = k === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
    const w = Math.min(1, tau / halfWidth);
    const blackman = 0.42 + 0.5 * Math.cos(Math.PI * w) + 0.08 * Math.cos(2 * Math.PI * w);
    table[k] = (2 * fc / fsIn) * sinc * blackman;
  }
  const scale = 2 * fc * perZero; // table index per second of |t|
  const reach = Math.ceil(halfWidth * fsIn);
  for (let m = 0; m < out.length; m++) {
    const t = m / fsOut;
    const centre = Math.round(t * fsIn);
    let acc = 0;
    for (let k = centre - reach; k <= centre + reach; k++) {
      const pos = Math.abs(t - k / fsIn) * scale;
      if (pos >= tableLength - 1) continue;
      const j = pos | 0;
      const frac = pos - j;
      const h = table[j]! + frac * (table[j + 1]! - table[j]!);
      // Mirror the signal at its ends so the edges carry no artificial step.
      const idx = k < 0 ? -k : k >= n ? 2 * (n - 1) - k : k;
      acc += h * signal[Math.min(n - 1, Math.max(0, idx))]!;
    }
    out[m] = acc;
  }
  return out;
}

/** Moves annotated sample indices to another sampling rate (same times). */
export function moveBeats(beats: ArrayLike<number>, fsIn: number, fsOut: number): Int32Array {
  const out = new Int32Array(beats.length);
  for (let i = 0; i < beats.length; i++) out[i] = Math.round((beats[i]! * fsOut) / fsIn);
  return out;
}
