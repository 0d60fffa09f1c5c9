import { baselineWander, gaussian, mainsInterference, muscleNoise, qrsSignalPower, seededRandom } from './noise';

/**
 * Deterministic synthetic ECG for tests, simulated devices and the demo clinic.
 *
 * The waveform follows the idea of McSharry, Clifford, Tarassenko & Smith (IEEE Trans Biomed
 * Eng 50(3):289–294, 2003): each beat is a sum of five Gaussians (P, Q, R, S, T) placed at fixed
 * angles of one cardiac cycle, driven by a beat-to-beat RR series. Here the Gaussians are
 * written out directly in time around each R peak instead of integrating the model's ODE, so
 * the true R-peak sample is known exactly. In the spirit of the paper's rate scaling of the wave
 * angles, the P and T waves move and widen with the square root of the RR interval (the QT
 * shortens at high rates, as Bazett's relation has it); keeping the QRS at a fixed width is a
 * simplification of ours.
 */

/** One Gaussian wave: centre and width in seconds at RR = 1 s, amplitude relative to the R wave. */
interface Wave {
  centreS: number;
  widthS: number;
  amplitude: number;
  /** Whether position and width scale with √RR (P and T) or stay fixed (QRS). */
  scales: boolean;
}

// Angles of McSharry et al. Table 1 (−π/3, −π/12, 0, π/12, π/2) turned into seconds of a 1 s cycle.
const WAVES: readonly Wave[] = [
  { centreS: -1 / 6, widthS: 0.04, amplitude: 0.12, scales: true },
  { centreS: -1 / 24, widthS: 0.012, amplitude: -0.12, scales: false },
  { centreS: 0, widthS: 0.012, amplitude: 1, scales: false },
  { centreS: 1 / 24, widthS: 0.012, amplitude: -0.25, scales: false },
  { centreS: 0.25, widthS: 0.064, amplitude: 0.3, scales: true },
];
/** A Gaussian is evaluated out to this many widths (its tail beyond is below 10^-4 of its peak). */
const SUPPORT_WIDTHS = 4.5;

export interface RateSegment {
  /** Mean heart rate in this segment, beats per minute. */
  bpm: number;
  seconds: number;
}

export interface RrOptions {
  /** Rate profile, e.g. [{ bpm: 72, seconds: 60 }, { bpm: 125, seconds: 60 }]. */
  profile: readonly RateSegment[];
  /** Respiratory sinus arrhythmia: peak RR modulation in ms (default 0). */
  rsaMs?: number;
  /** Breathing rate for the RSA (default 0.25 Hz). */
  respirationHz?: number;
  /** Standard deviation of independent beat-to-beat jitter in ms (default 0). */
  jitterMs?: number;
  /** Seed for the jitter (default 1). */
  seed?: number;
}

export class SyntheticEcgError extends RangeError {
  override readonly name = 'SyntheticEcgError';
}

function checkProfile(profile: readonly RateSegment[]): void {
  if (profile.length === 0) throw new SyntheticEcgError('the rate profile is empty');
  for (const s of profile) {
    if (!(s.bpm >= 20 && s.bpm <= 300)) throw new SyntheticEcgError(`rate ${s.bpm}/min is outside 20–300/min`);
    if (!(s.seconds > 0) || !Number.isFinite(s.seconds)) throw new SyntheticEcgError(`segment length ${s.seconds} s must be positive and finite`);
  }
}

/**
 * RR intervals (ms) covering the profile: each beat takes the rate of the segment its R peak
 * falls in. The first R peak is at `firstBeatS(profile)`; beats continue while the next R peak
 * stays inside the profile's duration.
 */
export function rrSequence(options: RrOptions): Float64Array {
  checkProfile(options.profile);
  const rsa = options.rsaMs ?? 0;
  const fResp = options.respirationHz ?? 0.25;
  const jitter = options.jitterMs ?? 0;
  const normal = gaussian(seededRandom(options.seed ?? 1));
  const total = options.profile.reduce((s, p) => s + p.seconds, 0);
  const out: number[] = [];
  let t = firstBeatS(options.profile);
  for (;;) {
    let at = 0;
    let seg = options.profile[0]!;
    for (const s of options.profile) {
      seg = s;
      if (t < at + s.seconds) break;
      at += s.seconds;
    }
    const rr = 60000 / seg.bpm + rsa * Math.sin(2 * Math.PI * fResp * t) + jitter * normal();
    // Keep every interval physiological even with large jitter.
    const bounded = Math.min(3000, Math.max(200, rr));
    if (t + bounded / 1000 > total) break;
    out.push(bounded);
    t += bounded / 1000;
  }
  return Float64Array.from(out);
}

/** Time of the first R peak: half an interval in, so the first P wave lies inside the signal. */
export function firstBeatS(profile: readonly RateSegment[]): number {
  checkProfile(profile);
  return 30 / profile[0]!.bpm;
}

export interface SyntheticNoise {
  seed: number;
  /** Muscle (EMG-like) noise at this SNR in dB (MIT-BIH NST definition, see noise.ts). */
  muscleSnrDb?: number;
  /** Peak baseline wander in µV. */
  baselineUv?: number;
  /** Mains interference frequency (50 or 60 Hz) and amplitude in µV. */
  mains?: { hz: number; amplitudeUv: number };
}

