import { describe, expect, it } from 'vitest';
import { compareClocks, correctDeviceTime, wallToUtcCandidates, zoneOffsetMs } from '../../../electron/devices/session/device-clock';

const t = (s: string) => {
  const [d, h] = s.split('T') as [string, string];
  const [year, month, day] = d.split('-').map(Number) as [number, number, number];
  const [hours, minutes, seconds] = h.split(':').map(Number) as [number, number, number];
  return { year, month, day, hours, minutes, seconds };
};

describe('device clock correction', () => {
  it('knows zone offsets, gaps and repeats (America/New_York, 2026 transitions)', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'America/New_York')).toBe(-4 * 3_600_000);
    // 8 March 2026 02:30 does not exist; 1 November 2026 01:30 happens twice.
    expect(wallToUtcCandidates(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York')).toEqual([]);
    expect(wallToUtcCandidates(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')).toEqual([Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 6, 30)]);
  });

  it('measures the offset and warns beyond 15 minutes', () => {
    const hostUtcMs = Date.UTC(2026, 10, 24, 15, 0, 0); // 10:00 in New York
    const ok = compareClocks({ deviceNow: t('2026-11-24T09:55:00'), hostUtcMs, timeZone: 'America/New_York' });
    expect(ok).toMatchObject({ offsetMs: 5 * 60_000, skewed: false });
    const bad = compareClocks({ deviceNow: t('2026-11-24T08:40:00'), hostUtcMs, timeZone: 'America/New_York' });
    expect(bad).toMatchObject({ offsetMs: 80 * 60_000, skewed: true });
  });

  it('corrects record times through the offset into UTC', () => {
    const corr = compareClocks({ deviceNow: t('2026-11-24T08:40:00'), hostUtcMs: Date.UTC(2026, 10, 24, 15), timeZone: 'America/New_York' });
    expect(correctDeviceTime(t('2026-11-20T07:00:00'), corr)).toEqual({ utcMs: Date.UTC(2026, 10, 20, 13, 20) });
  });

  it('handles a record falling in the spring-forward gap and in the fall-back repeat', () => {
    const exact = compareClocks({ deviceNow: t('2026-11-24T10:00:00'), hostUtcMs: Date.UTC(2026, 10, 24, 15), timeZone: 'America/New_York' });
    expect(correctDeviceTime(t('2026-03-08T02:30:00'), exact)).toEqual({ utcMs: Date.UTC(2026, 2, 8, 7, 30), dst: 'dst-gap' });
    const first = correctDeviceTime(t('2026-11-01T01:30:00'), exact);
    expect(first).toEqual({ utcMs: Date.UTC(2026, 10, 1, 5, 30), dst: 'dst-repeat' });
    // A later record at 01:10 after one at 01:50 (the clock fell back): it is the second 01:10.
    const after = correctDeviceTime(t('2026-11-01T01:10:00'), exact, Date.UTC(2026, 10, 1, 5, 50));
    expect(after).toEqual({ utcMs: Date.UTC(2026, 10, 1, 6, 10), dst: 'dst-repeat' });
  });
});
