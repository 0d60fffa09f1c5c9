import { describe, expect, it } from 'vitest';
import { DailySummaryStore } from '../../../renderer/src/engine/baselines/daily-summary';
import { DAY_MS } from '../../../renderer/src/engine/baselines/metrics';
import { baselineFor, mad, MAD_TO_SD, median, robustDeviation, type DayValue } from '../../../renderer/src/engine/baselines/robust';
import { DAY0, day0, reading } from './synthetic';

const day = (d: number, value: number, sufficient = true): DayValue => ({ day: d, value, count: sufficient ? 10 : 1, sufficient });

describe('robust baseline', () => {
  it('median and MAD', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(() => median([])).toThrow(RangeError);
  });

  it('uses the 28 days before the judged day, leaves out insufficient days and the day itself', () => {
    const days = [
      day(0, 1000), // older than 28 days before day 30: outside the window
      ...Array.from({ length: 20 }, (_, i) => day(5 + i, 60 + (i % 5))), // 60..64
      day(25, 500, false), // too little data that day: not in the baseline
      day(30, 90), // the judged day itself
    ];
    const b = baselineFor(days, 30, 14, 1)!;
    expect(b.days).toBe(20);
    expect(b.centre).toBe(62);
    expect(b.spread).toBeCloseTo(MAD_TO_SD * 1, 10);
    expect(b.fromDay).toBe(2);
    expect(b.toDay).toBe(29);
    expect(robustDeviation(90, b)).toBeCloseTo(28 / MAD_TO_SD, 10);
  });

  it('needs the minimum number of sufficient days, and floors the spread', () => {
    const days = Array.from({ length: 13 }, (_, i) => day(i, 70));
    expect(baselineFor(days, 14, 14, 0.2)).toBeUndefined();
    const more = [...days, day(13, 70)];
    expect(baselineFor(more, 14, 14, 0.2)).toMatchObject({ centre: 70, spread: 0.2, days: 14 });
  });

  it('daily summaries: resting heart rate is the low decile and needs 30 readings; a day of steps counts once it is over', () => {
    const store = new DailySummaryStore();
    for (let i = 0; i < 40; i++) store.add('p', reading('p', 'heart-rate', i < 4 ? 55 : 80 + (i % 10), DAY0 + i * 60_000, '/min'));
    for (let i = 0; i < 29; i++) store.add('p', reading('p', 'heart-rate', 70, DAY0 + DAY_MS + i * 60_000, '/min'));
    store.add('p', reading('p', 'steps', 4000, DAY0 + 3_600_000, '{steps}'));
    store.add('p', reading('p', 'steps', 2500, DAY0 + 5 * 3_600_000, '{steps}'));
    store.add('p', reading('p', 'steps', 1000, DAY0 + DAY_MS + 3_600_000, '{steps}'));
    store.add('p', { ...reading('p', 'heart-rate', 20, DAY0 + 5_000, '/min'), flags: ['sensor-contact-lost'] });
    const hr = store.days('p', 'resting-heart-rate');
    expect(hr).toEqual([
      { day: day0, value: 55, count: 40, sufficient: true },
      { day: day0 + 1, value: 70, count: 29, sufficient: false },
    ]);
    expect(store.days('p', 'steps', day0 + 1)).toEqual([
      { day: day0, value: 6500, count: 2, sufficient: true },
      { day: day0 + 1, value: 1000, count: 1, sufficient: false },
    ]);
  });

  it('converts units and keeps skin temperature to wearable readings', () => {
    const store = new DailySummaryStore();
    store.add('p', reading('p', 'body-weight', 176.37, DAY0, '[lb_av]', 'clinical'));
    store.add('p', reading('p', 'body-temperature', 33.5, DAY0, 'Cel', 'consumer'));
    store.add('p', reading('p', 'body-temperature', 37.9, DAY0, 'Cel', 'clinical'));
    expect(store.days('p', 'body-weight')[0]!.value).toBeCloseTo(80, 2);
    expect(store.days('p', 'skin-temperature').map((d) => d.value)).toEqual([33.5]);
  });
});
