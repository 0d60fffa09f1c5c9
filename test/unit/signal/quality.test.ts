import { describe, expect, it } from 'vitest';
import { mix, muscleNoise, qrsSignalPower } from '../../../renderer/src/engine/signal/noise';
import { detectQrs } from '../../../renderer/src/engine/signal/qrs/index';
import { noisySegments, signalQuality } from '../../../renderer/src/engine/signal/quality';
import { referenceBeats } from '../../../renderer/src/engine/signal/ec57';
import { HAVE_MITDB, loadRecord100, MITDB_SKIP_REASON } from './mitdb';

if (!HAVE_MITDB) console.warn(MITDB_SKIP_REASON);

describe.skipIf(!HAVE_MITDB)('signal-quality index on record 100', () => {
  const load = () => {
    const rec = loadRecord100();
    const x = rec.mlii.slice(0, rec.fs * 120);
    const ref = referenceBeats(rec.annotations).filter((b) => b < x.length);
    return { x, fs: rec.fs, power: qrsSignalPower(x, ref, rec.fs) };
  };
  it('rates the clean record high and flags nothing', () => {
    const { x, fs } = load();
    const windows = signalQuality(x, fs, detectQrs(x, fs));
    expect(windows.length).toBe(12);
    for (const w of windows) {
      expect(w.sqi).toBeGreaterThan(0.9);
      expect(w.noisy).toBe(false);
    }
    expect(noisySegments(windows)).toEqual([]);
  });
  it('ranks heavier muscle noise lower and flags 0 dB windows', () => {
    const { x, fs, power } = load();
    const mean = (snr: number) => {
      const y = mix(x, muscleNoise(x.length, fs, { seed: 8, snrDb: snr, signalPower: power }));
      const w = signalQuality(y, fs, detectQrs(y, fs));
      return { sqi: w.reduce((s, q) => s + q.sqi, 0) / w.length, noisy: w.filter((q) => q.noisy).length };
    };
    const q12 = mean(12), q6 = mean(6), q0 = mean(0);
    expect(q12.sqi).toBeGreaterThan(q6.sqi);
    expect(q6.sqi).toBeGreaterThan(q0.sqi);
    expect(q12.noisy).toBe(0);
    expect(q0.noisy).toBe(12);
  });
  it('flags a flat line (lead off) and a saturated stretch as noisy segments', () => {
    const { x, fs } = load();
    const y = Float32Array.from(x);
    y.fill(y[30 * fs]!, 30 * fs, 50 * fs); // 20 s flat
    for (let i = 80 * fs; i < 100 * fs; i++) y[i] = Math.min(1, y[i]! + 1.5); // a baseline shift drives the amplifier into its rail
    const windows = signalQuality(y, fs, detectQrs(y, fs), { rails: { min: -2, max: 1 } });
    expect(windows[3]!.flat).toBeGreaterThan(0.95);
    expect(windows[8]!.saturation).toBeGreaterThan(0.95);
    expect(windows.filter((w) => w.start < 30 * fs || w.start >= 100 * fs).every((w) => w.saturation === 0 && !w.noisy)).toBe(true);
    expect(noisySegments(windows)).toEqual([
      { start: 30 * fs, end: 50 * fs },
      { start: 80 * fs, end: 100 * fs },
    ]);
  });
});
