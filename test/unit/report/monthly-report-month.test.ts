import { describe, expect, it } from 'vitest';
import { DEFAULT_RPM_RULES } from '../../../common/billing/rpm';
import { lastFullMonth, MonthlyReportInputError, readingDaysOf, reportMonth, shiftMonth } from '../../../renderer/src/engine/insights/monthly-report/month';
import { reportThresholds } from '../../../renderer/src/engine/insights/monthly-report/report';

const H = 3_600_000;

describe('the report month in the clinic zone', () => {
  it('spans the local calendar month, 23-hour day included, when clocks go forward (Chicago, March 2026)', () => {
    const m = reportMonth('2026-03', 'America/Chicago');
    expect(m).toMatchObject({ firstDay: '2026-03-01', lastDay: '2026-03-31', days: 31 });
    expect(new Date(m.startMs).toISOString()).toBe('2026-03-01T06:00:00.000Z');
    expect(new Date(m.endMs).toISOString()).toBe('2026-04-01T05:00:00.000Z');
    expect(m.endMs - m.startMs).toBe((31 * 24 - 1) * H);
    // 8 March is the short day.
    expect(m.dayStartsMs[8]! - m.dayStartsMs[7]!).toBe(23 * H);
  });

  it('has a 25-hour day when clocks go back (Chicago, November 2026) and none in UTC', () => {
    const nov = reportMonth('2026-11', 'America/Chicago');
    expect(nov.days).toBe(30);
    expect(nov.endMs - nov.startMs).toBe((30 * 24 + 1) * H);
    const feb = reportMonth('2028-02', 'UTC');
    expect(feb.days).toBe(29);
    expect(feb.endMs - feb.startMs).toBe(29 * 24 * H);
  });

  it('marks the local days that hold a reading, by the zone and not by UTC', () => {
    const m = reportMonth('2026-03', 'America/Chicago');
    const strip = readingDaysOf(m, [
      Date.parse('2026-03-01T05:59:00Z'), // 23:59 on 28 February local
      Date.parse('2026-03-03T04:00:00Z'), // 22:00 on 2 March local
      Date.parse('2026-04-01T04:59:00Z'), // 23:59 CDT on 31 March
      Date.parse('2026-04-01T05:00:00Z'), // April
    ]);
    expect(strip).toHaveLength(31);
    expect(strip.map((v, i) => (v ? i + 1 : 0)).filter(Boolean)).toEqual([2, 31]);
  });

  it('steps months across years and defaults to the last full month', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2025-12', 1)).toBe('2026-01');
    expect(shiftMonth('2026-03', -15)).toBe('2024-12');
    // 1 March 03:00 UTC is still 28 February in Chicago: the last full month is January.
    expect(lastFullMonth(Date.parse('2026-03-01T03:00:00Z'), 'America/Chicago')).toBe('2026-01');
    expect(lastFullMonth(Date.parse('2026-03-01T03:00:00Z'), 'UTC')).toBe('2026-02');
  });

  it('refuses what is not a month or a zone with a typed error', () => {
    for (const bad of ['2026-13', '2026-3', '26-03', '2026-03-01', '']) expect(() => reportMonth(bad, 'UTC')).toThrow(MonthlyReportInputError);
    expect(() => reportMonth('2026-03', 'Mars/Olympus')).toThrow(MonthlyReportInputError);
  });

  it('takes the 16-day and 20-minute thresholds from the RPM table in force', () => {
    expect(reportThresholds(DEFAULT_RPM_RULES, '2026-03-31')).toEqual({ days: 16, minutes: 20 });
    const edited = DEFAULT_RPM_RULES.map((r) => (r.code === '99454' ? { ...r, minDays: 12 } : r.code === '99457' ? { ...r, minMinutes: 15 } : r));
    expect(reportThresholds(edited, '2026-03-31')).toEqual({ days: 12, minutes: 15 });
    expect(reportThresholds([], '2026-03-31')).toEqual({ days: 16, minutes: 20 });
  });
});
