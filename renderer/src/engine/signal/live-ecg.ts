import { hrv, type HrvResult } from './hrv';
import { QrsDetector } from './qrs/detector';
import { signalQuality } from './quality';

/**
 * Engine-side processing of one live ECG stream (a chest strap, a patch): chunks of samples
 * with the host time of their first sample go in; beats, RR intervals, heart rate per beat and
 * per second, HRV over the last 5 minutes and a signal-quality index per 10 s window come out.
 *
 * Determinism: every output is computed at a fixed point of the sample clock (a beat when the
 * streaming detector confirms it, a second or a window once the detector can no longer report a
 * beat inside it), so how the stream is cut into chunks never changes the results.
 * Memory is bounded: a ring of raw samples one quality window plus the detector latency long,
 * and the RR intervals of the HRV window.
 *
 * Time: the first chunk of a segment anchors the sample clock (sample n at startMs + n/fs). A
 * chunk that starts later than the next expected sample means lost samples: a short gap is
 * bridged by holding the last value (its windows are flagged), a long one or a change of
 * sampling rate starts a new segment (new detector, no RR interval across the gap).
 */

export interface LiveEcgChunk {
  /** Host time (epoch ms) of the first sample. */
  startMs: number;
  fs: number;
  samplesUv: ArrayLike<number>;
}

export interface LiveBeat {
  timeMs: number;
  /** Interval from the previous beat of the same segment, ms; null for a segment's first beat. */
  rrMs: number | null;
  /** Instantaneous rate 60000 / RR, per minute; null with no RR. */
  bpm: number | null;
}

export interface HeartRatePoint {
  /** End of the second the value describes (host epoch ms). */
  timeMs: number;
  /** Smoothed rate over the preceding `smoothingSeconds`; null when too few beats fell in it. */
  bpm: number | null;
}

export interface EcgQualityWindow {
  startMs: number;
  endMs: number;
  /** Signal-quality index in [0, 1] (quality.ts). */
  sqi: number;
  beats: number;
  noisy: boolean;
  /** Samples were missing in this window and were bridged. */
  gap: boolean;
}

export interface LiveHrv {
  /** End of the quality window at which it was computed. */
  timeMs: number;
  windowMs: number;
  /** RR intervals in the window, intervals kept as normal-to-normal, successive differences used. */
  intervals: number;
  nn: number;
  differences: number;
  /** NaN when too few clean intervals. */
  rmssdMs: number;
  sdnnMs: number;
  pnn50: number;
}

export interface LiveEcgOutput {
  beats: LiveBeat[];
  heartRate: HeartRatePoint[];
  quality: EcgQualityWindow[];
  hrv: LiveHrv[];
}

export interface LiveEcgOptions {
  /** Quality window length (default 10 s). */
  qualityWindowSeconds?: number;
  /** HRV window (default 5 min, the Task Force short-term recording). */
  hrvWindowMs?: number;
  /** Smoothing window of the per-second heart rate (default 5 s). */
  smoothingSeconds?: number;
  /** Longest gap bridged by holding the last value; longer gaps start a new segment (default 2 s). */
  maxBridgedGapSeconds?: number;
  /** SQI below which a window is noisy (default 0.5, as quality.ts). */
  noisyBelow?: number;
}

export class LiveEcgError extends RangeError {
  override readonly name = 'LiveEcgError';
}

interface RrEntry {
  timeMs: number;
  rrMs: number;
  /** Sample index of the beat ending the interval (segment clock). */
  sample: number;
  segment: number;
  noisy: boolean;
}

/** RR intervals outside 250–3000 ms (240/min to 20/min) are not used for the smoothed rate. */
const RR_MIN_MS = 250;
const RR_MAX_MS = 3000;
/** An interval is left out of the smoothed rate when it differs from the window's median by more than this share (a missed or extra beat). */
const RR_OUTLIER = 0.3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Smoothed rate from RR intervals: outliers against the median dropped, then 60000 / mean. */
function smoothedRate(rr: number[]): number | null {
  const plausible = rr.filter((v) => v >= RR_MIN_MS && v <= RR_MAX_MS);
  if (plausible.length < 2) return null;
  const m = median(plausible);
  const kept = plausible.filter((v) => Math.abs(v - m) <= RR_OUTLIER * m);
  if (kept.length < 2) return null;
  return 60000 / (kept.reduce((s, v) => s + v, 0) / kept.length);
}

class Segment {
  readonly detector: QrsDetector;
  readonly latency: number;
  readonly ring: Float32Array;
  readonly mask: number;
  n = 0;
  lastValue = 0;
  lastBeat = -1;
  /** Next second (index from the segment start) whose heart rate is due. */
  nextSecond = 1;
  /** Next quality window index due. */
  nextWindow = 0;
  /** Beat sample indices not yet older than every pending window and second. */
  recentBeats: number[] = [];
  /** Bridged sample ranges [from, to) not yet behind every pending window. */
  bridged: [number, number][] = [];

