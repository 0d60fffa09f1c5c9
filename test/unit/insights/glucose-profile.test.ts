import { describe, expect, it } from 'vitest';
import { ambulatoryGlucoseProfile, percentile } from '../../../renderer/src/engine/insights/glucose-profile';
import { GlucoseInputError } from '../../../renderer/src/engine/insights/glucose-readings';
import { TimeZoneError } from '../../../renderer/src/engine/insights/local-time';

describe('ambulatory glucose profile percentiles', () => {
  it('interpolates between order statistics (type 7)', () => {
    const sorted = [100, 110, 120, 130, 140];
    // h = (n − 1) p / 100: p5 → 0.2 → 102; p25 → 1 → 110; p95 → 3.8 → 138.
    expect([5, 25, 50, 75, 95].map((p) => percentile(sorted, p))).toEqual([102, 110, 120, 130, 138]);
    expect(percentile([77], 95)).toBe(77);
  });

  it('bins by time of day in the patient zone, overlaying days, with empty bins left empty', () => {
    // Paris is UTC+1 in January: 13:xx UTC is the 14:00 local bin; two days overlay.
    const day = (d: number, h: number, m: number) => Date.UTC(2025, 0, d, h, m);
    const readings = [
      { time: day(6, 13, 0), mgdl: 140 }, { time: day(6, 13, 30), mgdl: 100 }, { time: day(7, 13, 10), mgdl: 120 },
      { time: day(7, 13, 50), mgdl: 110 }, { time: day(8, 13, 20), mgdl: 130 },
      { time: day(6, 23, 30), mgdl: 90 },
    ];
    const agp = ambulatoryGlucoseProfile(readings, { timeZone: 'Europe/Paris' });
    expect(agp).toHaveLength(24);
    expect(agp[14]).toEqual({ startMinute: 840, count: 5, p5: 102, p25: 110, p50: 120, p75: 130, p95: 138 });
    // 23:30 UTC is 00:30 local on the next day: the midnight bin.
    expect(agp[0]).toEqual({ startMinute: 0, count: 1, p5: 90, p25: 90, p50: 90, p75: 90, p95: 90 });
    expect(agp[13]).toEqual({ startMinute: 780, count: 0, p5: null, p25: null, p50: null, p75: null, p95: null });
  });

  it('takes other bin widths that divide the day', () => {
    const agp = ambulatoryGlucoseProfile([{ time: Date.UTC(2025, 0, 6, 0, 20), mgdl: 100 }], { timeZone: 'UTC', binMinutes: 15 });
    expect(agp).toHaveLength(96);
    expect(agp[1]!.count).toBe(1);
    expect(() => ambulatoryGlucoseProfile([], { timeZone: 'UTC', binMinutes: 7 })).toThrow(GlucoseInputError);
    expect(() => ambulatoryGlucoseProfile([{ time: 0, mgdl: 100 }], { timeZone: 'Mars/Olympus' })).toThrow(TimeZoneError);
  });
});
