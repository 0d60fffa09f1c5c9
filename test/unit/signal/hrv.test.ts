import { describe, expect, it } from 'vitest';
import { hrv, hrvOfBeats, normalIntervals } from '../../../renderer/src/engine/signal/hrv';
import { beatsInWindow, heartRate, rrIntervals } from '../../../renderer/src/engine/signal/rr';

describe('RR series and heart rate', () => {
  it('turns beats into RR intervals and a heart rate', () => {
    expect(Array.from(rrIntervals([0, 360, 750, 1110], 360))).toEqual([1000, 1083.3333333333333, 1000]);
    expect(heartRate([1000, 1000, 500, 500])).toBeCloseTo(80, 10);
    expect(heartRate([])).toBeNaN();
    expect(Array.from(beatsInWindow([5, 10, 15, 20], 10, 20))).toEqual([10, 15]);
  });
});

describe('time-domain HRV', () => {
  it('gives the hand-computed SDNN, RMSSD and pNN50 of a known series', () => {
    // 800, 860, 800, 860 …: mean 830, SD (n−1) over 10 values, successive differences ±60 ms.
    const rr = Array.from({ length: 10 }, (_, i) => (i % 2 ? 860 : 800));
    const r = hrv(rr);
    expect(r.nn).toBe(10);
    expect(r.meanNnMs).toBe(830);
    expect(r.sdnnMs).toBeCloseTo(Math.sqrt((10 * 30 * 30) / 9), 10);
    expect(r.rmssdMs).toBeCloseTo(60, 10);
    expect(r.pnn50).toBe(100);
    expect(r.heartRateBpm).toBeCloseTo(60000 / 830, 10);
  });
  it('counts only differences above 50 ms for pNN50', () => {
    const rr = [1000, 1040, 1000, 1060, 1000];
    const r = hrv(rr);
    // Differences: 40, −40, 60, −60 → 2 of 4 above 50 ms; RMSSD = sqrt((1600+1600+3600+3600)/4).
    expect(r.pnn50).toBe(50);
    expect(r.rmssdMs).toBeCloseTo(Math.sqrt(10400 / 4), 10);
  });
  it('drops an ectopic beat (short RR and compensatory pause) and implausible intervals, and never joins neighbours across a gap', () => {
    const rr = [800, 810, 800, 500, 1120, 800, 810, 800, 100, 800, 3000, 810];
    expect(Array.from(normalIntervals(rr))).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1]);
    const r = hrv(rr);
    expect(r.nn).toBe(8);
    // Adjacent kept pairs: (800,810), (810,800), (800,810), (810,800) → |10| each.
    expect(r.differences).toBe(4);
    expect(r.rmssdMs).toBeCloseTo(10, 10);
    expect(r.pnn50).toBe(0);
  });
  it('works over a window of beats and reports NaN where undefined', () => {
    const beats = [0, 250, 500, 760, 1010, 1260];
    const r = hrvOfBeats(beats, 250, 250, 1100);
    expect(r.intervals).toBe(3);
    expect(r.meanNnMs).toBeCloseTo((1000 + 1040 + 1000) / 3, 10);
    const none = hrv([]);
    expect(none.sdnnMs).toBeNaN();
    expect(none.rmssdMs).toBeNaN();
    expect(none.pnn50).toBeNaN();
  });
});