  constructor(
    readonly id: number,
    readonly fs: number,
    readonly t0: number,
    readonly windowSamples: number,
    smoothingSamples: number,
  ) {
    this.detector = new QrsDetector(fs);
    this.latency = Math.ceil(this.detector.maxLatencySeconds * fs) + 1;
    let size = 1;
    while (size < windowSamples + Math.max(this.latency, smoothingSamples) + 2 * fs) size <<= 1;
    this.ring = new Float32Array(size);
    this.mask = size - 1;
  }

  timeOf(sample: number): number {
    return this.t0 + (sample * 1000) / this.fs;
  }
}

export class LiveEcgProcessor {
  private readonly windowSeconds: number;
  private readonly hrvWindowMs: number;
  private readonly smoothingSeconds: number;
  private readonly maxBridged: number;
  private readonly noisyBelow: number;
  private segment: Segment | undefined;
  private segments = 0;
  private readonly rr: RrEntry[] = [];
  private out: LiveEcgOutput = { beats: [], heartRate: [], quality: [], hrv: [] };

  constructor(options: LiveEcgOptions = {}) {
    this.windowSeconds = options.qualityWindowSeconds ?? 10;
    this.hrvWindowMs = options.hrvWindowMs ?? 300_000;
    this.smoothingSeconds = options.smoothingSeconds ?? 5;
    this.maxBridged = options.maxBridgedGapSeconds ?? 2;
    this.noisyBelow = options.noisyBelow ?? 0.5;
    for (const [name, v] of [['qualityWindowSeconds', this.windowSeconds], ['hrvWindowMs', this.hrvWindowMs], ['smoothingSeconds', this.smoothingSeconds]] as const) {
      if (!(v > 0) || !Number.isFinite(v)) throw new LiveEcgError(`${name} must be positive and finite`);
    }
    if (!(this.maxBridged >= 0)) throw new LiveEcgError('maxBridgedGapSeconds must not be negative');
  }

  /** What is held in memory (for checking that it stays bounded). */
  get retained(): { intervals: number; beats: number; ringSamples: number } {
    return { intervals: this.rr.length, beats: this.segment?.recentBeats.length ?? 0, ringSamples: this.segment?.ring.length ?? 0 };
  }

  /** Feeds one chunk; returns what became final because of it. */
  push(chunk: LiveEcgChunk): LiveEcgOutput {
    const { fs, startMs, samplesUv } = chunk;
    if (!(fs >= 50 && fs <= 20000)) throw new LiveEcgError(`sampling rate ${fs} Hz is outside 50–20000 Hz`);
    if (!Number.isFinite(startMs)) throw new LiveEcgError('chunk start time must be finite');
    let from = 0;
    let seg = this.segment;
    if (seg && seg.fs !== fs) {
      this.endSegment();
      seg = undefined;
    }
    if (seg) {
      const lead = ((startMs - seg.timeOf(seg.n)) * fs) / 1000;
      if (lead > 0.5) {
        const missing = Math.round(lead);
        if (missing > this.maxBridged * fs) {
          this.endSegment();
          seg = undefined;
        } else {
          seg.bridged.push([seg.n, seg.n + missing]);
          const hold = new Float32Array(missing).fill(seg.lastValue);
          this.feed(seg, hold);
        }
      } else if (lead < -0.5) {
        // Samples already received (an overlapping chunk): keep only the new ones.
        from = Math.min(samplesUv.length, Math.round(-lead));
      }
    }
    if (!seg) {
      if (samplesUv.length === 0) return this.take();
      seg = this.segment = new Segment(this.segments++, fs, startMs, Math.max(1, Math.round(this.windowSeconds * fs)), Math.round(this.smoothingSeconds * fs));
    }
    if (from < samplesUv.length) {
      const part = new Float32Array(samplesUv.length - from);
      for (let i = from; i < samplesUv.length; i++) part[i - from] = samplesUv[i]!;
      this.feed(seg, part);
    }
    return this.take();
  }

  /** Ends the stream: the detector's pending beats, the last seconds and the last (partial) window. */
  flush(): LiveEcgOutput {
    this.endSegment();
    return this.take();
  }

  private take(): LiveEcgOutput {
    const o = this.out;
    this.out = { beats: [], heartRate: [], quality: [], hrv: [] };
    return o;
  }

  private endSegment(): void {
    const seg = this.segment;
    if (!seg) return;
    this.beats(seg, seg.detector.flush());
    this.settle(seg, true);
    this.segment = undefined;
  }

  private feed(seg: Segment, x: Float32Array): void {
    // Fed in pieces no longer than the ring can hold past the oldest pending window.
    const step = Math.max(1, seg.fs);
    for (let at = 0; at < x.length; at += step) {
      const piece = x.subarray(at, Math.min(x.length, at + step));
      for (let i = 0; i < piece.length; i++) {
        const v = piece[i]!;
        seg.ring[(seg.n + i) & seg.mask] = v;
        if (Number.isFinite(v)) seg.lastValue = v;
      }
      seg.n += piece.length;
      this.beats(seg, seg.detector.push(piece));
      this.settle(seg, false);
    }
  }

