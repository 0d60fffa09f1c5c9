import { BUTTERWORTH2_Q, BUTTERWORTH4_Q, groupDelay, highpass, lowpass, type Biquad } from './filters';

/**
 * Streaming QRS detector of the Pan–Tompkins family (Pan & Tompkins, IEEE Trans Biomed Eng
 * 32(3):230–236, 1985): band-pass, derivative, squaring, moving-window integration, then
 * adaptive signal/noise peak levels, a refractory period, T-wave discrimination by slope and a
 * search-back for missed beats. Departures from the paper, each for robustness on wearable
 * signals:
 * - every filter is designed for the actual sampling rate (bilinear transform) instead of the
 *   paper's integer-coefficient 200 Hz filters, and every duration is in seconds;
 * - peak levels are kept on the square root of the integrated energy (an RMS slope), so a
 *   gain change scales them linearly, and each level update is clipped (a single artifact
 *   cannot lift the levels above the beats that follow);
 * - the signal level decays when the search-back finds nothing, so the detector recovers from
 *   a gain drop or a burst of artifact that inflated it;
 * - the R peak is located on the input signal near the delay-compensated band-pass extremum.
 *
 * The detector is deterministic: the beats it reports do not depend on how the input is cut
 * into chunks. Beats come out in order, at most `maxLatencySeconds` after their R peak.
 */
export interface QrsDetectorOptions {
  /** Seconds of signal used to learn the initial levels (default 2 s, as in the paper). */
  learningSeconds?: number;
}

const BAND_LOW_HZ = 5;
const BAND_HIGH_HZ = 15;
const DERIVATIVE_SPAN_S = 0.01;
const INTEGRATION_S = 0.15;
/** A candidate is a maximum of the integrated signal not exceeded for this long after it. */
const PEAK_HOLD_S = 0.2;
const REFRACTORY_S = 0.2;
const T_WAVE_WINDOW_S = 0.36;
const SEARCH_MARGIN_S = 0.05;
const REFINE_HALF_S = 0.05;
const RR_MIN_S = 0.25;
const RR_MAX_S = 2;
const SEARCH_BACK_RR = 1.66;
const THRESHOLD_FRACTION = 0.3;
const LEVEL_CLIP = 2;
const SEARCH_BACK_CAPACITY = 64;
/** Share of the signal level kept (above the noise level) per half second without any beat. */
const SIGNAL_DECAY = 0.7;

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

export class QrsDetector {
  readonly fs: number;
  /** Upper bound of the delay between an R peak and the push() that reports it. */
  readonly maxLatencySeconds: number;

  // Filter design (fixed for the detector's life).
  private readonly sections: Biquad[];
  private readonly derivativeSpan: number;
  private readonly window: number;
  private readonly hold: number;
  private readonly bandDelay: number;
  private readonly refractory: number;
  private readonly tWave: number;
  private readonly margin: number;
  private readonly refineHalf: number;
  private readonly learnSamples: number;
  private readonly lag: number;
  /** Search-back looks no further back than this, which bounds the latency. */
  private readonly searchSpan: number;

  // Rings (power-of-two length): input, band-passed, |derivative|, squared derivative.
  private readonly mask: number;
  private readonly raw: Float32Array;
  private readonly band: Float32Array;
  private readonly slope: Float32Array;
  private readonly energy: Float64Array;

  // Per-sample state, copied to locals inside push().
  private n = 0;
  /** Samples received when a candidate or timer is handled (the loop's position, not yet written back to n). */
  private cursor = 0;
  private offset = NaN;
  private readonly z = new Float64Array(6);
  private sum = 0;
  private pkVal = 0;
  private pkIdx = 0;
  private rising = false;
  private nextCheck: number;

  // Classification state.
  private learning = true;
  private learnCount = 0;
  private readonly learnI: number[] = [];
  private readonly learnA: number[] = [];
  private readonly learnS: number[] = [];
  private readonly learnR: number[] = [];
  private spk = 0;
  private npk = 0;
  private lastR = -1;
  private lastSlope = 0;
  private readonly rr = new Float64Array(8);
  private rrSum = 0;
  private rrPos = 0;
  private sbCount = 0;
  private readonly sbA = new Float64Array(SEARCH_BACK_CAPACITY);
  private readonly sbS = new Float64Array(SEARCH_BACK_CAPACITY);
  private readonly sbR = new Float64Array(SEARCH_BACK_CAPACITY);

