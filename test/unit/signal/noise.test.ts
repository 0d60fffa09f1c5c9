import { describe, expect, it } from 'vitest';
import {
  applyGain,
  baselineWander,
  electrodeMotion,
  gaussian,
  invert,
  mainsInterference,
  mix,
  moveBeats,
  muscleNoise,
  qrsSignalPower,
  resample,
  seededRandom,
} from '../../../renderer/src/engine/signal/noise';

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('seeded disturbances', () => {
  it('are reproducible from their seed and differ between seeds', () => {
    expect(muscleNoise(1000, 360, { seed: 1, snrDb: 6, signalPower: 1 })).toEqual(muscleNoise(1000, 360, { seed: 1, snrDb: 6, signalPower: 1 }));
    expect(muscleNoise(1000, 360, { seed: 2, snrDb: 6, signalPower: 1 })).not.toEqual(muscleNoise(1000, 360, { seed: 1, snrDb: 6, signalPower: 1 }));
    const g = gaussian(seededRandom(3));
    const v = Array.from({ length: 20000 }, g);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length)).toBeCloseTo(1, 1);
  });
  it('muscle noise has the requested SNR against the NSTDB signal power', () => {
    const fs = 360;
    const ecg = new Float32Array(fs * 20);
    const beats = Array.from({ length: 20 }, (_, i) => i * fs + 100);
    for (const b of beats) for (let k = -5; k <= 5; k++) ecg[b + k] = 1.5 * (1 - Math.abs(k) / 5);
    const power = qrsSignalPower(ecg, beats, fs);
    expect(power).toBeCloseTo((1.5 * 1.5) / 8, 6);
    const noise = muscleNoise(ecg.length, fs, { seed: 4, snrDb: 6, signalPower: power });
    expect(10 * Math.log10(power / rms(noise) ** 2)).toBeCloseTo(6, 6);
  });
  it('shape mains, wander and electrode motion as documented', () => {
    const fs = 500;
    const mains = mainsInterference(fs * 10, fs, { seed: 5, frequency: 50, amplitude: 0.3 });
    expect(Math.max(...mains)).toBeLessThanOrEqual(0.3 * 1.2 * 1.25 + 1e-6);
    const wander = baselineWander(fs * 60, fs, { seed: 6, amplitude: 1.5 });
    expect(Math.max(...wander.map(Math.abs))).toBeCloseTo(1.5, 5);
    const { noise, events } = electrodeMotion(fs * 600, fs, { seed: 7, perMinute: 3, amplitude: 2 });
    expect(events.length).toBeGreaterThan(10);
    expect(events.length).toBeLessThan(60);
    expect(Math.max(...noise.map(Math.abs))).toBeLessThanOrEqual(2 * 3);
    expect(noise[events[0]! - 1]).toBe(0);
  });
  it('invert, gain and mix leave their input untouched', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(invert(x))).toEqual([-1, -2, -3, -4]);
    expect(Array.from(applyGain(x, 2, 2))).toEqual([1, 2, 6, 8]);
    expect(Array.from(mix(x, Float32Array.from([1, 1, 1, 1])))).toEqual([2, 3, 4, 5]);
    expect(Array.from(x)).toEqual([1, 2, 3, 4]);
    expect(() => mix(x, new Float32Array(3))).toThrow(RangeError);
  });
});

describe('band-limited resampler', () => {
  it.each([
    [360, 125],
    [360, 130],
    [360, 1000],
    [128, 500],
  ])('keeps a 5 Hz sine in time and amplitude from %i to %i Hz', (fsIn, fsOut) => {
    const seconds = 4;
    const x = Float32Array.from({ length: fsIn * seconds }, (_, i) => Math.sin(2 * Math.PI * 5 * (i / fsIn)));
    const y = resample(x, fsIn, fsOut);
    expect(y.length).toBe(Math.floor(((x.length - 1) * fsOut) / fsIn) + 1);
    let worst = 0;
    for (let m = Math.round(0.5 * fsOut); m < y.length - Math.round(0.5 * fsOut); m++) worst = Math.max(worst, Math.abs(y[m]! - Math.sin(2 * Math.PI * 5 * (m / fsOut))));
    expect(worst).toBeLessThan(0.005);
  });
  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    const fsIn = 360;
    const x = Float32Array.from({ length: fsIn * 4 }, (_, i) => Math.sin(2 * Math.PI * 100 * (i / fsIn)));
    const y = resample(x, fsIn, 125).subarray(60, -60);
    expect(rms(y)).toBeLessThan(0.01);
  });
  it('moves beat indices to the new rate', () => {
    expect(Array.from(moveBeats([0, 77, 360, 649991], 360, 130))).toEqual([0, 28, 130, 234719]);
  });
});