  private beats(seg: Segment, found: Int32Array): void {
    for (const r of found) {
      const timeMs = seg.timeOf(r);
      const rrMs = seg.lastBeat >= 0 ? ((r - seg.lastBeat) * 1000) / seg.fs : null;
      this.out.beats.push({ timeMs, rrMs, bpm: rrMs === null ? null : 60000 / rrMs });
      if (rrMs !== null) this.rr.push({ timeMs, rrMs, sample: r, segment: seg.id, noisy: false });
      seg.lastBeat = r;
      seg.recentBeats.push(r);
    }
  }

  /** Emits every second and window that no later beat can change (all of them at the end). */
  private settle(seg: Segment, final: boolean): void {
    const known = final ? Infinity : seg.n - seg.latency;
    const fs = seg.fs;
    for (;;) {
      const boundary = Math.round(seg.nextSecond * fs);
      if (boundary > known || boundary > seg.n) break;
      const since = boundary - Math.round(this.smoothingSeconds * fs);
      const rr: number[] = [];
      for (let k = 1; k < seg.recentBeats.length; k++) {
        const b = seg.recentBeats[k]!;
        if (b > since && b <= boundary) rr.push(((b - seg.recentBeats[k - 1]!) * 1000) / fs);
      }
      this.out.heartRate.push({ timeMs: seg.timeOf(boundary), bpm: smoothedRate(rr) });
      seg.nextSecond++;
    }
    for (;;) {
      const start = seg.nextWindow * seg.windowSamples;
      const end = Math.min(seg.n, start + seg.windowSamples);
      if (start >= seg.n) break;
      if (end - start < seg.windowSamples && !final) break;
      if (end > known) break;
      this.window(seg, start, end);
      seg.nextWindow++;
    }
    // Forget beats and bridges that no pending second or window needs any more.
    const keepFrom = Math.min(seg.nextWindow * seg.windowSamples, Math.round(seg.nextSecond * fs) - Math.round(this.smoothingSeconds * fs)) - fs;
    let drop = 0;
    // Keep one beat before keepFrom: it starts the first interval still needed.
    while (drop + 1 < seg.recentBeats.length && seg.recentBeats[drop + 1]! < keepFrom) drop++;
    if (drop > 0) seg.recentBeats.splice(0, drop);
    seg.bridged = seg.bridged.filter(([, to]) => to > keepFrom);
  }

  private window(seg: Segment, start: number, end: number): void {
    const x = new Float32Array(end - start);
    for (let i = start; i < end; i++) x[i - start] = seg.ring[i & seg.mask]!;
    const local: number[] = [];
    for (const b of seg.recentBeats) if (b >= start && b < end) local.push(b - start);
    const [q] = signalQuality(x, seg.fs, local, { windowSeconds: (end - start) / seg.fs, noisyBelow: this.noisyBelow });
    const gap = seg.bridged.some(([from, to]) => from < end && to > start);
    const noisy = (q?.noisy ?? true) || gap;
    const startMs = seg.timeOf(start);
    const endMs = seg.timeOf(end);
    this.out.quality.push({ startMs, endMs, sqi: q?.sqi ?? 0, beats: q?.beats ?? 0, noisy, gap });
    // An RR interval is noisy when either of its beats lies in a noisy window.
    if (noisy) {
      for (const e of this.rr) {
        if (e.segment !== seg.id) continue;
        const prev = e.sample - (e.rrMs * seg.fs) / 1000;
        if ((e.sample >= start && e.sample < end) || (prev >= start && prev < end)) e.noisy = true;
      }
    }
    this.hrvAt(endMs);
  }

  private hrvAt(timeMs: number): void {
    const from = timeMs - this.hrvWindowMs;
    let drop = 0;
    while (drop < this.rr.length && this.rr[drop]!.timeMs <= from) drop++;
    if (drop > 0) this.rr.splice(0, drop);
    // Noisy intervals and the joins between segments are NaN: hrv.ts drops them and takes no difference across them.
    const series: number[] = [];
    for (let i = 0; i < this.rr.length; i++) {
      const e = this.rr[i]!;
      if (e.timeMs > timeMs) break;
      if (i > 0 && this.rr[i - 1]!.segment !== e.segment) series.push(NaN);
      series.push(e.noisy ? NaN : e.rrMs);
    }
    const r: HrvResult = hrv(series);
    this.out.hrv.push({
      timeMs,
      windowMs: this.hrvWindowMs,
      intervals: series.filter((v) => !Number.isNaN(v)).length,
      nn: r.nn,
      differences: r.differences,
      rmssdMs: r.rmssdMs,
      sdnnMs: r.sdnnMs,
      pnn50: r.pnn50,
    });
  }
}
