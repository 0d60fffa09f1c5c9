import { describe, expect, it } from 'vitest';
import { dayNumber, monthsEndingAt } from '../../../renderer/src/engine/population/calendar';
import { ANY_READING, applyBlockUpdate, blockKey, monthTotals, planBlockUpdates, windowTotals, type PopulationYearRow, type SummarizableReading } from '../../../renderer/src/engine/population/year-block';

const at = (iso: string) => Date.parse(iso);
const r = (metric: string, value: number, iso: string, unit = 'mm[Hg]'): SummarizableReading => ({ patientId: 'p1', metric, value, unit, timeMs: at(iso) });

function build(readings: SummarizableReading[]): Map<string, PopulationYearRow> {
  const rows = new Map<string, PopulationYearRow>();
  for (const u of planBlockUpdates(readings).values()) rows.set(u.key, applyBlockUpdate(rows.get(u.key), u));
  return rows;
}

describe('population year blocks', () => {
  const readings = [
    r('blood-pressure-systolic', 120, '2026-03-01T07:00:00Z'),
    r('blood-pressure-systolic', 140, '2026-03-01T19:00:00Z'),
    r('blood-pressure-systolic', 150, '2026-03-31T08:00:00Z'),
    r('blood-pressure-systolic', 110, '2026-04-02T08:00:00Z'),
    r('glucose', 50, '2026-03-05T08:00:00Z', 'mg/dL'),
    r('glucose', 5.5, '2026-03-06T08:00:00Z', 'mmol/L'),
    r('glucose', 200, '2026-03-07T08:00:00Z', 'mg/dL'),
    r('glucose', 300, '2026-03-07T13:00:00Z', 'mg/dL'),
    r('heart-rate', 70, '2026-03-08T08:00:00Z', '/min'),
  ];
  const rows = build(readings);
  const sys = rows.get(blockKey('p1', 'blood-pressure-systolic', 2026))!;
  const glucose = rows.get(blockKey('p1', 'glucose', 2026))!;
  const any = rows.get(blockKey('p1', ANY_READING, 2026))!;

  it('keeps per-day counts and sums, per-month squares, min and max', () => {
    const march = monthTotals(sys, 2, dayNumber(at('2026-03-01T00:00:00Z')), dayNumber(at('2026-03-31T00:00:00Z')))!;
    expect(march).toMatchObject({ n: 3, sum: 410, days: 2, sumSq: 120 ** 2 + 140 ** 2 + 150 ** 2, min: 120, max: 150 });
    expect(monthTotals(sys, 3, dayNumber(at('2026-04-01T00:00:00Z')), dayNumber(at('2026-04-30T00:00:00Z')))).toMatchObject({ n: 1, sum: 110, min: 110, max: 110 });
    expect(monthTotals(sys, 4, dayNumber(at('2026-05-01T00:00:00Z')), dayNumber(at('2026-05-31T00:00:00Z')))).toBeUndefined();
  });

  it('counts glucose in the consensus bands, converting mmol/L', () => {
    const march = monthTotals(glucose, 2, dayNumber(at('2026-03-01T00:00:00Z')), dayNumber(at('2026-03-31T00:00:00Z')))!;
    // 50 < 54; 5.5 mmol/L = 99.1 mg/dL in range; 200 in 181–250; 300 > 250.
    expect(march.bands).toEqual([1, 0, 1, 1, 1]);
    expect(march.sum).toBeCloseTo(50 + 5.5 * 18.016 + 200 + 300, 3);
  });

  it('counts every reading, of any metric, in the any-reading block; keeps no sums there', () => {
    expect(any.daySum.length).toBe(0);
    expect(windowTotals(new Map([[2026, any]]), dayNumber(at('2026-03-01T00:00:00Z')), dayNumber(at('2026-03-31T00:00:00Z')))).toEqual({ n: 8, sum: 0, days: 6 });
    expect(rows.has(blockKey('p1', 'heart-rate' as never, 2026))).toBe(false);
  });

  it('adds a second batch to the same blocks', () => {
    const more = planBlockUpdates([r('blood-pressure-systolic', 130, '2026-03-31T20:00:00Z')]).get(sys.key)!;
    const again = applyBlockUpdate(structuredClone(sys), more);
    expect(monthTotals(again, 2, dayNumber(at('2026-03-01T00:00:00Z')), dayNumber(at('2026-03-31T00:00:00Z')))).toMatchObject({ n: 4, sum: 540, days: 2 });
  });

  it('sums windows across the turn of the year', () => {
    const rows2 = build([r('blood-pressure-systolic', 100, '2025-12-31T10:00:00Z'), r('blood-pressure-systolic', 120, '2026-01-01T10:00:00Z'), r('blood-pressure-systolic', 500, '2026-01-03T10:00:00Z')]);
    const byYear = new Map([2025, 2026].map((y) => [y, rows2.get(blockKey('p1', 'blood-pressure-systolic', y))!]));
    expect(windowTotals(byYear, dayNumber(at('2025-12-30T00:00:00Z')), dayNumber(at('2026-01-02T00:00:00Z')))).toEqual({ n: 2, sum: 220, days: 2 });
  });

  it('names the months ending with the as-of month', () => {
    expect(monthsEndingAt(at('2026-02-10T00:00:00Z'), 3).map((m) => m.key)).toEqual(['2025-12', '2026-01', '2026-02']);
    const feb = monthsEndingAt(at('2026-02-10T00:00:00Z'), 1)[0]!;
    expect(feb.lastDay - feb.firstDay + 1).toBe(28);
  });
});
