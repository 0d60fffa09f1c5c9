import { describe, expect, it } from 'vitest';
import { DailySummaryStore } from '../../../renderer/src/engine/baselines/daily-summary';
import { DAY_MS } from '../../../renderer/src/engine/baselines/metrics';
import { patientBaselines } from '../../../renderer/src/engine/baselines/profile';
import { explanationValues, inputsFromValues } from '../../../renderer/src/engine/baselines/episodes';
import { DAY0, day0, seeded, weightDay } from './synthetic';

describe('the profile baselines summary', () => {
  it('shows centre ± spread, the latest value, its deviation and the CUSUM state per metric with data', () => {
    const store = new DailySummaryStore();
    const rand = seeded(9);
    for (let d = 0; d < 45; d++) store.add('p', weightDay('p', d, rand, d >= 42 ? 82 : 80));
    const [weight, ...others] = patientBaselines(store, 'p', day0 + 44);
    expect(others).toEqual([]);
    expect(weight!.metric).toBe('body-weight');
    expect(weight!.baseline!.centre).toBeCloseTo(80, 0);
    expect(weight!.baseline!.days).toBe(28);
    expect(weight!.latest!.dayMs).toBe((day0 + 44) * DAY_MS);
    expect(weight!.deviation!).toBeGreaterThan(3);
    expect(weight!.points).toHaveLength(45);

    // a small rise accumulates in the upward CUSUM before it alarms
    const slow = new DailySummaryStore();
    const r2 = seeded(10);
    for (let d = 0; d < 45; d++) slow.add('q', weightDay('q', d, r2, d >= 42 ? 80.5 : 80));
    const [w] = patientBaselines(slow, 'q', day0 + 44);
    expect(w!.cusumRise).toBeGreaterThan(0);
    expect(w!.cusumRise).toBeLessThan(6);
    expect(w!.cusumFall).toBe(0);
  });
});

describe('explaining a stored baseline alert', () => {
  it('reads the moved inputs back from the alert values', () => {
    const values = explanationValues([
      { metric: 'resting-heart-rate', label: 'Resting heart rate', unit: '/min', kind: 'baseline-deviation', direction: 'rise', value: 68, centre: 60, spread: 1.5, deviation: 8 / 1.5, change: 8, sinceMs: DAY0 },
      { metric: 'body-weight', label: 'Weight', unit: 'kg', kind: 'cusum', direction: 'rise', value: 82, centre: 80, spread: 0.3, deviation: 6.7, change: 2, sinceMs: DAY0, cusum: 7.2 },
    ]);
    expect(inputsFromValues(values)).toEqual([
      { metric: 'resting-heart-rate', label: 'Resting heart rate', unit: '/min', value: 68, centre: 60, spread: 1.5, deviation: 8 / 1.5, change: 8, sinceMs: DAY0 },
      { metric: 'body-weight', label: 'Weight', unit: 'kg', value: 82, centre: 80, spread: 0.3, deviation: 6.7, change: 2, sinceMs: DAY0, cusum: 7.2 },
    ]);
    expect(inputsFromValues({ 'heart-rate': 130 })).toEqual([]);
  });
});
