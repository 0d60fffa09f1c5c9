import { describe, expect, it } from 'vitest';
import { TimeZoneError } from '../../../common/time/local-days';
import { adherence, changeOverWindow, DAY_MS, slope, TrendError, windowStats } from '../../../renderer/src/engine/signal/trends';

const T = Date.UTC(2026, 0, 10, 8); // a Saturday morning, UTC
const at = (days: number, value: number) => ({ timeMs: T + days * DAY_MS, value });

describe('least-squares slope per day', () => {
  it('is exact on a straight line with gaps between readings', () => {
    const s = slope([at(0, 70), at(1, 71), at(3, 73), at(10, 80)]);
    expect(s!.perDay).toBeCloseTo(1, 12);
    expect(s!.fittedLast).toBeCloseTo(80, 10);
    expect(s).toMatchObject({ n: 4, spanMs: 10 * DAY_MS });
  });

  it('matches the hand-computed fit of scattered points (unsorted input)', () => {
    // x = 0, 1, 2, 4 days; y = 0, 1, 0, 3: Sxy = 6, Sxx = 8.75, slope 0.6857…, fitted at x = 4: 1 + 0.6857 × 2.25.
    const s = slope([at(4, 3), at(0, 0), at(2, 0), at(1, 1)])!;
    expect(s.perDay).toBeCloseTo(6 / 8.75, 12);
    expect(s.fittedLast).toBeCloseTo(1 + (6 / 8.75) * 2.25, 12);
  });

  it('uses elapsed time across a daylight-saving change (a 23-hour local day)', () => {
    // 08:00 Berlin on 28, 29 and 30 March 2026 (clocks go forward on the 29th): 0, 23/24 and 47/24 days.
    const pts = [
      { timeMs: Date.UTC(2026, 2, 28, 7), value: 80 },
      { timeMs: Date.UTC(2026, 2, 29, 6), value: 81 },
      { timeMs: Date.UTC(2026, 2, 30, 6), value: 82 },
    ];
    // Sxy = 47/24, Sxx = 1657/864 → 1692/1657 per day.
    expect(slope(pts)!.perDay).toBeCloseTo(1692 / 1657, 12);
  });

  it('is null with fewer than two points or no time spread, and skips non-finite points', () => {
    expect(slope([])).toBeNull();
    expect(slope([at(0, 1)])).toBeNull();
    expect(slope([at(0, 1), at(0, 2)])).toBeNull();
    expect(slope([at(0, 1), at(1, NaN), at(2, 3)])!.perDay).toBeCloseTo(1, 12);
  });

  it('takes only the points in a window', () => {
    const pts = [at(0, 100), at(5, 70), at(6, 71), at(7, 72)];
    expect(slope(pts, { endMs: T + 7 * DAY_MS, windowMs: 3 * DAY_MS })!.perDay).toBeCloseTo(1, 12);
  });
});

describe('change and mean over a window', () => {
  const weights = [at(0, 80), at(1, 80.4), at(2, 79.9), at(4, 81.2), at(5, 82.1)];

  it('weight change over 3 days: start excluded, end included', () => {
    // Window (day 2, day 5]: day 4 (81.2) and day 5 (82.1); day 2 lies exactly on the excluded start.
    const c = changeOverWindow(weights, { endMs: T + 5 * DAY_MS, windowMs: 3 * DAY_MS })!;
    expect(c.first).toEqual(at(4, 81.2));
    expect(c.last).toEqual(at(5, 82.1));
    expect(c.change).toBeCloseTo(0.9, 12);
    expect(c.rise).toBeCloseTo(0.9, 12);
    expect(c.fall).toBe(0);
    expect(c.n).toBe(2);
    // A window one ms longer takes day 2 in: gain of 2.2 kg since the 79.9 reading.
    const wider = changeOverWindow(weights, { endMs: T + 5 * DAY_MS, windowMs: 3 * DAY_MS + 1 })!;
    expect(wider.change).toBeCloseTo(2.2, 12);
    expect(wider.rise).toBeCloseTo(2.2, 12);
  });

  it('rise and fall against the window minimum and maximum', () => {
    const c = changeOverWindow([at(0, 80), at(1, 83), at(2, 78), at(3, 81)], { endMs: T + 3 * DAY_MS, windowMs: 7 * DAY_MS })!;
    expect(c).toMatchObject({ change: 1, rise: 3, fall: -2, n: 4 });
  });

  it('7-day mean blood pressure over a gap-ridden week', () => {
    const sys = [at(-8, 170), at(-6, 150), at(-5, 140), at(-1, 130), at(0, 136), at(0.5, 144)];
    // Window (day −7, day 0.5]: 150, 140, 130, 136, 144 → mean 140.
    expect(windowStats(sys, { endMs: T + 0.5 * DAY_MS, windowMs: 7 * DAY_MS })).toEqual({ mean: 140, min: 130, max: 150, n: 5 });
    expect(windowStats(sys, { endMs: T - 10 * DAY_MS, windowMs: 7 * DAY_MS })).toBeNull();
    expect(changeOverWindow(sys, { endMs: T - 10 * DAY_MS, windowMs: DAY_MS })).toBeNull();
  });

  it('rejects a bad window with a typed error', () => {
    expect(() => windowStats([], { endMs: T, windowMs: 0 })).toThrow(TrendError);
    expect(() => changeOverWindow([], { endMs: NaN, windowMs: DAY_MS })).toThrow(TrendError);
  });
});

