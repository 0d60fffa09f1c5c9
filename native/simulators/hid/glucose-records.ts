import type { DeviceTime } from '../../../electron/devices/drivers/types';

/** One stored meter result, as a simulator holds it. */
export interface SimGlucoseRecord {
  sequence: number;
  /** In the record's unit (mmol/L values keep one decimal). */
  value: number;
  unit: 'mg/dL' | 'mmol/L';
  /** Contour marker letters ('B', 'A', 'C', '>', …); FreeStyle keeps none. */
  markers: string[];
  time: DeviceTime;
}

export interface GenerateOptions {
  count: number;
  /** Time of the first record (meter wall time). */
  start?: DeviceTime;
  stepMinutes?: number;
  unit?: 'mg/dL' | 'mmol/L';
  firstSequence?: number;
  /** Seed of the value sequence (a small LCG: deterministic across runs). */
  seed?: number;
}

export function addMinutes(t: DeviceTime, minutes: number): DeviceTime {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds) + minutes * 60_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds() };
}

const MARKER_CYCLE: readonly string[][] = [[], ['B'], ['A'], [], ['B'], ['A'], [], ['C'], [], ['F']];

/** Plausible readings several hours apart; every eighth is a control-solution test. */
export function generateGlucoseRecords(o: GenerateOptions): SimGlucoseRecord[] {
  const unit = o.unit ?? 'mg/dL';
  let state = (o.seed ?? 7) >>> 0;
  const start = o.start ?? { year: 2026, month: 3, day: 1, hours: 7, minutes: 0, seconds: 0 };
  const out: SimGlucoseRecord[] = [];
  for (let i = 0; i < o.count; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const mgdl = 60 + (state % 240);
    const value = unit === 'mg/dL' ? mgdl : Math.round((mgdl / 18.016) * 10) / 10;
    out.push({ sequence: (o.firstSequence ?? 1) + i, value, unit, markers: [...MARKER_CYCLE[i % MARKER_CYCLE.length]!], time: addMinutes(start, i * (o.stepMinutes ?? 360)) });
  }
  return out;
}
