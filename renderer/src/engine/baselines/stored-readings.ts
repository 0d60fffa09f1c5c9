import type { Metric } from '../../../../common/readings/observation';
import type { CareLoopDb } from '../../db/database';
import { observationsBetween } from '../../db/observations';
import { SeriesStore } from '../../db/series/series-store';
import type { SummaryReading } from './daily-summary';

/**
 * The one part of baselines that reads storage (everything else here is environment-free):
 * a patient's stored readings of one kind, from the point observations and from the dense
 * series blocks (a wearable's minute heart rate and its HRV live only there, DESIGN.md
 * decision 2). Series points carry no unit: they are stored in the metric's canonical unit.
 */

const SERIES_UNIT: Partial<Record<Metric, string>> = { 'heart-rate': '/min', 'hrv-rmssd': 'ms', 'hrv-sdnn': 'ms', spo2: '%', 'respiratory-rate': '/min', steps: '{steps}', 'sleep-duration': 'h' };

export async function storedReadings(db: CareLoopDb, patientId: string, metric: Metric, fromMs: number, toMs: number): Promise<SummaryReading[]> {
  const observed = await observationsBetween(db, patientId, metric, fromMs, toMs);
  const out: SummaryReading[] = observed.map((o) => ({ metric: o.metric, value: o.value, unit: o.unit, timeMs: o.timeMs, flags: o.flags, source: { grade: o.source.grade } }));
  const unit = SERIES_UNIT[metric];
  if (unit === undefined) return out;
  // the same reading may be both a judged observation and a series point: one per time
  const seen = new Set(out.map((o) => o.timeMs));
  const { times, values } = await new SeriesStore(db).readPoints(patientId, metric, fromMs, toMs);
  for (let i = 0; i < times.length; i++) {
    if (seen.has(times[i]!)) continue;
    out.push({ metric, value: values[i]!, unit, timeMs: times[i]!, flags: [], source: { grade: 'consumer' } });
  }
  return out;
}
