import { describe, expect, it } from 'vitest';
import { hrv } from '../../../renderer/src/engine/signal/hrv';
import { LiveEcgError, LiveEcgProcessor, type LiveEcgOutput } from '../../../renderer/src/engine/signal/live-ecg';
import { muscleNoise, qrsSignalPower, seededRandom } from '../../../renderer/src/engine/signal/noise';
import { syntheticEcg, syntheticEcgForProfile } from '../../../renderer/src/engine/signal/synthetic-ecg';

const T0 = 1_767_000_000_000;

function merge(parts: LiveEcgOutput[]): LiveEcgOutput {
  return {
    beats: parts.flatMap((p) => p.beats),
    heartRate: parts.flatMap((p) => p.heartRate),
    quality: parts.flatMap((p) => p.quality),
    hrv: parts.flatMap((p) => p.hrv),
  };
}

/** Feeds x in chunks of the given sizes (cycled), with start times on the sample clock. */
function run(x: Float32Array, fs: number, sizes: number[] = [x.length], p = new LiveEcgProcessor()): LiveEcgOutput {
  const parts: LiveEcgOutput[] = [];
  let k = 0;
  for (let at = 0; at < x.length; k++) {
    const n = Math.min(x.length - at, sizes[k % sizes.length]!);
    parts.push(p.push({ startMs: T0 + (at * 1000) / fs, fs, samplesUv: x.subarray(at, at + n) }));
    at += n;
  }
  parts.push(p.flush());
  return merge(parts);
}

