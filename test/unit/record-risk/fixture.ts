import type { Metric, ObservationSource } from '../../../common/readings/observation';
import type { RecordReading, RiskRecord } from '../../../renderer/src/engine/insights/record-risk';

/** "Now" of every record-risk test: 2026-11-25 12:00 UTC. */
export const NOW = Date.UTC(2026, 10, 25, 12);
export const DAY = 86_400_000;
export const ZONE = 'UTC';

export function reading(metric: Metric, value: number, unit: string, timeMs: number, kind: ObservationSource['kind'] = 'manual', groupId?: string): RecordReading {
  return { metric, value, unit, timeMs, source: { kind }, ...(groupId ? { groupId } : {}) };
}

/** A week of home cuff readings ending yesterday, morning and evening: day 1 at 150/95 (left out), days 2–7 at `systolic`/78. */
export function homeWeek(systolic: number, endMs = NOW - DAY): RecordReading[] {
  const out: RecordReading[] = [];
  for (let d = 6; d >= 0; d--) {
    const dayStart = Math.floor((endMs - d * DAY) / DAY) * DAY;
    for (const hour of [8, 20]) {
      const t = dayStart + hour * 3_600_000;
      const g = `bp-${t}`;
      const sys = d === 6 ? 150 : systolic;
      out.push(reading('blood-pressure-systolic', sys, 'mm[Hg]', t, 'device', g), reading('blood-pressure-diastolic', d === 6 ? 95 : 78, 'mm[Hg]', t, 'device', g));
    }
  }
  return out;
}

/** The 2013 guideline's worked example: a 55-year-old white woman, TC 213, HDL 50, SBP 120 untreated, non-smoker, no diabetes (10-year risk 2.1 %). */
export const WOMAN_55: RiskRecord = {
  birthDate: '1971-01-01',
  sex: 'female',
  conditions: [],
  medications: [],
  smokingStatus: 'never',
};

export function labs(o: { tc?: number; hdl?: number; egfr?: number; bmi?: number; atMs?: number } = {}): RecordReading[] {
  const at = o.atMs ?? NOW - 40 * DAY;
  const out: RecordReading[] = [];
  if (o.tc !== undefined) out.push(reading('total-cholesterol', o.tc, 'mg/dL', at));
  if (o.hdl !== undefined) out.push(reading('hdl-cholesterol', o.hdl, 'mg/dL', at));
  if (o.egfr !== undefined) out.push(reading('egfr', o.egfr, 'mL/min/{1.73_m2}', at));
  if (o.bmi !== undefined) out.push(reading('bmi', o.bmi, 'kg/m2', at));
  return out;
}

/** Every input PREVENT and the Pooled Cohort Equations need, for the worked-example woman. */
export const COMPLETE = (): RecordReading[] => [...labs({ tc: 213, hdl: 50, egfr: 90, bmi: 27 }), ...homeWeek(120)];