  private out = new Int32Array(64);
  private outLen = 0;

  constructor(fs: number, options: QrsDetectorOptions = {}) {
    if (!(fs >= 50 && fs <= 20000)) throw new RangeError(`sampling rate ${fs} Hz is outside 50–20000 Hz`);
    this.fs = fs;
    const hp = highpass(BAND_LOW_HZ, fs, BUTTERWORTH2_Q);
    this.sections = [hp, lowpass(BAND_HIGH_HZ, fs, BUTTERWORTH4_Q[0]), lowpass(BAND_HIGH_HZ, fs, BUTTERWORTH4_Q[1])];
    this.derivativeSpan = Math.max(1, Math.round(DERIVATIVE_SPAN_S * fs));
    this.window = Math.max(2, Math.round(INTEGRATION_S * fs));
    this.hold = Math.max(2, Math.round(PEAK_HOLD_S * fs));
    this.bandDelay = Math.round(groupDelay(this.sections, 10, fs));
    this.refractory = Math.round(REFRACTORY_S * fs);
    this.tWave = Math.round(T_WAVE_WINDOW_S * fs);
    this.margin = Math.round(SEARCH_MARGIN_S * fs);
    this.refineHalf = Math.max(1, Math.round(REFINE_HALF_S * fs));
    this.learnSamples = Math.round((options.learningSeconds ?? 2) * fs);
    // An integrated peak lags its R peak by up to the window, the band delay and the margin.
    this.lag = this.hold + this.window + this.margin + this.bandDelay;
    const lookback = this.lag + this.refineHalf + this.derivativeSpan + 8;
    const size = nextPow2(lookback + 1);
    this.mask = size - 1;
    this.raw = new Float32Array(size);
    this.band = new Float32Array(size);
    this.slope = new Float32Array(size);
    this.energy = new Float64Array(size);
    this.rr.fill(fs);
    this.rrSum = 8 * fs;
    this.nextCheck = this.learnSamples;
    this.searchSpan = Math.round(SEARCH_BACK_RR * RR_MAX_S * fs);
    this.maxLatencySeconds = (Math.max(this.learnSamples, this.searchSpan) + this.lag + this.hold) / fs;
  }

  /** Feeds the next samples; returns the beats (R-peak sample indices from the stream start) confirmed so far. */
  push(x: ArrayLike<number>): Int32Array {
    const len = x.length;
    if (len === 0) return this.takeBeats();
    if (Number.isNaN(this.offset)) this.offset = x[0]! || 0;
    const [s0, s1, s2] = this.sections as [Biquad, Biquad, Biquad];
    const a0b0 = s0.b0, a0b1 = s0.b1, a0b2 = s0.b2, a0a1 = s0.a1, a0a2 = s0.a2;
    const a1b0 = s1.b0, a1b1 = s1.b1, a1b2 = s1.b2, a1a1 = s1.a1, a1a2 = s1.a2;
    const a2b0 = s2.b0, a2b1 = s2.b1, a2b2 = s2.b2, a2a1 = s2.a1, a2a2 = s2.a2;
    const z = this.z;
    let z00 = z[0]!, z01 = z[1]!, z10 = z[2]!, z11 = z[3]!, z20 = z[4]!, z21 = z[5]!;
    const raw = this.raw, band = this.band, slope = this.slope, energy = this.energy, mask = this.mask;
    const span = this.derivativeSpan, win = this.window, hold = this.hold;
    const offset = this.offset;
    let sum = this.sum, pkVal = this.pkVal, pkIdx = this.pkIdx, rising = this.rising;
    let n = this.n;
    for (let k = 0; k < len; k++, n++) {
      let v = x[k]!;
      // A non-finite sample (dropout) is held at the filter's rest value rather than poisoning the state.
      if (!(v === v) || v === Infinity || v === -Infinity) v = offset;
      raw[n & mask] = v;
      const u = v - offset;
      const y0 = a0b0 * u + z00;
      z00 = a0b1 * u - a0a1 * y0 + z01;
      z01 = a0b2 * u - a0a2 * y0;
      const y1 = a1b0 * y0 + z10;
      z10 = a1b1 * y0 - a1a1 * y1 + z11;
      z11 = a1b2 * y0 - a1a2 * y1;
      const y2 = a2b0 * y1 + z20;
      z20 = a2b1 * y1 - a2a1 * y2 + z21;
      z21 = a2b2 * y1 - a2a2 * y2;
      band[n & mask] = y2;
      const d = y2 - band[(n - span) & mask]!;
      slope[n & mask] = d < 0 ? -d : d;
      const e = d * d;
      sum += e - energy[(n - win) & mask]!;
      energy[n & mask] = e;
      const f = sum > 0 ? sum : 0;
      if (rising) {
        if (f > pkVal) {
          pkVal = f;
          pkIdx = n;
        } else if (n - pkIdx >= hold) {
          this.cursor = n + 1;
          this.candidate(pkIdx, pkVal);
          rising = false;
          pkVal = f;
          pkIdx = n;
        }
      } else if (f <= pkVal) {
        pkVal = f;
        pkIdx = n;
      } else {
        rising = true;
        pkVal = f;
        pkIdx = n;
      }
      if (n >= this.nextCheck) {
        this.cursor = n + 1;
        this.timer(n);
      }
    }
    z[0] = z00; z[1] = z01; z[2] = z10; z[3] = z11; z[4] = z20; z[5] = z21;
    this.sum = sum;
    this.pkVal = pkVal;
    this.pkIdx = pkIdx;
    this.rising = rising;
    this.n = n;
    return this.takeBeats();
  }

