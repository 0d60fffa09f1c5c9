import type { Metric, Observation } from '../../../common/readings/observation';
import type { MonitorReading } from '../../../renderer/src/engine/baselines/monitor';
import { DAY_MS } from '../../../renderer/src/engine/baselines/metrics';

/** Day 0 of the synthetic patients: 2026-01-05 (a Monday), UTC midnight. */
export const DAY0 = Date.UTC(2026, 0, 5);
export const day0 = DAY0 / DAY_MS;

/** The demo's seeded generator (mulberry32), so every synthetic patient is the same on every run. */
export { seededRandom as seeded } from '../../../renderer/src/engine/demo/random';

/** Standard normal by Box–Muller. */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

let seq = 0;
export function reading(patientId: string, metric: Metric, value: number, timeMs: number, unit: string, grade: 'consumer' | 'clinical' = 'consumer'): MonitorReading & Pick<Observation, 'id'> {
  return { id: `syn:${patientId}:${metric}:${timeMs}:${seq++}`, patientId, metric, value, unit, timeMs, flags: [], source: { grade } };
}

export interface WearableDay {
  /** Shift of the resting heart rate that day, bpm. */
  hrShift?: number;
  /** Factor on HRV that day (0.8 = −20 %). */
  hrvFactor?: number;
}

/**
 * A wearable patient's day: 48 heart-rate readings (every 30 min) whose low decile is the
 * resting rate (resting 60 bpm ± 1 day to day, up to +35 bpm when active), and one nightly
 * HRV RMSSD reading (50 ms ± 4).
 */
export function wearableDay(patientId: string, day: number, rand: () => number, d: WearableDay = {}): (MonitorReading & Pick<Observation, 'id'>)[] {
  const start = DAY0 + day * DAY_MS;
  const resting = 60 + normal(rand) + (d.hrShift ?? 0);
  const out = [];
  for (let i = 0; i < 48; i++) out.push(reading(patientId, 'heart-rate', Math.round(resting + 35 * rand() ** 2), start + i * 30 * 60_000, '/min'));
  out.push(reading(patientId, 'hrv-rmssd', (50 + 4 * normal(rand)) * (d.hrvFactor ?? 1), start + 3 * 3_600_000, 'ms'));
  return out;
}

/** One morning weight a day: `base` kg + 0.3 kg day-to-day noise. */
export function weightDay(patientId: string, day: number, rand: () => number, base: number) {
  return reading(patientId, 'body-weight', Math.round((base + 0.3 * normal(rand)) * 10) / 10, DAY0 + day * DAY_MS + 7 * 3_600_000, 'kg', 'clinical');
}

/** A loader over an in-memory list of stored readings, as the observations table would answer. */
export function memoryLoader(stored: readonly MonitorReading[]) {
  return (patientId: string, metric: Metric, fromMs: number, toMs: number) =>
    Promise.resolve(stored.filter((r) => r.patientId === patientId && r.metric === metric && r.timeMs >= fromMs && r.timeMs < toMs));
}