export interface SyntheticEcgOptions {
  fs: number;
  /** RR intervals in ms between successive R peaks (n intervals give n + 1 beats). */
  rrMs: ArrayLike<number>;
  /** Time of the first R peak in seconds (default 0.5 s). */
  firstBeatS?: number;
  /** Signal length in seconds (default: half a second after the last R peak). */
  durationSeconds?: number;
  /** R-wave amplitude in µV (default 1000 µV, a typical chest-strap lead). */
  amplitudeUv?: number;
  noise?: SyntheticNoise;
}

export interface SyntheticEcg {
  fs: number;
  /** ECG in µV. */
  samplesUv: Float32Array;
  /** True R-peak sample indices (beats inside the signal only). */
  rPeaks: Int32Array;
  /** The RR intervals used (ms). */
  rrMs: Float64Array;
}

/** Synthesises an ECG at rate fs from an RR series. Same options, same samples. */
export function syntheticEcg(options: SyntheticEcgOptions): SyntheticEcg {
  const { fs } = options;
  if (!(fs >= 50 && fs <= 20000)) throw new SyntheticEcgError(`sampling rate ${fs} Hz is outside 50–20000 Hz`);
  const rr = Float64Array.from(Array.from({ length: options.rrMs.length }, (_, i) => options.rrMs[i]!));
  for (const v of rr) if (!(v >= 100 && v <= 5000)) throw new SyntheticEcgError(`RR interval ${v} ms is outside 100–5000 ms`);
  const amplitude = options.amplitudeUv ?? 1000;
  if (!Number.isFinite(amplitude)) throw new SyntheticEcgError('amplitude must be finite');
  const first = options.firstBeatS ?? 0.5;
  const beatTimes = new Float64Array(rr.length + 1);
  beatTimes[0] = first;
  for (let i = 0; i < rr.length; i++) beatTimes[i + 1] = beatTimes[i]! + rr[i]! / 1000;
  const duration = options.durationSeconds ?? beatTimes[rr.length]! + 0.5;
  if (!(duration > 0) || !Number.isFinite(duration)) throw new SyntheticEcgError(`duration ${duration} s must be positive and finite`);
  const length = Math.round(duration * fs);
  const x = new Float32Array(length);
  const peaks: number[] = [];
  for (let k = 0; k < beatTimes.length; k++) {
    const tR = beatTimes[k]!;
    // The beat's own RR: the interval before it (the one after it for the first beat).
    const rrS = (k > 0 ? rr[k - 1]! : rr[0] ?? 1000) / 1000;
    const stretch = Math.sqrt(rrS);
    // R-peak sample: Gaussians are centred on that sample so the true peak is exactly there.
    const rIndex = Math.round(tR * fs);
    if (rIndex >= 0 && rIndex < length) peaks.push(rIndex);
    for (const w of WAVES) {
      const centre = rIndex / fs + w.centreS * (w.scales ? stretch : 1);
      const width = w.widthS * (w.scales ? stretch : 1);
      const lo = Math.max(0, Math.ceil((centre - SUPPORT_WIDTHS * width) * fs));
      const hi = Math.min(length - 1, Math.floor((centre + SUPPORT_WIDTHS * width) * fs));
      const a = w.amplitude * amplitude;
      const inv = 1 / (2 * width * width);
      for (let i = lo; i <= hi; i++) {
        const d = i / fs - centre;
        x[i] = x[i]! + a * Math.exp(-d * d * inv);
      }
    }
  }
  const rPeaks = Int32Array.from(peaks);
  return { fs, samplesUv: options.noise ? addNoise(x, fs, rPeaks, options.noise) : x, rPeaks, rrMs: rr };
}

function addNoise(x: Float32Array, fs: number, rPeaks: Int32Array, noise: SyntheticNoise): Float32Array {
  const out = Float32Array.from(x);
  const add = (d: Float32Array): void => {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + d[i]!;
  };
  if (noise.baselineUv !== undefined) add(baselineWander(x.length, fs, { seed: noise.seed, amplitude: noise.baselineUv }));
  if (noise.mains !== undefined) add(mainsInterference(x.length, fs, { seed: noise.seed + 1, frequency: noise.mains.hz, amplitude: noise.mains.amplitudeUv }));
  if (noise.muscleSnrDb !== undefined && rPeaks.length > 0) {
    add(muscleNoise(x.length, fs, { seed: noise.seed + 2, snrDb: noise.muscleSnrDb, signalPower: qrsSignalPower(x, rPeaks, fs) }));
  }
  return out;
}

/** A synthetic ECG following a rate profile (see rrSequence). */
export function syntheticEcgForProfile(fs: number, rr: RrOptions, options: Omit<SyntheticEcgOptions, 'fs' | 'rrMs' | 'firstBeatS' | 'durationSeconds'> = {}): SyntheticEcg {
  const rrMs = rrSequence(rr);
  const durationSeconds = rr.profile.reduce((s, p) => s + p.seconds, 0);
  return syntheticEcg({ ...options, fs, rrMs, firstBeatS: firstBeatS(rr.profile), durationSeconds });
}
