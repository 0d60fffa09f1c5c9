import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDate, localDayBoundaries, startOfLocalDay, TimeZoneError } from '../../../common/time/local-days';
import {
  currentPeriod,
  daysWithReadings,
  DEFAULT_RPM_RULES,
  emptyStrip,
  evaluateRpm,
  markReadingDays,
  markReadingDaysSorted,
  minutesInMonth,
  MonitoringPeriodError,
  parseRpmRules,
  PERIOD_DAYS,
  RpmRuleTableError,
  rulesInForce,
  summarizeRpm,
  type RpmActivity,
} from '../../../common/billing/rpm';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const activity = (a: Partial<RpmActivity>): RpmActivity => ({ daysWithReadings: 0, daysLeftInPeriod: 20, minutesThisMonth: 0, interactiveContacts: 0, asOf: '2026-03-10', ...a });
const codes = (a: Partial<RpmActivity>) => evaluateRpm(DEFAULT_RPM_RULES, activity(a)).met.map((m) => (m.units > 1 ? `${m.code}x${m.units}` : m.code));

describe('local calendar days in a zone', () => {
  it('finds the local date of an instant in different zones', () => {
    const t = at('2026-03-01T03:30:00Z');
    expect(localDate(t, 'UTC')).toBe('2026-03-01');
    expect(localDate(t, 'America/Chicago')).toBe('2026-02-28');
    expect(localDate(t, 'Asia/Kolkata')).toBe('2026-03-01');
    expect(localDate(at('2026-02-28T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-01');
  });

  it('starts a local day at local midnight, also on daylight-saving days', () => {
    expect(startOfLocalDay('2026-03-08', 'America/Chicago')).toBe(at('2026-03-08T06:00:00Z'));
    // Spring forward that night: the next day starts at CDT midnight, 23 hours later.
    expect(startOfLocalDay('2026-03-09', 'America/Chicago') - startOfLocalDay('2026-03-08', 'America/Chicago')).toBe(23 * H);
    // Fall back: 25 hours.
    expect(startOfLocalDay('2026-11-02', 'America/Chicago') - startOfLocalDay('2026-11-01', 'America/Chicago')).toBe(25 * H);
    expect(startOfLocalDay('2026-07-01', 'Asia/Kolkata')).toBe(at('2026-06-30T18:30:00Z'));
  });

  it('starts the day when midnight does not exist (DST change at 00:00)', () => {
    // Chile moved clocks from 00:00 to 01:00 on 2025-09-07.
    const start = startOfLocalDay('2025-09-07', 'America/Santiago');
    expect(localDate(start, 'America/Santiago')).toBe('2025-09-07');
    expect(localDate(start - 1000, 'America/Santiago')).toBe('2025-09-06');
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-01-15', '2026-03-16')).toBe(60);
    expect(() => addDays('2026-02-30', 1)).toThrow(/not a real date/);
    expect(localDayBoundaries('2026-03-07', 3, 'America/Chicago')).toHaveLength(4);
  });

  it('rejects an unknown zone with a typed error', () => {
    expect(() => localDate(0, 'Mars/Olympus')).toThrow(TimeZoneError);
  });
});

describe('the 30-day device-supply period', () => {
  const zone = 'America/Chicago';
  const start = at('2026-01-10T15:00:00Z'); // 09:00 local on 10 January

  it('starts on the local day of enrolment and rolls every 30 days', () => {
    const p0 = currentPeriod(start, at('2026-01-10T23:00:00Z'), zone);
    expect(p0).toMatchObject({ index: 0, firstDay: '2026-01-10', lastDay: '2026-02-08', dayIndex: 0 });
    expect(p0.dayStartsMs).toHaveLength(PERIOD_DAYS + 1);
    // Last moment of day 30 (local) is still period 0.
    expect(currentPeriod(start, at('2026-02-09T05:59:59Z'), zone)).toMatchObject({ index: 0, dayIndex: 29 });
    // Local midnight starts period 1.
    expect(currentPeriod(start, at('2026-02-09T06:00:00Z'), zone)).toMatchObject({ index: 1, firstDay: '2026-02-09', lastDay: '2026-03-10', dayIndex: 0 });
    expect(currentPeriod(start, at('2026-04-10T12:00:00Z'), zone)).toMatchObject({ index: 3, firstDay: '2026-04-10', dayIndex: 0 });
  });

  it('counts days in the clinic zone, not UTC', () => {
    // 02:00 UTC on 10 Jan is still 9 January in Chicago: the day before monitoring started.
    expect(() => currentPeriod(start, at('2026-01-10T02:00:00Z'), zone)).toThrow(MonitoringPeriodError);
    // Enrolled late in the evening local time (already the next day in UTC).
    const evening = at('2026-01-11T04:30:00Z'); // 22:30 on 10 Jan in Chicago
    expect(currentPeriod(evening, evening, zone).firstDay).toBe('2026-01-10');
    expect(currentPeriod(evening, evening, 'UTC').firstDay).toBe('2026-01-11');
  });

  it('keeps whole local days across a daylight-saving change inside the period', () => {
    const p = currentPeriod(at('2026-03-01T18:00:00Z'), at('2026-03-20T18:00:00Z'), zone);
    const lengths = p.dayStartsMs.slice(1).map((b, i) => (b - p.dayStartsMs[i]!) / H);
    expect(lengths.filter((h) => h === 23)).toHaveLength(1);
    expect(lengths.filter((h) => h === 24)).toHaveLength(29);
  });
});

describe('days with readings', () => {
  const zone = 'America/Chicago';
  const p = currentPeriod(at('2026-01-10T15:00:00Z'), at('2026-01-25T15:00:00Z'), zone);

  it('counts distinct local days, ignoring readings outside the period', () => {
    const strip = markReadingDays(emptyStrip(), p.dayStartsMs, [
      at('2026-01-10T14:00:00Z'), // 08:00 day 1
      at('2026-01-10T23:00:00Z'), // 17:00 day 1 again
      at('2026-01-11T05:59:00Z'), // 23:59 day 1 (UTC already 11 Jan)
      at('2026-01-11T06:00:00Z'), // 00:00 day 2
      at('2026-01-10T05:00:00Z'), // 23:00 on 9 Jan: before the period
      at('2026-02-09T06:00:00Z'), // first instant of the next period
      at('2026-02-09T05:59:59Z'), // last instant of day 30
    ]);
    expect(strip.filter(Boolean)).toHaveLength(3);
    expect(strip[0]).toBe(true);
    expect(strip[1]).toBe(true);
    expect(strip[29]).toBe(true);
  });

  it('counts days with readings from an enrolment start in one call, per period', () => {
    const start = at('2026-01-10T15:00:00Z');
    const times = [0, 1, 1, 5, 29, 30, 31].map((d) => start + d * 86_400_000);
    const inFirst = daysWithReadings(start, at('2026-02-08T20:00:00Z'), zone, times);
    expect(inFirst.count).toBe(4);
    expect(inFirst.period.index).toBe(0);
    const inSecond = daysWithReadings(start, at('2026-02-10T20:00:00Z'), zone, times);
    expect(inSecond).toMatchObject({ count: 2, period: { index: 1, firstDay: '2026-02-09' } });
  });

  it('marks days from a sorted dense series with one search per day', () => {
    const times = Float64Array.from({ length: 3 * 1440 }, (_, i) => at('2026-01-12T00:00:00Z') + i * 60_000);
    const strip = markReadingDaysSorted(emptyStrip(), p.dayStartsMs, times);
    // 12 Jan 00:00Z .. 14 Jan 23:59Z covers local 11 Jan 18:00 .. 14 Jan 17:59: days 2, 3, 4, 5.
    expect(strip.map((f, i) => (f ? i : -1)).filter((i) => i >= 0)).toEqual([1, 2, 3, 4]);
    expect(markReadingDaysSorted(emptyStrip(), p.dayStartsMs, [])).toEqual(emptyStrip());
  });
});

describe('minutes in the calendar month', () => {
  const log = [
    { date: '2026-02-27', minutes: 15, interactive: true },
    { date: '2026-03-01', minutes: 12, interactive: false },
    { date: '2026-03-31', minutes: 10, interactive: true },
    { date: '2026-04-01', minutes: 30, interactive: true },
  ];

  it('sums the month that contains the instant, in the clinic zone', () => {
    expect(minutesInMonth(log, at('2026-03-15T12:00:00Z'), 'America/Chicago')).toEqual({ month: '2026-03', minutes: 22, interactiveContacts: 1 });
    // 1 April 03:00 UTC is still 31 March in Chicago.
    expect(minutesInMonth(log, at('2026-04-01T03:00:00Z'), 'America/Chicago').month).toBe('2026-03');
    expect(minutesInMonth(log, at('2026-04-01T03:00:00Z'), 'UTC')).toEqual({ month: '2026-04', minutes: 30, interactiveContacts: 1 });
  });
});

describe('codes met and the next threshold', () => {
  it('device supply: 99445 for 2–15 days, 99454 for 16–30, never both', () => {
    expect(codes({ daysWithReadings: 1 })).toEqual([]);
    expect(codes({ daysWithReadings: 2 })).toEqual(['99445']);
    expect(codes({ daysWithReadings: 15 })).toEqual(['99445']);
    expect(codes({ daysWithReadings: 16 })).toEqual(['99454']);
    expect(codes({ daysWithReadings: 30 })).toEqual(['99454']);
  });

  it('management: 99470 from 10 minutes, 99457 at 20, 99458 per further 20, all with an interactive contact', () => {
    expect(codes({ minutesThisMonth: 9, interactiveContacts: 1 })).toEqual([]);
    expect(codes({ minutesThisMonth: 10, interactiveContacts: 1 })).toEqual(['99470']);
    expect(codes({ minutesThisMonth: 19, interactiveContacts: 1 })).toEqual(['99470']);
    expect(codes({ minutesThisMonth: 20, interactiveContacts: 1 })).toEqual(['99457']);
    expect(codes({ minutesThisMonth: 39, interactiveContacts: 1 })).toEqual(['99457']);
    expect(codes({ minutesThisMonth: 40, interactiveContacts: 1 })).toEqual(['99457', '99458']);
    expect(codes({ minutesThisMonth: 60, interactiveContacts: 1 })).toEqual(['99457', '99458x2']);
    expect(codes({ minutesThisMonth: 45, interactiveContacts: 0 })).toEqual([]);
    expect(evaluateRpm(DEFAULT_RPM_RULES, activity({ minutesThisMonth: 45 })).needsInteractiveContact).toBe(true);
  });

  it('applies the 2026 codes only from 1 January 2026', () => {
    expect(codes({ daysWithReadings: 10, minutesThisMonth: 12, interactiveContacts: 1, asOf: '2025-12-31' })).toEqual([]);
    expect(codes({ daysWithReadings: 10, minutesThisMonth: 12, interactiveContacts: 1, asOf: '2026-01-01' })).toEqual(['99445', '99470']);
    expect(rulesInForce(DEFAULT_RPM_RULES, '2019-06-01').map((r) => r.code)).toEqual(['99454', '99457']);
  });

  it('says how far the next code is', () => {
    const s = evaluateRpm(DEFAULT_RPM_RULES, activity({ daysWithReadings: 13, daysLeftInPeriod: 2, minutesThisMonth: 13, interactiveContacts: 1 }));
    expect(s.next).toEqual([
      { code: '99454', kind: 'device-supply', remaining: 3, unit: 'days', reachable: false, text: '3 more days' },
      { code: '99457', kind: 'management', remaining: 7, unit: 'minutes', reachable: true, text: '7 more minutes' },
    ]);
    expect(evaluateRpm(DEFAULT_RPM_RULES, activity({ daysWithReadings: 0 })).next[0]).toMatchObject({ code: '99445', text: '2 more days' });
    expect(evaluateRpm(DEFAULT_RPM_RULES, activity({ daysWithReadings: 20, minutesThisMonth: 45, interactiveContacts: 1 })).next).toEqual([
      { code: '99458', kind: 'management', remaining: 15, unit: 'minutes', reachable: true, text: '15 more minutes' },
    ]);
    expect(evaluateRpm(DEFAULT_RPM_RULES, activity({ minutesThisMonth: 19, interactiveContacts: 1 })).next[1]).toMatchObject({ text: '1 more minute' });
    // Before 2026 the next management mark is 99457's 20 minutes.
    expect(evaluateRpm(DEFAULT_RPM_RULES, activity({ minutesThisMonth: 5, asOf: '2025-06-01' })).next[1]).toMatchObject({ code: '99457', remaining: 15 });
  });

  it('summarises a patient from a strip and a month', () => {
    const zone = 'UTC';
    const now = at('2026-03-12T10:00:00Z');
    const p = currentPeriod(at('2026-03-01T09:00:00Z'), now, zone);
    const strip = markReadingDays(emptyStrip(), p.dayStartsMs, [0, 1, 2, 5, 6, 9].map((d) => at('2026-03-01T08:00:00Z') + d * 86_400_000));
    const s = summarizeRpm(DEFAULT_RPM_RULES, p, strip, minutesInMonth([{ date: '2026-03-02', minutes: 12, interactive: false }, { date: '2026-03-03', minutes: 10, interactive: true }], now, zone), now, zone);
    expect(s.daysWithReadings).toBe(6);
    expect(s.standing.met.map((m) => m.code)).toEqual(['99445', '99457']);
    expect(s.standing.next.find((n) => n.kind === 'device-supply')).toMatchObject({ remaining: 10, reachable: true });
    expect(() => summarizeRpm(DEFAULT_RPM_RULES, p, [true], s.month, now, zone)).toThrow(RangeError);
  });
});

describe('the clinic-editable rule table', () => {
  it('accepts the defaults and an edited copy', () => {
    expect(parseRpmRules(DEFAULT_RPM_RULES)).toHaveLength(DEFAULT_RPM_RULES.length);
    const edited = DEFAULT_RPM_RULES.map((r) => (r.code === '99454' ? { ...r, effectiveUntil: '2030-12-31' } : r));
    expect(parseRpmRules(edited).find((r) => r.code === '99454')!.effectiveUntil).toBe('2030-12-31');
  });

  it('rejects a broken table with readable problems', () => {
    const bad = [
      { ...DEFAULT_RPM_RULES[0]!, minDays: 20, maxDays: 10 },
      { ...DEFAULT_RPM_RULES[0]!, maxDays: 30 },
      { code: '9945', kind: 'management', description: 'x', minMinutes: 0, requiresInteractive: true, effectiveFrom: '2026-01-01' },
    ];
    const err = (() => {
      try {
        parseRpmRules(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RpmRuleTableError);
    const text = (err as RpmRuleTableError).problems.join('\n');
    expect(text).toMatch(/0\.maxDays: must not be below the minimum days/);
    expect(text).toMatch(/1\.code: 99454 appears twice/);
    expect(text).toMatch(/2\.code: a CPT\/HCPCS code is five letters or digits/);
    expect(text).toMatch(/2\.minMinutes: at least 1 minute/);
    expect(() => parseRpmRules([])).toThrow(/at least one code/);
  });
});
