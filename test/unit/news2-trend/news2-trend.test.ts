import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../common/readings/observation';
import { news2Trend, scoreBand, type VitalReading } from '../../../renderer/src/components/news2/news2-trend';
import { scoreNews2 } from '../../../renderer/src/engine/rules/news2';

const T0 = Date.UTC(2026, 10, 20, 8);
const MIN = 60_000;
const UNITS: Partial<Record<Metric, string>> = { 'respiratory-rate': '/min', spo2: '%', 'blood-pressure-systolic': 'mm[Hg]', 'heart-rate': '/min', 'pulse-rate': '/min', 'body-temperature': 'Cel' };
const r = (metric: Metric, value: number, atMin: number, unit = UNITS[metric]!): VitalReading => ({ metric, value, unit, timeMs: T0 + atMin * MIN });

/** One round of all five vital signs taken over `spreadMin` minutes from `atMin`. */
function round(atMin: number, v: { rr: number; spo2: number; sys: number; pulse: number; temp: number }, spreadMin = 4): VitalReading[] {
  const step = spreadMin / 4;
  return [r('respiratory-rate', v.rr, atMin), r('spo2', v.spo2, atMin + step), r('blood-pressure-systolic', v.sys, atMin + 2 * step), r('pulse-rate', v.pulse, atMin + 3 * step), r('body-temperature', v.temp, atMin + 4 * step)];
}

describe('NEWS2 trend from readings', () => {
  it('scores each complete observation set as the chart does', () => {
    const well = { rr: 16, spo2: 97, sys: 124, pulse: 72, temp: 36.8 };
    const ill = { rr: 23, spo2: 93, sys: 104, pulse: 115, temp: 38.6 };
    const sets = news2Trend([...round(0, well), ...round(6 * 60, ill)]);
    expect(sets).toHaveLength(2);
    const direct = (v: typeof well) => scoreNews2({ respiratoryRate: v.rr, spo2: v.spo2, spo2Scale: 1, onOxygen: false, systolic: v.sys, pulse: v.pulse, consciousness: 'A', temperature: v.temp });
    expect(sets[0]).toMatchObject({ timeMs: T0, endMs: T0 + 4 * MIN, complete: true, score: direct(well).score, band: 'low', missing: [] });
    expect(sets[1]).toMatchObject({ timeMs: T0 + 360 * MIN, complete: true, score: direct(ill).score, band: direct(ill).band });
    expect(sets[1]!.score).toBe(2 + 2 + 1 + 2 + 1);
    expect(scoreBand(sets[1]!.score)).toBe('7+');
  });

  it('groups readings within 15 minutes of the first, the latest value of a parameter winning', () => {
    const rs = [...round(0, { rr: 16, spo2: 97, sys: 124, pulse: 72, temp: 36.8 }, 12), r('spo2', 90, 14), r('spo2', 97, 16), r('respiratory-rate', 18, 17)];
    const sets = news2Trend(rs);
    expect(sets).toHaveLength(2);
    expect(sets[0]!.values.spo2).toBe(90);
    expect(sets[0]!.parameters.spo2).toBe(3);
    expect(sets[0]!.band).toBe('low-medium');
    // the two readings after minute 15 make a partial set of their own
    expect(sets[1]).toMatchObject({ timeMs: T0 + 16 * MIN, complete: false, missing: ['systolic', 'pulse', 'temperature'], score: 0 });
  });

  it('shows partial sets as partial with the score of what was measured, and leaves out lone readings', () => {
    const rs = [r('spo2', 92, 0), r('heart-rate', 125, 2), r('spo2', 95, 120)];
    const sets = news2Trend(rs);
    expect(sets).toEqual([
      expect.objectContaining({ complete: false, score: 2 + 2, missing: ['respiratoryRate', 'systolic', 'temperature'], values: { spo2: 92, pulse: 125 } }),
    ]);
    expect(news2Trend(rs, { minParameters: 1 })).toHaveLength(2);
  });

  it('converts Fahrenheit, ignores flagged readings, and uses scale 2 and oxygen from the care plan', () => {
    const rs = [...round(0, { rr: 18, spo2: 97, sys: 130, pulse: 80, temp: 98.6 }), { ...r('spo2', 80, 3), flags: ['sensor-contact-lost' as const] }];
    rs[4] = { ...rs[4]!, unit: '[degF]' };
    const [set] = news2Trend(rs);
    expect(set!.values.temperature).toBeCloseTo(37, 5);
    expect(set!.values.spo2).toBe(97);
    expect(set!.score).toBe(0);
    const [copd] = news2Trend(rs, { spo2Scale: 2, onOxygen: true });
    // on oxygen: 2 for oxygen, and 97 % on scale 2 scores 3
    expect(copd!.score).toBe(5);
  });

  it('no vital signs, no trend', () => {
    expect(news2Trend([r('body-weight' as Metric, 80, 0, 'kg')])).toEqual([]);
    expect(() => news2Trend([], { windowMs: 0 })).toThrow(RangeError);
  });
});
