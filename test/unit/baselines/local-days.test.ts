import { describe, expect, it } from 'vitest';
import { DailySummaryStore } from '../../../renderer/src/engine/baselines/daily-summary';
import { DAY_MS, UTC_DAYS, zoneDays } from '../../../renderer/src/engine/baselines/metrics';
import { BaselineMonitor, type MonitorReading } from '../../../renderer/src/engine/baselines/monitor';
import { baselineDefaultRules } from '../../../renderer/src/engine/rules/baseline-defaults';
import { emptyContext, type PatientRuleContext } from '../../../renderer/src/engine/rules/context';
import { memoryLoader, normal, reading, seeded } from './synthetic';

const LA = 'America/Los_Angeles';
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

describe("patient-days are the clinic's local days", () => {
  it('names the local calendar date of an instant and the first instant of a date, across a DST change', () => {
    const la = zoneDays(LA);
    // 22:00 on 24 November in Los Angeles is 06:00 UTC on the 25th
    expect(dateOf(la.dayOf(Date.parse('2026-11-25T06:00:00Z')))).toBe('2026-11-24');
    expect(dateOf(UTC_DAYS.dayOf(Date.parse('2026-11-25T06:00:00Z')))).toBe('2026-11-25');
    expect(new Date(la.startMs(Date.UTC(2026, 10, 25) / DAY_MS)).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    // 1 November 2026: clocks go back at 02:00 PDT, so the day lasts 25 hours
    const nov1 = Date.UTC(2026, 10, 1) / DAY_MS;
    expect(new Date(la.startMs(nov1)).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(la.startMs(nov1 + 1) - la.startMs(nov1)).toBe(25 * 3_600_000);
    expect(dateOf(la.dayOf(Date.parse('2026-11-02T07:59:00Z')))).toBe('2026-11-01');
    expect(dateOf(la.dayOf(Date.parse('2026-11-02T08:00:00Z')))).toBe('2026-11-02');
  });

  it("counts an evening's steps on the clinic's day, not on UTC's next day", () => {
    const store = new DailySummaryStore(120, zoneDays(LA));
    const utc = new DailySummaryStore();
    const day = Date.UTC(2026, 10, 24) / DAY_MS;
    // 3,000 steps at 14:00 and 4,000 at 21:00 local on the 24th (the second is 05:00 UTC on the 25th)
    for (const [iso, steps] of [['2026-11-24T22:00:00Z', 3000], ['2026-11-25T05:00:00Z', 4000]] as const) {
      const r = reading('p', 'steps', steps, Date.parse(iso), '{steps}');
      store.add('p', r);
      utc.add('p', r);
    }
    expect(store.days('p', 'steps', day + 1)).toEqual([{ day, value: 7000, count: 2, sufficient: true }]);
    expect(utc.days('p', 'steps', day + 2).map((d) => d.value)).toEqual([3000, 4000]);
  });

  it("opens a heart-failure weight episode at the clinic's local midnight", async () => {
    const la = zoneDays(LA);
    const rule = baselineDefaultRules().find((r) => r.id === 'baseline-hf-weight-drift')!;
    const hf = (id: string): PatientRuleContext => ({ ...emptyContext(id), conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }] });
    const stored: MonitorReading[] = [];
    const monitor = new BaselineMonitor(memoryLoader(stored), la);
    const rand = seeded(7);
    const first = Date.UTC(2026, 0, 5) / DAY_MS;
    const opens = [];
    for (let d = 0; d < 50; d++) {
      // one weight a day at 19:00 local (03:00 UTC the next day), rising 0.15 kg a day after day 35
      const kg = Math.round((80 + 0.3 * normal(rand) + (d >= 36 ? Math.min(1.5, 0.15 * (d - 35)) : 0)) * 10) / 10;
      const r = reading('p', 'body-weight', kg, la.startMs(first + d) + 19 * 3_600_000, 'kg', 'clinical');
      stored.push(r);
      opens.push(...(await monitor.ingest([r], [rule], hf)).filter((a) => a.type === 'open'));
    }
    expect(opens).toHaveLength(1);
    // 08:00 UTC in winter is midnight in Los Angeles
    expect(new Date(opens[0]!.atMs).toISOString()).toMatch(/T08:00:00\.000Z$/);
  });
});