describe('adherence: days with readings in the last 30, in a time zone', () => {
  // Now: Thursday 5 November 2026, 12:00 in Berlin (11:00 UTC). The 30 days are 7 October … 5 November.
  const now = Date.UTC(2026, 10, 5, 11);
  const zone = 'Europe/Berlin';

  it('counts local calendar days, including the 25-hour day when clocks go back', () => {
    const readings = [
      { timeMs: Date.UTC(2026, 9, 6, 21, 59), value: 1 }, // 6 Oct 23:59 CEST: the day before the range
      { timeMs: Date.UTC(2026, 9, 6, 22, 30), value: 1 }, // 7 Oct 00:30 CEST: first day
      { timeMs: Date.UTC(2026, 9, 25, 0, 30), value: 1 }, // 25 Oct 02:30 CEST …
      { timeMs: Date.UTC(2026, 9, 25, 1, 30), value: 1 }, // … and 02:30 CET an hour later: same day
      { timeMs: Date.UTC(2026, 9, 25, 22, 30), value: 1 }, // 25 Oct 23:30 CET
      { timeMs: Date.UTC(2026, 9, 31, 23, 30), value: NaN }, // 1 Nov 00:30 CET (a flagged reading still shows the patient measured)
      { timeMs: Date.UTC(2026, 10, 5, 10, 59), value: 1 }, // today, before now
      { timeMs: Date.UTC(2026, 10, 5, 11, 1), value: 1 }, // after now: not counted
    ];
    const a = adherence(readings, { nowMs: now, timeZone: zone });
    expect(a).toEqual({ daysWithReadings: 4, totalDays: 30, fraction: 4 / 30, dates: ['2026-10-07', '2026-10-25', '2026-11-01', '2026-11-05'], from: '2026-10-07', to: '2026-11-05' });
  });

  it('puts a late-evening reading on its local day, not its UTC day', () => {
    // 5 Nov 2026 23:30 in Los Angeles is 6 Nov 07:30 UTC.
    const r = [{ timeMs: Date.UTC(2026, 10, 6, 7, 30), value: 1 }];
    // Now is 6 Nov 00:30 PST (08:30 UTC): in Los Angeles the reading was yesterday, in UTC today.
    const nowMs = Date.UTC(2026, 10, 6, 8, 30);
    expect(adherence(r, { nowMs, timeZone: 'America/Los_Angeles', days: 1 })).toMatchObject({ daysWithReadings: 0, from: '2026-11-06' });
    expect(adherence(r, { nowMs, timeZone: 'America/Los_Angeles', days: 2 }).dates).toEqual(['2026-11-05']);
    expect(adherence(r, { nowMs, timeZone: 'UTC', days: 1 }).dates).toEqual(['2026-11-06']);
  });

  it('spans the spring-forward day as one day', () => {
    // New York, 8 March 2026 (23-hour day): readings at 01:30 EST and 03:30 EDT on the same day.
    const r = [{ timeMs: Date.UTC(2026, 2, 8, 6, 30), value: 1 }, { timeMs: Date.UTC(2026, 2, 8, 7, 30), value: 1 }, { timeMs: Date.UTC(2026, 2, 9, 3, 59), value: 1 }];
    const a = adherence(r, { nowMs: Date.UTC(2026, 2, 9, 12), timeZone: 'America/New_York', days: 7 });
    expect(a.dates).toEqual(['2026-03-08']); // 9 Mar 03:59 UTC is still 8 March 23:59 EDT
    expect(a.from).toBe('2026-03-03');
    expect(a.daysWithReadings).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => adherence([], { nowMs: now, timeZone: zone, days: 0 })).toThrow(TrendError);
    expect(() => adherence([], { nowMs: now, timeZone: 'Mars/Olympus' })).toThrow(TimeZoneError);
  });
});
