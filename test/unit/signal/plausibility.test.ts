import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../common/readings/observation';
import { heartRateFromRr, markImplausible, plausibilityFlags, plausibilityFlagsAll, PLAUSIBLE_RANGES, type PointReading } from '../../../renderer/src/engine/signal/plausibility';

const r = (metric: Metric, value: number, unit: string, extra: Partial<PointReading> = {}): PointReading => ({ metric, value, unit, ...extra });

describe('plausibility of point readings', () => {
  const cases: [Metric, string, number, number][] = [
    ['spo2', '%', 50, 100],
    ['heart-rate', '/min', 20, 300],
    ['pulse-rate', '/min', 20, 300],
    ['blood-pressure-systolic', 'mm[Hg]', 50, 300],
    ['blood-pressure-diastolic', 'mm[Hg]', 20, 200],
    ['blood-pressure-mean', 'mm[Hg]', 30, 250],
    ['body-temperature', 'Cel', 25, 45],
    ['body-weight', 'kg', 1, 500],
    ['glucose', 'mg/dL', 10, 1000],
    ['respiratory-rate', '/min', 2, 80],
  ];
  for (const [metric, unit, min, max] of cases) {
    it(`${metric}: ${min}–${max} ${unit} inclusive; just outside is out of range`, () => {
      expect(PLAUSIBLE_RANGES[metric]).toMatchObject({ min, max, unit });
      expect(PLAUSIBLE_RANGES[metric]!.source.length).toBeGreaterThan(10);
      expect(plausibilityFlags(r(metric, min, unit))).toEqual([]);
      expect(plausibilityFlags(r(metric, max, unit))).toEqual([]);
      expect(plausibilityFlags(r(metric, (min + max) / 2, unit))).toEqual([]);
      expect(plausibilityFlags(r(metric, min - 0.01, unit))).toEqual(['value-out-of-range']);
      expect(plausibilityFlags(r(metric, max + 0.01, unit))).toEqual(['value-out-of-range']);
    });
  }

  it('converts units before judging (mmol/L, °F, lb, kPa, bpm spelling)', () => {
    expect(plausibilityFlags(r('glucose', 0.5, 'mmol/L'))).toEqual(['value-out-of-range']); // 9.0 mg/dL
    expect(plausibilityFlags(r('glucose', 0.56, 'mmol/L'))).toEqual([]); // 10.09 mg/dL
    expect(plausibilityFlags(r('glucose', 55.6, 'mmol/L'))).toEqual(['value-out-of-range']); // 1001.7 mg/dL
    expect(plausibilityFlags(r('glucose', 55.5, 'mmol/L'))).toEqual([]); // 999.9 mg/dL
    expect(plausibilityFlags(r('body-temperature', 113, '[degF]'))).toEqual([]); // 45 °C exactly
    expect(plausibilityFlags(r('body-temperature', 113.1, '[degF]'))).toEqual(['value-out-of-range']);
    expect(plausibilityFlags(r('body-weight', 1200, '[lb_av]'))).toEqual(['value-out-of-range']); // 544 kg
    expect(plausibilityFlags(r('blood-pressure-systolic', 16, 'kPa'))).toEqual([]); // 120 mmHg
    expect(plausibilityFlags(r('heart-rate', 310, 'bpm'))).toEqual(['value-out-of-range']);
  });

  it('marks non-numbers, unknown units and device-flagged sensor problems as questionable', () => {
    expect(plausibilityFlags(r('spo2', NaN, '%', { flags: ['not-a-number'] }))).toEqual(['questionable']);
    expect(plausibilityFlags(r('spo2', Infinity, '%'))).toEqual(['questionable']);
    expect(plausibilityFlags(r('body-weight', 70, 'stone'))).toEqual(['questionable']);
    expect(plausibilityFlags(r('heart-rate', 72, '/min', { flags: ['sensor-contact-lost'] }))).toEqual(['questionable']);
    expect(plausibilityFlags(r('spo2', 40, '%', { flags: ['low-perfusion'] }))).toEqual(['questionable', 'value-out-of-range']);
    expect(plausibilityFlags(r('heart-rate', 72, '/min', { flags: ['validated', 'battery-low'] }))).toEqual([]);
  });

  it('checks systolic against diastolic (and the mean between them) within one group only', () => {
    const group = [
      r('blood-pressure-systolic', 80, 'mm[Hg]', { groupId: 'a' }),
      r('blood-pressure-diastolic', 80, 'mm[Hg]', { groupId: 'a' }),
      r('blood-pressure-mean', 85, 'mm[Hg]', { groupId: 'a' }),
      r('blood-pressure-systolic', 81, 'mm[Hg]', { groupId: 'b' }),
      r('blood-pressure-diastolic', 80, 'mm[Hg]', { groupId: 'b' }),
      r('blood-pressure-mean', 79, 'mm[Hg]', { groupId: 'b' }),
      r('blood-pressure-systolic', 70, 'mm[Hg]'),
      r('blood-pressure-diastolic', 90, 'mm[Hg]'),
    ];
    expect(plausibilityFlagsAll(group)).toEqual([['questionable'], ['questionable'], ['questionable'], [], [], ['questionable'], [], []]);
  });

  it('marks and never drops: same readings, same order, flags appended once', () => {
    const input = [
      r('spo2', 120, '%', { flags: ['validated'] }),
      r('spo2', 97, '%'),
      r('heart-rate', 400, '/min', { flags: ['value-out-of-range'] }),
    ];
    const out = markImplausible(input);
    expect(out).toHaveLength(3);
    expect(out[0]!.flags).toEqual(['validated', 'value-out-of-range']);
    expect(out[1]).toBe(input[1]);
    expect(out[2]!.flags).toEqual(['value-out-of-range']);
    expect(input[0]!.flags).toEqual(['validated']);
  });
});