  /** Ends the stream: classifies what is still pending and returns the last beats. */
  flush(): Int32Array {
    this.cursor = this.n;
    if (this.rising) this.candidate(this.pkIdx, this.pkVal);
    this.rising = false;
    if (this.learning) this.endLearning();
    this.searchBack(this.n, false);
    return this.takeBeats();
  }

  /** Samples consumed so far. */
  get samplesSeen(): number {
    return this.n;
  }

  private takeBeats(): Int32Array {
    const beats = this.out.slice(0, this.outLen);
    this.outLen = 0;
    return beats;
  }

  private emit(r: number): void {
    if (this.outLen === this.out.length) {
      const grown = new Int32Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.outLen++] = r;
  }

  /** A maximum of the integrated signal at sample i: measure it, then learn from it or classify it. */
  private candidate(i: number, integrated: number): void {
    const mask = this.mask;
    const amplitude = Math.sqrt(integrated / this.window);
    const from = Math.max(0, i - this.window - this.margin, this.cursor - mask + this.refineHalf);
    let maxSlope = 0;
    let maxBand = -1;
    let at = i;
    for (let j = from; j <= i; j++) {
      const s = this.slope[j & mask]!;
      if (s > maxSlope) maxSlope = s;
      const b = Math.abs(this.band[j & mask]!);
      if (b > maxBand) {
        maxBand = b;
        at = j;
      }
    }
    const centre = Math.max(0, at - this.bandDelay);
    const r = this.refine(centre);
    if (this.learning) {
      this.learnI.push(i);
      this.learnA.push(amplitude);
      this.learnS.push(maxSlope);
      this.learnR.push(r);
      this.learnCount++;
      return;
    }
    this.classify(amplitude, maxSlope, r);
  }

  /** The R peak: the input sample farthest from the window's mean within ± REFINE_HALF_S of the estimate. */
  private refine(centre: number): number {
    const mask = this.mask;
    const lo = Math.max(0, centre - this.refineHalf, this.cursor - mask);
    const hi = Math.min(this.cursor - 1, centre + this.refineHalf);
    if (hi < lo) return centre;
    let mean = 0;
    for (let j = lo; j <= hi; j++) mean += this.raw[j & mask]!;
    mean /= hi - lo + 1;
    let best = -1;
    let at = centre;
    for (let j = lo; j <= hi; j++) {
      const dev = Math.abs(this.raw[j & mask]! - mean);
      if (dev > best) {
        best = dev;
        at = j;
      }
    }
    return at;
  }

  private get threshold(): number {
    return this.npk + THRESHOLD_FRACTION * (this.spk - this.npk);
  }

  private get rrMean(): number {
    return this.rrSum / 8;
  }

  private classify(a: number, s: number, r: number): void {
    this.searchBack(r, false);
    if (this.lastR >= 0 && r - this.lastR < this.refractory) return;
    if (a > this.threshold) {
      if (this.lastR >= 0 && r - this.lastR < this.tWave && s < 0.5 * this.lastSlope) {
        this.noise(a, s, r);
        return;
      }
      this.accept(a, s, r, 0.125);
      return;
    }
    this.noise(a, s, r);
  }

