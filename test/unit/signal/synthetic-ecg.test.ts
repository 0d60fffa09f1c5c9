import { describe, expect, it } from 'vitest';
import { compareBeats } from '../../../renderer/src/engine/signal/ec57';
import { detectQrs } from '../../../renderer/src/engine/signal/qrs/index';
import { heartRate, rrIntervals } from '../../../renderer/src/engine/signal/rr';
import { firstBeatS, rrSequence, syntheticEcg, syntheticEcgForProfile, SyntheticEcgError } from '../../../renderer/src/engine/signal/synthetic-ecg';

const PROFILE = [{ bpm: 72, seconds: 60 }, { bpm: 125, seconds: 60 }];

describe('synthetic ECG (sum of Gaussians per beat)', () => {
  for (const fs of [130, 250, 500]) {
    it(`at ${fs} Hz the QRS detector finds every true beat (EC57 Se and +P 100 %) and the HR follows 72 then 125/min`, () => {
      const ecg = syntheticEcgForProfile(fs, { profile: PROFILE, rsaMs: 30, jitterMs: 10, seed: 7 });
      expect(ecg.samplesUv.length).toBe(120 * fs);
      const beats = detectQrs(ecg.samplesUv, fs);
      const r = compareBeats(ecg.rPeaks, beats, fs, { startSeconds: 0 });
      expect(r).toMatchObject({ fn: 0, fp: 0 });
      expect(r.tp).toBe(ecg.rPeaks.length);
      // Detected R peaks sit on the true ones (within one sample).
      for (let i = 0; i < beats.length; i++) expect(Math.abs(beats[i]! - ecg.rPeaks[i]!)).toBeLessThanOrEqual(1);
      const rr = rrIntervals(beats, fs);
      const inSegment = (from: number, to: number) => rr.filter((_, i) => beats[i]! / fs >= from && beats[i + 1]! / fs < to);
      expect(Math.abs(heartRate(inSegment(5, 58)) - 72)).toBeLessThan(1);
      expect(Math.abs(heartRate(inSegment(65, 118)) - 125)).toBeLessThan(1);
    });
  }

  it('is deterministic and scales with the requested amplitude in µV', () => {
    const a = syntheticEcg({ fs: 250, rrMs: [800, 800, 800], amplitudeUv: 1500 });
    const b = syntheticEcg({ fs: 250, rrMs: [800, 800, 800], amplitudeUv: 1500 });
    expect(a.samplesUv).toEqual(b.samplesUv);
    expect(Array.from(a.rPeaks)).toEqual([125, 325, 525, 725]);
    // R wave dominates: the peak is the R amplitude (small Q/S/P/T tails only).
    expect(a.samplesUv[125]!).toBeGreaterThan(1450);
    expect(a.samplesUv[125]!).toBeLessThan(1550);
    for (let i = 120; i < 131; i++) expect(a.samplesUv[i]!).toBeLessThanOrEqual(a.samplesUv[125]!);
    expect(a.samplesUv.length).toBe(Math.round((0.5 + 2.4 + 0.5) * 250));
  });

  it('builds RR series that follow the profile, with RSA and seeded jitter', () => {
    const flat = rrSequence({ profile: [{ bpm: 60, seconds: 10 }] });
    expect(firstBeatS([{ bpm: 60, seconds: 10 }])).toBe(0.5);
    expect(Array.from(flat)).toEqual(Array(9).fill(1000));
    const varied = rrSequence({ profile: PROFILE, rsaMs: 40, jitterMs: 15, seed: 3 });
    expect(rrSequence({ profile: PROFILE, rsaMs: 40, jitterMs: 15, seed: 3 })).toEqual(varied);
    expect(rrSequence({ profile: PROFILE, rsaMs: 40, jitterMs: 15, seed: 4 })).not.toEqual(varied);
    const sd = Math.sqrt(varied.slice(5, 60).reduce((s, v) => s + (v - 833.3) ** 2, 0) / 55);
    expect(sd).toBeGreaterThan(15);
    expect(sd).toBeLessThan(60);
  });

  it('adds noise from noise.ts on request, keeping the true peaks', () => {
    const clean = syntheticEcg({ fs: 250, rrMs: Array(20).fill(900) });
    const noisy = syntheticEcg({ fs: 250, rrMs: Array(20).fill(900), noise: { seed: 5, muscleSnrDb: 6, baselineUv: 300, mains: { hz: 50, amplitudeUv: 50 } } });
    expect(noisy.rPeaks).toEqual(clean.rPeaks);
    expect(noisy.samplesUv).not.toEqual(clean.samplesUv);
    const r = compareBeats(noisy.rPeaks, detectQrs(noisy.samplesUv, 250), 250, { startSeconds: 0 });
    expect(r.se).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects impossible input with a typed error', () => {
    expect(() => syntheticEcg({ fs: 10, rrMs: [800] })).toThrow(SyntheticEcgError);
    expect(() => syntheticEcg({ fs: 250, rrMs: [50] })).toThrow(SyntheticEcgError);
    expect(() => rrSequence({ profile: [] })).toThrow(SyntheticEcgError);
    expect(() => rrSequence({ profile: [{ bpm: 500, seconds: 10 }] })).toThrow(SyntheticEcgError);
  });
});
