import type { Metric, Observation } from '../../../../common/readings/observation';
import { applies, type PatientRuleContext } from '../rules/context';
import type { AlertAction } from '../rules/evaluate';
import { BASELINE_SOURCE, isDailyCondition, type BaselineMetric, type Condition, type RuleDefinition } from '../rules/rule';
import { DailySummaryStore, type SummaryReading } from './daily-summary';
import { evaluateDailyRule } from './episodes';
import { BASELINE_SPECS, DAY_MS, UTC_DAYS, type DayCalendar } from './metrics';

/** A stored reading of a patient, as the monitor reads it. */
export type MonitorReading = SummaryReading & Pick<Observation, 'patientId'>;

/** Loads a patient's stored readings of one kind in [fromMs, toMs) (the worker passes the observations table). */
export type LoadReadings = (patientId: string, metric: Metric, fromMs: number, toMs: number) => Promise<readonly SummaryReading[]>;

/** Days of history a patient's summaries are rebuilt from when first seen: the 28-day baseline of the oldest judged day, and the days judged. */
export const BACKFILL_DAYS = 60;

function dailyMetrics(c: Condition, out: Set<BaselineMetric>): Set<BaselineMetric> {
  if (c.kind === 'all' || c.kind === 'any') for (const x of c.conditions) dailyMetrics(x, out);
  else if (c.kind === 'baseline-deviation' || c.kind === 'cusum') out.add(c.metric);
  return out;
}

/** The reading kinds a daily rule's metrics are made from. */
function sourceMetrics(r: RuleDefinition): Metric[] {
  return [...dailyMetrics(r.condition, new Set())].map((m) => BASELINE_SOURCE[m]).filter((m): m is Metric => m !== null);
}

/**
 * Recomputes personal baselines in the engine worker as readings arrive and turns daily
 * rules into alert actions for the alert pipeline. Summaries are kept in memory per patient
 * and rebuilt from the stored readings the first time a patient is seen (after a restart),
 * so nothing new is stored: the episodes are a pure function of the stored readings, and an
 * episode's alert key is derived from the day it opened, so re-judging a day opens nothing twice.
 */
export class BaselineMonitor {
  readonly store: DailySummaryStore;
  /** Reading kinds whose history is loaded, per patient (loaded once, then fed by the batches). */
  private readonly loaded = new Map<string, Set<Metric>>();
  /** Events already handed out (key|type|day), so a day judged again in the next batch is not re-applied. */
  private readonly emitted = new Set<string>();

  constructor(
    private readonly load: LoadReadings,
    /** Patient-days are the clinic's local days (the engine passes the clinic's zone). */
    private readonly calendar: DayCalendar = UTC_DAYS,
  ) {
    this.store = new DailySummaryStore(BACKFILL_DAYS * 2, calendar);
  }

  /**
   * Forgets what is held for a patient, so the next batch reads their history from storage
   * again: after an import stored readings the monitor did not see arrive one by one.
   */
  forget(patientId: string): void {
    this.loaded.delete(patientId);
    this.store.forget(patientId);
  }

  /**
   * `nowMs` says how far days are complete (a day's steps, a night's sleep); without it the
   * newest reading of the batch stands for now, as when readings arrive as they are taken.
   */
  async ingest(readings: readonly MonitorReading[], rules: Iterable<RuleDefinition>, contextOf: (patientId: string) => PatientRuleContext, nowMs?: number): Promise<AlertAction[]> {
    const daily = [...rules].filter((r) => r.enabled && isDailyCondition(r.condition));
    if (!daily.length) return [];
    const sourcesOf = new Map(daily.map((r) => [r, sourceMetrics(r)]));
    const anySource = new Set([...sourcesOf.values()].flat());
    const byPatient = new Map<string, MonitorReading[]>();
    for (const r of readings) if (anySource.has(r.metric)) (byPatient.get(r.patientId) ?? byPatient.set(r.patientId, []).get(r.patientId)!).push(r);
    const out: AlertAction[] = [];
    for (const [patientId, all] of [...byPatient.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      // only the rules that apply to this patient, and only if the batch feeds one of them
      const ctx = contextOf(patientId);
      const applicable = daily.filter((r) => applies(r.appliesTo, ctx));
      const sources = new Set(applicable.flatMap((r) => sourcesOf.get(r)!));
      const batch = all.filter((r) => sources.has(r.metric));
      if (!batch.length) continue;
      let firstMs = Number.POSITIVE_INFINITY;
      let lastMs = Number.NEGATIVE_INFINITY;
      for (const r of batch) {
        if (r.timeMs < firstMs) firstMs = r.timeMs;
        if (r.timeMs > lastMs) lastMs = r.timeMs;
      }
      const loaded = this.loaded.get(patientId) ?? new Set<Metric>();
      this.loaded.set(patientId, loaded);
      for (const m of [...sources].sort()) {
        if (loaded.has(m)) {
          for (const r of batch) if (r.metric === m) this.store.add(patientId, r);
          continue;
        }
        // first sight of this patient's metric: the batch is already stored, the backfill reads it with the history
        for (const r of await this.load(patientId, m, firstMs - (BACKFILL_DAYS + 1) * DAY_MS, lastMs + 1)) this.store.add(patientId, r);
        loaded.add(m);
      }
      const now = nowMs ?? lastMs;
      const today = this.calendar.dayOf(now);
      // A day is complete once the clock, shifted as the metric's days are, has left it (sleep: at noon).
      const completeBefore = (m: BaselineMetric) => this.calendar.dayOf(now + (BASELINE_SPECS[m].dayShiftMs ?? 0));
      const firstDay = this.calendar.dayOf(firstMs);
      const fromDay = Math.min(firstDay, today) - BACKFILL_DAYS;
      for (const rule of applicable) {
        for (const e of evaluateDailyRule(rule, patientId, (m) => this.store.days(patientId, m, completeBefore(m)), fromDay, today, this.calendar)) {
          if (e.day < firstDay) continue;
          const key = `${e.alertKey}|${e.type}|${e.day}`;
          if (this.emitted.has(key)) continue;
          this.emitted.add(key);
          out.push({ type: e.type, alertKey: e.alertKey, patientId, ruleId: rule.id, ruleVersion: rule.version, priority: rule.priority, atMs: e.atMs, readingIds: [], values: e.values });
        }
      }
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }
}