describe('heart rate from strap RR intervals', () => {
  it('gives instantaneous and averaged rates from clean intervals', () => {
    const h = heartRateFromRr([800, 820, 780, 800]);
    expect(h.instantaneousBpm).toEqual([75, 60000 / 820, 60000 / 780, 75]);
    expect(h.averageBpm).toBeCloseTo(75, 10);
    expect(h).toMatchObject({ accepted: 4, rejectedImplausible: 0, rejectedEctopic: 0 });
  });

  it('rejects intervals outside 200–3000 ms, bounds included as plausible', () => {
    expect(heartRateFromRr([200]).instantaneousBpm).toEqual([300]);
    expect(heartRateFromRr([3000]).instantaneousBpm).toEqual([20]);
    expect(heartRateFromRr([199.9])).toMatchObject({ instantaneousBpm: [null], averageBpm: null, rejectedImplausible: 1 });
    expect(heartRateFromRr([3000.1])).toMatchObject({ instantaneousBpm: [null], averageBpm: null, rejectedImplausible: 1 });
    expect(heartRateFromRr([])).toMatchObject({ instantaneousBpm: [], averageBpm: null, accepted: 0 });
  });

  it('rejects an ectopic beat and its compensatory pause (more than 20 % from the local median)', () => {
    const h = heartRateFromRr([800, 800, 800, 500, 1100, 800, 800, 800]);
    expect(h.instantaneousBpm).toEqual([75, 75, 75, null, null, 75, 75, 75]);
    expect(h).toMatchObject({ accepted: 6, rejectedEctopic: 2, averageBpm: 75 });
    // Exactly 20 % off the median is still accepted; just over is not.
    expect(heartRateFromRr([1000, 1000, 1200, 1000, 1000]).accepted).toBe(5);
    expect(heartRateFromRr([1000, 1000, 1201, 1000, 1000]).instantaneousBpm[2]).toBeNull();
  });
});
