import type { Observation } from '../../../../common/readings/observation';
import type { BaselineMetric } from '../rules/rule';
import { unitConverter } from '../rules/units';
import { BASELINE_SPECS, baselineMetricsOf, UTC_DAYS, type BaselineMetricSpec, type DayCalendar } from './metrics';
import type { DayValue } from './robust';

/** The parts of a reading a daily summary reads. */
export type SummaryReading = Pick<Observation, 'metric' | 'value' | 'unit' | 'timeMs' | 'flags'> & { source: Pick<Observation['source'], 'grade'> };

/**
 * What is kept of one patient-day of one metric: a count and a sum, and for percentile
 * metrics a histogram of values binned to the metric's resolution. Bounded whatever the
 * sampling rate (a day of 1 Hz heart rate is about 150 bins, not 86,400 values).
 */
export interface DayAccumulator {
  n: number;
  sum: number;
  hist: Map<number, number> | null;
}

/** Readings with these flags are not measurements of the patient and stay out of the daily values. */
const NOT_A_MEASUREMENT = new Set<string>(['control-solution', 'sensor-contact-lost', 'device-error', 'sensor-malfunction', 'value-out-of-range', 'not-a-number', 'infinity', 'measurement-ongoing', 'early-estimate']);

function lowDecile(hist: Map<number, number>, n: number, binWidth: number): number {
  // the smallest bin at which the cumulative count reaches 10 % of the readings
  const target = Math.max(1, Math.ceil(0.1 * n));
  let seen = 0;
  for (const bin of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(bin)!;
    if (seen >= target) return bin * binWidth;
  }
  throw new RangeError('empty histogram');
}

export function dayValue(spec: BaselineMetricSpec, acc: DayAccumulator): number {
  switch (spec.reduce) {
    case 'sum':
      return acc.sum;
    case 'mean':
      return acc.sum / acc.n;
    case 'low-decile':
      return lowDecile(acc.hist!, acc.n, spec.binWidth);
  }
}

/**
 * Per patient, per baseline metric, per calendar day (the clinic's local day in the app): the running summaries that baselines are
 * made from, kept in memory by the engine worker and fed as readings arrive. Days older
 * than `keepDays` before the newest day seen are dropped.
 */
export class DailySummaryStore {
  private readonly patients = new Map<string, Map<BaselineMetric, Map<number, DayAccumulator>>>();

  constructor(
    readonly keepDays = 120,
    /** The calendar patient-days follow: the clinic's local days in the app (see DayCalendar). */
    readonly calendar: DayCalendar = UTC_DAYS,
  ) {}

  /** Adds one reading; returns the day it counted for, or undefined when no baseline metric takes it. */
  add(patientId: string, r: SummaryReading): number | undefined {
    if (!Number.isFinite(r.value) || r.flags.some((f) => NOT_A_MEASUREMENT.has(f))) return undefined;
    let counted: number | undefined;
    for (const spec of baselineMetricsOf(r.metric)) {
      if (spec.grade !== undefined && spec.grade !== r.source.grade) continue;
      const v = unitConverter(r.unit, spec.unit)?.(r.value) ?? (spec.metric === 'steps' ? r.value : undefined);
      if (v === undefined) continue;
      this.addValue(patientId, spec.metric, r.timeMs, v);
      counted = this.calendar.dayOf(r.timeMs + (spec.dayShiftMs ?? 0));
    }
    return counted;
  }

  /** Adds one value already in the metric's unit. */
  addValue(patientId: string, metric: BaselineMetric, timeMs: number, value: number): void {
    const spec = BASELINE_SPECS[metric];
    let byMetric = this.patients.get(patientId);
    if (!byMetric) this.patients.set(patientId, (byMetric = new Map()));
    let days = byMetric.get(metric);
    if (!days) byMetric.set(metric, (days = new Map()));
    const day = this.calendar.dayOf(timeMs + (spec.dayShiftMs ?? 0));
    let acc = days.get(day);
    if (!acc) {
      days.set(day, (acc = { n: 0, sum: 0, hist: spec.reduce === 'low-decile' ? new Map() : null }));
      this.prune(days, day);
    }
    acc.n++;
    acc.sum += value;
    if (acc.hist) {
      const bin = Math.round(value / spec.binWidth);
      acc.hist.set(bin, (acc.hist.get(bin) ?? 0) + 1);
    }
  }

  private prune(days: Map<number, DayAccumulator>, newest: number): void {
    for (const d of days.keys()) if (d < newest - this.keepDays) days.delete(d);
  }

  /**
   * The patient's day values of a metric, oldest first. A day counts as sufficient when it
   * has the metric's minimum number of readings and, for daily totals, is over (before
   * `todayDay`): a total of a day in progress is partial.
   */
  days(patientId: string, metric: BaselineMetric, todayDay = Number.POSITIVE_INFINITY): DayValue[] {
    const spec = BASELINE_SPECS[metric];
    const days = this.patients.get(patientId)?.get(metric);
    if (!days) return [];
    return [...days.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([day, acc]) => ({ day, value: dayValue(spec, acc), count: acc.n, sufficient: acc.n >= spec.minReadings && (spec.reduce !== 'sum' || day < todayDay) }));
  }

  /** Drops everything held for a patient (their history is read again from storage). */
  forget(patientId: string): void {
    this.patients.delete(patientId);
  }

  /** Metrics with any data for the patient. */
  metrics(patientId: string): BaselineMetric[] {
    return [...(this.patients.get(patientId)?.keys() ?? [])];
  }
}