describe('live ECG processor', () => {
  for (const [fs, bpm] of [[130, 60], [130, 125], [250, 72], [500, 180]] as const) {
    it(`at ${fs} Hz and a steady ${bpm}/min, per-second HR is within ±1/min of the truth and every beat is found`, () => {
      const ecg = syntheticEcgForProfile(fs, { profile: [{ bpm, seconds: 60 }], rsaMs: 15, seed: 2 });
      const out = run(ecg.samplesUv, fs, [97]);
      expect(out.beats).toHaveLength(ecg.rPeaks.length);
      out.beats.forEach((b, i) => expect(Math.abs(b.timeMs - (T0 + (ecg.rPeaks[i]! * 1000) / fs))).toBeLessThanOrEqual(1000 / fs + 1e-9));
      expect(out.beats[0]!.rrMs).toBeNull();
      for (const b of out.beats.slice(1)) expect(Math.abs(b.bpm! - bpm)).toBeLessThan(bpm * 0.06);
      expect(out.heartRate).toHaveLength(60);
      expect(out.heartRate[0]!.timeMs).toBe(T0 + 1000);
      for (const h of out.heartRate.slice(6)) {
        // Truth: the true intervals closing in the same 5 s window (the RSA makes it move around the profile's rate).
        const end = ((h.timeMs - T0) / 1000) * fs;
        const rr = Array.from(ecg.rrMs).filter((_, i) => ecg.rPeaks[i + 1]! > end - 5 * fs && ecg.rPeaks[i + 1]! <= end);
        const truth = 60000 / (rr.reduce((a, v) => a + v, 0) / rr.length);
        expect(Math.abs(h.bpm! - truth), `at ${h.timeMs - T0} ms`).toBeLessThanOrEqual(1);
        expect(Math.abs(h.bpm! - bpm)).toBeLessThanOrEqual(bpm * 0.02);
      }
      expect(out.quality).toHaveLength(6);
      expect(out.quality.every((q) => !q.noisy && q.sqi > 0.9)).toBe(true);
    });
  }

  it('follows a rate step from 72 to 125/min within the smoothing window', () => {
    const ecg = syntheticEcgForProfile(250, { profile: [{ bpm: 72, seconds: 30 }, { bpm: 125, seconds: 30 }] });
    const hr = run(ecg.samplesUv, 250, [250]).heartRate;
    const at = (s: number) => hr.find((h) => h.timeMs === T0 + s * 1000)!.bpm!;
    expect(Math.abs(at(29) - 72)).toBeLessThanOrEqual(1);
    expect(Math.abs(at(37) - 125)).toBeLessThanOrEqual(1);
  });

  it('flags a stretch of heavy muscle noise and only that stretch', () => {
    const fs = 250;
    const ecg = syntheticEcg({ fs, rrMs: Array(74).fill(800), durationSeconds: 60 });
    const noise = muscleNoise(10 * fs, fs, { seed: 9, snrDb: -12, signalPower: qrsSignalPower(ecg.samplesUv, ecg.rPeaks, fs) });
    const x = Float32Array.from(ecg.samplesUv);
    for (let i = 0; i < noise.length; i++) x[30 * fs + i] = x[30 * fs + i]! + noise[i]!;
    const out = run(x, fs, [333]);
    expect(out.quality.map((q) => q.noisy)).toEqual([false, false, false, true, false, false]);
    expect(out.quality[3]!.startMs).toBe(T0 + 30_000);
    expect(out.quality[3]!.sqi).toBeLessThan(0.5);
  });

  it('gives the same output however the stream is cut into chunks', () => {
    const fs = 130;
    const ecg = syntheticEcgForProfile(fs, { profile: [{ bpm: 70, seconds: 40 }, { bpm: 110, seconds: 40 }], rsaMs: 40, jitterMs: 20, seed: 11 }, { noise: { seed: 3, muscleSnrDb: 12 } });
    const whole = run(ecg.samplesUv, fs);
    const rand = seededRandom(5);
    const sizes = Array.from({ length: 200 }, () => 1 + Math.floor(rand() * 400));
    expect(run(ecg.samplesUv, fs, sizes)).toEqual(whole);
    expect(run(ecg.samplesUv, fs, [1, 2, 3, 130, 1000])).toEqual(whole);
  });

  it('computes RMSSD and SDNN over the last 5 minutes close to those of the true RR series', () => {
    const fs = 500;
    const ecg = syntheticEcgForProfile(fs, { profile: [{ bpm: 65, seconds: 420 }], rsaMs: 50, jitterMs: 25, seed: 4 });
    const out = run(ecg.samplesUv, fs, [fs]);
    const last = out.hrv.at(-1)!;
    expect(last.timeMs).toBe(T0 + 420_000);
    expect(last.windowMs).toBe(300_000);
    // The true intervals whose closing beat falls in the last 5 minutes.
    const truth = Array.from(ecg.rrMs).filter((_, i) => ecg.rPeaks[i + 1]! / fs > 120);
    const ref = hrv(truth);
    expect(last.intervals).toBe(truth.length);
    expect(Math.abs(last.rmssdMs - ref.rmssdMs)).toBeLessThan(2);
    expect(Math.abs(last.sdnnMs - ref.sdnnMs)).toBeLessThan(1);
    expect(out.hrv).toHaveLength(42);
  });

  it('keeps memory bounded over a long stream', () => {
    const fs = 130;
    const p = new LiveEcgProcessor();
    const ecg = syntheticEcg({ fs, rrMs: Array(149).fill(800), durationSeconds: 120 });
    let sizes = 0;
    for (let lap = 0; lap < 8; lap++) {
      const at = lap * ecg.samplesUv.length;
      // Laps joined end to end on the sample clock: 16 minutes of signal.
      for (let i = 0; i < ecg.samplesUv.length; i += 65) p.push({ startMs: T0 + ((at + i) * 1000) / fs, fs, samplesUv: ecg.samplesUv.subarray(i, i + 65) });
      sizes = Math.max(sizes, p.retained.intervals);
      expect(p.retained.beats).toBeLessThan(40);
    }
    expect(sizes).toBeLessThanOrEqual(400); // 5 min at 75/min, plus the beats past the last settled window (10 s + detector latency)
    expect(p.retained.ringSamples).toBeLessThanOrEqual(4096);
  });

  it('bridges a short gap (flagged) and starts a new segment after a long one', () => {
    const fs = 250;
    const ecg = syntheticEcg({ fs, rrMs: Array(74).fill(800), durationSeconds: 60 });
    const x = ecg.samplesUv;
    const chunk = (from: number, to: number) => ({ startMs: T0 + (from * 1000) / fs, fs, samplesUv: x.subarray(from, to) });
    const p = new LiveEcgProcessor();
    const short = merge([p.push(chunk(0, 25 * fs)), p.push(chunk(26 * fs, 60 * fs)), p.flush()]);
    expect(short.quality.map((q) => q.gap)).toEqual([false, false, true, false, false, false]);
    expect(short.quality[2]!.noisy).toBe(true);
    expect(short.heartRate).toHaveLength(60);
    const q = new LiveEcgProcessor();
    const long = merge([q.push(chunk(0, 20 * fs)), q.push(chunk(40 * fs, 60 * fs)), q.flush()]);
    const after = long.beats.filter((b) => b.timeMs >= T0 + 40_000);
    expect(after[0]!.rrMs).toBeNull();
    expect(after.slice(1).every((b) => Math.abs(b.rrMs! - 800) <= 4)).toBe(true);
    expect(long.quality.map((w) => w.startMs - T0)).toEqual([0, 10_000, 40_000, 50_000]);
  });

  it('rejects bad chunks and options with a typed error', () => {
    expect(() => new LiveEcgProcessor().push({ startMs: 0, fs: 10, samplesUv: [1] })).toThrow(LiveEcgError);
    expect(() => new LiveEcgProcessor().push({ startMs: NaN, fs: 130, samplesUv: [1] })).toThrow(LiveEcgError);
    expect(() => new LiveEcgProcessor({ qualityWindowSeconds: 0 })).toThrow(LiveEcgError);
  });
});
