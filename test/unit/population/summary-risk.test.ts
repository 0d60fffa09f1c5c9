import { describe, expect, it } from 'vitest';
import { assessRisk } from '../../../renderer/src/engine/insights/risk-tier';
import { dailyMeans, summaryRiskTier } from '../../../renderer/src/engine/population/summary-risk';
import { applyBlockUpdate, planBlockUpdates, type PopulationYearRow, type SummarizableReading } from '../../../renderer/src/engine/population/year-block';
import { dayNumber } from '../../../renderer/src/engine/population/calendar';

const NOW = Date.parse('2026-06-15T18:00:00Z');

function blocksOf(readings: SummarizableReading[]) {
  const out = new Map<string, Map<number, PopulationYearRow>>();
  for (const u of planBlockUpdates(readings).values()) {
    const byYear = out.get(u.metric) ?? new Map<number, PopulationYearRow>();
    byYear.set(u.year, applyBlockUpdate(byYear.get(u.year), u));
    out.set(u.metric, byYear);
  }
  return out;
}

/** Readings at 08:00 and 20:00 UTC on the given days back from today. */
function series(metric: string, days: number[], value: (day: number) => number, unit = 'mm[Hg]'): SummarizableReading[] {
  return days.flatMap((d) => [8, 20].map((h) => ({ patientId: 'p', metric, value: value(d), unit, timeMs: Date.UTC(2026, 5, 15 - d, h) })).filter((r) => r.timeMs <= NOW));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function bothWays(readings: SummarizableReading[], o: { heartFailure: boolean; monitored: boolean }) {
  const b = blocksOf(readings);
  const fromSummaries = summaryRiskTier({ nowMs: NOW, openAlerts: [], ...o, systolic: b.get('blood-pressure-systolic'), diastolic: b.get('blood-pressure-diastolic'), weight: b.get('body-weight'), anyReading: b.get('any-reading') });
  const pick = (m: string) => readings.filter((r) => r.metric === m).map((r) => ({ timeMs: r.timeMs, value: r.value }));
  const fromReadings = assessRisk({ nowMs: NOW, timeZone: 'UTC', openAlertPriorities: [], ...o, weight: pick('body-weight'), systolic: pick('blood-pressure-systolic'), diastolic: pick('blood-pressure-diastolic'), readingTimesMs: readings.map((r) => r.timeMs) });
  return { fromSummaries, fromReadings };
}

describe('risk tiers from the daily summaries', () => {
  it('gives one point per day with data, the day’s mean, never after now', () => {
    const b = blocksOf(series('blood-pressure-systolic', [0, 1, 3], (d) => 120 + d));
    const points = dailyMeans(b.get('blood-pressure-systolic'), dayNumber(NOW) - 5, dayNumber(NOW), NOW);
    expect(points.map((p) => p.value)).toEqual([123, 121, 120]);
    expect(points.every((p) => p.timeMs <= NOW)).toBe(true);
  });

  it('agrees with the dashboard’s tier from raw readings on clear cases', () => {
    const quiet = [...series('blood-pressure-systolic', range(30), () => 122), ...series('blood-pressure-diastolic', range(30), () => 75)];
    const high = [...series('blood-pressure-systolic', range(30), () => 165), ...series('blood-pressure-diastolic', range(30), () => 95)];
    const sparse = [...series('blood-pressure-systolic', [0, 5, 10], () => 122), ...series('blood-pressure-diastolic', [0, 5, 10], () => 75)];
    const gaining = series('body-weight', range(10), (d) => 80 + (d < 3 ? 3 - d : 0) * 1, 'kg');
    const cases = [
      { readings: quiet, o: { heartFailure: false, monitored: true }, tier: 'low' },
      { readings: high, o: { heartFailure: false, monitored: true }, tier: 'high' },
      { readings: sparse, o: { heartFailure: false, monitored: true }, tier: 'moderate' },
      { readings: gaining, o: { heartFailure: true, monitored: false }, tier: 'high' },
    ];
    for (const c of cases) {
      const { fromSummaries, fromReadings } = bothWays(c.readings, c.o);
      expect(fromSummaries.tier).toBe(c.tier);
      expect(fromReadings.tier).toBe(c.tier);
      expect(fromSummaries.reasons.map((r) => r.code)).toEqual(fromReadings.reasons.map((r) => r.code));
    }
  });
});
