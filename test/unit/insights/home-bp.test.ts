import { describe, expect, it } from 'vitest';
import { HomeBpInputError, homeBpCategory, homeBpReport } from '../../../renderer/src/engine/insights/home-bp';

// Chicago is UTC−6 in March before the DST change (9 March 2025); the series runs 1–7 March.
const chicago = (d: number, h: number, m = 0) => Date.UTC(2025, 2, d, h + 6, m);

/** Morning 07:00 and evening 19:00 local each day; day 1 reads high and must not count. */
function series(): { time: number; systolic: number; diastolic: number }[] {
  const out = [
    { time: chicago(1, 7), systolic: 160, diastolic: 100 },
    { time: chicago(1, 19), systolic: 158, diastolic: 98 },
  ];
  for (let d = 2; d <= 7; d++) {
    out.push({ time: chicago(d, 7), systolic: 130 + d, diastolic: 80 + (d % 2) });
    out.push({ time: chicago(d, 19), systolic: 120 + d, diastolic: 76 });
  }
  return out;
}

describe('home blood pressure, 7-day protocol without the first day (ACC/AHA 2017)', () => {
  it('averages days 2–7, morning and evening separately, against the target and the categories', () => {
    // Mornings: systolic 132…137 → mean 134.5 → 135; diastolic 80,81,80,81,80,81 → 80.5 → 81.
    // Evenings: 122…127 → 124.5 → 125; diastolic 76. Overall: systolic (807 + 747) / 12 = 129.5 → 130;
    // diastolic (483 + 456) / 12 = 78.25 → 78 → stage 1 by systolic 130; not below 130/80.
    const r = homeBpReport(series(), { timeZone: 'America/Chicago' });
    expect(r).toEqual({
      firstDay: '2025-03-01',
      daysWithReadings: 6,
      firstDayReadingsExcluded: 2,
      morning: { readings: 6, systolic: 135, diastolic: 81 },
      evening: { readings: 6, systolic: 125, diastolic: 76 },
      overall: { readings: 12, systolic: 130, diastolic: 78 },
      category: 'stage-1',
      target: { systolic: 130, diastolic: 80 },
      atTarget: false,
    });
  });

  it('uses the patient target when one is set, and ignores readings after day 7', () => {
    const late = { time: chicago(8, 7), systolic: 190, diastolic: 110 };
    const r = homeBpReport([...series(), late], { timeZone: 'America/Chicago', target: { systolic: 135, diastolic: 85 } });
    expect(r.overall).toEqual({ readings: 12, systolic: 130, diastolic: 78 });
    expect(r.atTarget).toBe(true);
  });

  it('splits morning and evening at local noon, not UTC noon', () => {
    // 11:30 local is 17:30 UTC: still a morning reading.
    const r = homeBpReport(
      [{ time: chicago(1, 8), systolic: 150, diastolic: 90 }, { time: chicago(2, 11, 30), systolic: 118, diastolic: 70 }],
      { timeZone: 'America/Chicago' },
    );
    expect(r.morning).toEqual({ readings: 1, systolic: 118, diastolic: 70 });
    expect(r.evening).toBeNull();
    expect(r.category).toBe('normal');
  });

  it('starts the series on a given first day', () => {
    // Day 1 is 28 February (no readings), so 1–6 March are days 2–7 and 7 March is left out.
    const r = homeBpReport(series(), { timeZone: 'America/Chicago', firstDay: '2025-02-28' });
    expect(r.firstDayReadingsExcluded).toBe(0);
    expect(r.overall.readings).toBe(12);
    expect(r.morning?.systolic).toBe(Math.round((160 + 132 + 133 + 134 + 135 + 136) / 6));
  });

  it('refuses a series with nothing after day 1, impossible readings and a bad first day', () => {
    expect(() => homeBpReport([{ time: chicago(1, 7), systolic: 120, diastolic: 80 }], { timeZone: 'America/Chicago' })).toThrow(/days 2–7/);
    expect(() => homeBpReport([], { timeZone: 'UTC' })).toThrow(HomeBpInputError);
    expect(() => homeBpReport([{ time: 0, systolic: 80, diastolic: 90 }], { timeZone: 'UTC' })).toThrow(/diastolic must be below systolic/);
    expect(() => homeBpReport([{ time: 0, systolic: 400, diastolic: 90 }], { timeZone: 'UTC' })).toThrow(/systolic 400 is outside/);
    expect(() => homeBpReport(series(), { timeZone: 'UTC', firstDay: '1 March' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('ACC/AHA 2017 categories with home-equivalent thresholds (Table 11)', () => {
  it.each([
    [119, 79, 'normal'],
    [120, 79, 'elevated'],
    [129, 79, 'elevated'],
    [130, 70, 'stage-1'],
    [115, 80, 'stage-1'],
    [134, 84, 'stage-1'],
    [135, 70, 'stage-2'],
    [110, 85, 'stage-2'],
    [145, 90, 'stage-2'],
  ] as const)('%s/%s is %s', (sys, dia, category) => {
    expect(homeBpCategory(sys, dia)).toBe(category);
  });
});