  private noise(a: number, s: number, r: number): void {
    this.npk += 0.125 * (Math.min(a, this.spk) - this.npk);
    if (this.sbCount === SEARCH_BACK_CAPACITY) {
      this.sbA.copyWithin(0, 1);
      this.sbS.copyWithin(0, 1);
      this.sbR.copyWithin(0, 1);
      this.sbCount--;
    }
    const k = this.sbCount++;
    this.sbA[k] = a;
    this.sbS[k] = s;
    this.sbR[k] = r;
  }

  private accept(a: number, s: number, r: number, rate: number): void {
    this.spk += rate * (Math.min(a, LEVEL_CLIP * this.spk) - this.spk);
    if (this.lastR >= 0) {
      const interval = Math.min(RR_MAX_S * this.fs, Math.max(RR_MIN_S * this.fs, r - this.lastR));
      this.rrSum += interval - this.rr[this.rrPos]!;
      this.rr[this.rrPos] = interval;
      this.rrPos = (this.rrPos + 1) & 7;
    }
    this.lastR = r;
    this.lastSlope = s;
    this.sbCount = 0;
    this.nextCheck = r + Math.ceil(SEARCH_BACK_RR * this.rrMean) + this.lag;
    this.emit(r);
  }

  /**
   * When no beat came for 1.66 mean RR, take the largest noise peak since the last beat that
   * clears half the threshold (Pan–Tompkins search-back). If none does, lower the signal level.
   */
  private searchBack(now: number, fromTimer: boolean): void {
    if (this.learning) return;
    const limit = this.lastR < 0 ? 0 : this.lastR + SEARCH_BACK_RR * this.rrMean;
    if (now < limit) return;
    const floor = 0.5 * this.threshold;
    let best = -1;
    for (let k = 0; k < this.sbCount; k++) {
      const r = this.sbR[k]!;
      if (r < now - this.searchSpan) continue;
      if (this.lastR >= 0 && r - this.lastR < this.refractory) continue;
      if (this.lastR >= 0 && r - this.lastR < this.tWave && this.sbS[k]! < 0.5 * this.lastSlope) continue;
      if (this.sbA[k]! > floor && (best < 0 || this.sbA[k]! > this.sbA[best]!)) best = k;
    }
    if (best >= 0) {
      const a = this.sbA[best]!, s = this.sbS[best]!, r = this.sbR[best]!;
      // Keep the noise peaks after the recovered beat: the gap after it may hide another.
      const rest = this.sbCount - best - 1;
      this.accept(a, s, r, 0.25);
      this.sbA.copyWithin(0, best + 1, best + 1 + rest);
      this.sbS.copyWithin(0, best + 1, best + 1 + rest);
      this.sbR.copyWithin(0, best + 1, best + 1 + rest);
      this.sbCount = rest;
      this.searchBack(now, fromTimer);
      return;
    }
    if (fromTimer) {
      this.spk = this.npk + SIGNAL_DECAY * (this.spk - this.npk);
      this.nextCheck = this.cursor + Math.round(0.5 * this.fs);
    }
  }

  private timer(n: number): void {
    if (this.learning) {
      if (this.learnCount === 0) {
        this.nextCheck = n + this.learnSamples;
        return;
      }
      this.endLearning();
      return;
    }
    this.searchBack(n - this.lag, true);
  }

  /** Initial levels from the learning period (largest peak as signal, median peak as noise), then classify its candidates. */
  private endLearning(): void {
    this.learning = false;
    const count = this.learnA.length;
    if (count === 0) {
      this.nextCheck = this.cursor + this.learnSamples;
      return;
    }
    const sorted = [...this.learnA].sort((p, q) => p - q);
    this.spk = sorted[count - 1]!;
    this.npk = Math.min(sorted[(count - 1) >> 1]!, 0.5 * this.spk);
    this.nextCheck = Number.MAX_SAFE_INTEGER;
    for (let k = 0; k < count; k++) this.classify(this.learnA[k]!, this.learnS[k]!, this.learnR[k]!);
    this.learnA.length = this.learnS.length = this.learnR.length = this.learnI.length = 0;
    if (this.lastR < 0) this.nextCheck = this.cursor + Math.round(0.5 * this.fs);
  }
}
