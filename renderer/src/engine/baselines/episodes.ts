import type { BaselineDeviationCondition, BaselineMetric, Condition, CusumCondition, RuleDefinition } from '../rules/rule';
import { isDailyCondition } from '../rules/rule';
import { BASELINE_SPECS, DAY_MS, UTC_DAYS, type DayCalendar } from './metrics';
import type { DayValue } from './robust';
import { cusumTrace, metricTrace, type CusumPoint, type TracePoint } from './trace';

/**
 * Daily (baseline) rules judged over a patient's days (issue 11). The whole evaluation is a
 * pure function of the day values: the same days give the same episodes, however and
 * whenever they were fed, so the engine may recompute it as data arrives.
 *
 * Per rule: idle → open (the condition raises on a day, and the cooldown since the last
 * episode opened has passed) → open while it raises or holds (raising again is an update of
 * the same alert, never a second alert: one alert per episode) → cleared on the first day it
 * is back past its clear level.
 */

type Status = 'unknown' | 'clear' | 'hold' | 'raise';

/** One input that moved, as the profile and the alert explain it. */
export interface MovedInput {
  metric: BaselineMetric;
  label: string;
  unit: string;
  kind: 'baseline-deviation' | 'cusum';
  direction: 'rise' | 'fall';
  /** The day's value. */
  value: number;
  centre: number;
  spread: number;
  /** Robust SDs from the centre (signed). */
  deviation: number;
  /** value − centre, in the unit. */
  change: number;
  /** First day (epoch ms, UTC midnight) of the deviation: the run of deviating days, or the start of the CUSUM's climb. */
  sinceMs: number;
  /** CUSUM statistic reached that day, for CUSUM inputs. */
  cusum?: number;
}

export interface Explanation {
  ruleId: string;
  ruleVersion: number;
  inputs: MovedInput[];
  text: string;
}

export interface DailyEvent {
  type: 'open' | 'update' | 'clear';
  /** `<ruleId>|<patientId>|<UTC midnight of the day the episode opened>`. */
  alertKey: string;
  patientId: string;
  ruleId: string;
  ruleVersion: number;
  day: number;
  atMs: number;
  values: Record<string, number>;
  explanation: Explanation;
}

/** Day values of one metric for the patient being judged. */
export type DaysOf = (metric: BaselineMetric) => readonly DayValue[];

interface LeafDay {
  status: Status;
  input?: MovedInput;
}

const fmt = (x: number, digits = 1) => (Math.round(x * 10 ** digits) / 10 ** digits).toFixed(digits);
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), digits)}`;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function deviationLeaf(c: BaselineDeviationCondition, trace: readonly TracePoint[]): LeafDay[] {
  const sign = c.direction === 'rise' ? 1 : -1;
  const clearAt = c.clearThreshold ?? c.threshold / 2;
  let run = 0;
  let runStart = 0;
  return trace.map((p) => {
    if (p.z === undefined || p.baseline === undefined || p.value === undefined) {
      run = 0;
      return { status: 'unknown' };
    }
    const d = sign * p.z;
    if (d >= c.threshold) {
      if (run === 0) runStart = p.day;
      run++;
    } else run = 0;
    const input = movedInput(c, p, p.value, p.baseline.centre, p.baseline.spread, p.z, (run > 0 ? runStart : p.day) * DAY_MS);
    if (run >= c.sustainedDays) return { status: 'raise', input };
    return { status: d < clearAt ? 'clear' : 'hold', input };
  });
}

function cusumLeaf(c: CusumCondition, trace: readonly TracePoint[]): LeafDay[] {
  const points: CusumPoint[] = cusumTrace(trace, c.k, c.h, c.direction);
  return points.map((q, i) => {
    const p = trace[i]!;
    if (p.z === undefined || p.baseline === undefined || p.value === undefined) return { status: 'unknown' };
    const input = { ...movedInput(c, p, p.value, p.baseline.centre, p.baseline.spread, p.z, (q.runStart ?? p.day) * DAY_MS), cusum: q.peak };
    if (q.alarm) return { status: 'raise', input };
    return { status: q.s > 0 ? 'hold' : 'clear', input };
  });
}

function movedInput(c: BaselineDeviationCondition | CusumCondition, p: TracePoint, value: number, centre: number, spread: number, z: number, sinceMs: number): MovedInput {
  const spec = BASELINE_SPECS[c.metric];
  return { metric: c.metric, label: spec.label, unit: spec.unit, kind: c.kind, direction: c.direction, value, centre, spread, deviation: z, change: value - centre, sinceMs: Math.min(sinceMs, p.day * DAY_MS) };
}

/** Status per day of a condition tree, with the inputs behind a raise. */
function conditionDays(c: Condition, daysOf: DaysOf, fromDay: number, toDay: number): { status: Status; inputs: MovedInput[] }[] {
  switch (c.kind) {
    case 'baseline-deviation':
    case 'cusum': {
      const trace = metricTrace(daysOf(c.metric), c.metric, c.minBaselineDays, fromDay, toDay);
      const leaf = c.kind === 'cusum' ? cusumLeaf(c, trace) : deviationLeaf(c, trace);
      return leaf.map((l) => ({ status: l.status, inputs: l.input ? [l.input] : [] }));
    }
    case 'all':
    case 'any': {
      const children = c.conditions.map((x) => conditionDays(x, daysOf, fromDay, toDay));
      return children[0]!.map((_, i) => {
        const today = children.map((ch) => ch[i]!);
        const statuses = today.map((t) => t.status);
        let status: Status;
        if (c.kind === 'all') {
          if (statuses.includes('clear')) status = 'clear';
          else if (statuses.includes('unknown')) status = 'unknown';
          else status = statuses.every((s) => s === 'raise') ? 'raise' : 'hold';
        } else if (statuses.includes('raise')) status = 'raise';
        else if (statuses.includes('hold')) status = 'hold';
        else status = statuses.includes('clear') ? 'clear' : 'unknown';
        // the inputs that moved: for 'any', the raising ones only
        const moved = c.kind === 'any' && status === 'raise' ? today.filter((t) => t.status === 'raise') : today;
        return { status, inputs: moved.flatMap((t) => t.inputs) };
      });
    }
    default:
      throw new RangeError(`condition kind ${c.kind} is not judged per day`);
  }
}

/** The longest cooldown and the longest baseline any daily leaf of the rule asks for. */
function controls(c: Condition): { cooldownDays: number } {
  if (c.kind === 'all' || c.kind === 'any') return { cooldownDays: Math.max(...c.conditions.map((x) => controls(x).cooldownDays)) };
  if (c.kind === 'baseline-deviation' || c.kind === 'cusum') return { cooldownDays: c.cooldownDays };
  return { cooldownDays: 0 };
}

export function explain(rule: RuleDefinition, inputs: MovedInput[]): Explanation {
  const parts = inputs.map((m) => {
    const base = `${m.label} ${fmt(m.value)} ${m.unit}, ${signed(m.change)} ${m.unit} (${signed(m.deviation)} robust SD) against baseline ${fmt(m.centre)} ± ${fmt(m.spread)} since ${isoDay(m.sinceMs)}`;
    return m.cusum === undefined ? base : `${base}, CUSUM ${fmt(m.cusum)}`;
  });
  return { ruleId: rule.id, ruleVersion: rule.version, inputs, text: `${parts.join('; ')} — rule ${rule.id} v${rule.version}` };
}

/** The numbers an alert keeps (alert values are a flat map of numbers). */
export function explanationValues(inputs: readonly MovedInput[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of inputs) {
    out[m.metric] = m.value;
    out[`baseline(${m.metric})`] = m.centre;
    out[`spread(${m.metric})`] = m.spread;
    out[`deviation(${m.metric})`] = m.deviation;
    out[`change(${m.metric})`] = m.change;
    out[`since(${m.metric})`] = m.sinceMs;
    if (m.cusum !== undefined) out[`cusum(${m.metric})`] = m.cusum;
  }
  return out;
}

/**
 * Judges a daily rule for one patient over [fromDay, toDay] (day indexes of `calendar`) and
 * returns its episodes' events in day order. Days before `fromDay` only feed baselines. An
 * event happens at the first instant of its day in that calendar; `sinceMs` and the alert key
 * keep the date itself (its UTC midnight), which reads the same in every zone.
 */
export function evaluateDailyRule(rule: RuleDefinition, patientId: string, daysOf: DaysOf, fromDay: number, toDay: number, calendar: DayCalendar = UTC_DAYS): DailyEvent[] {
  if (!isDailyCondition(rule.condition)) throw new RangeError(`rule ${rule.id} is not a daily (baseline) rule`);
  if (toDay < fromDay) return [];
  const days = conditionDays(rule.condition, daysOf, fromDay, toDay);
  const { cooldownDays } = controls(rule.condition);
  const events: DailyEvent[] = [];
  let openKey: string | null = null;
  let lastOpenDay = Number.NEGATIVE_INFINITY;
  days.forEach((d, i) => {
    const day = fromDay + i;
    const emit = (type: DailyEvent['type'], alertKey: string) => {
      const explanation = explain(rule, d.inputs);
      events.push({ type, alertKey, patientId, ruleId: rule.id, ruleVersion: rule.version, day, atMs: calendar.startMs(day), values: explanationValues(d.inputs), explanation });
    };
    if (openKey === null) {
      if (d.status === 'raise' && day - lastOpenDay >= cooldownDays) {
        openKey = `${rule.id}|${patientId}|${day * DAY_MS}`;
        lastOpenDay = day;
        emit('open', openKey);
      }
    } else if (d.status === 'raise') emit('update', openKey);
    else if (d.status === 'clear') {
      emit('clear', openKey);
      openKey = null;
    }
  });
  return events;
}

/**
 * The moved inputs back from an alert's stored values (see explanationValues), so the profile
 * can explain a baseline alert after the fact: which inputs, by how much, since when.
 */
export function inputsFromValues(values: Readonly<Record<string, number>>): Pick<MovedInput, 'metric' | 'label' | 'unit' | 'value' | 'centre' | 'spread' | 'deviation' | 'change' | 'sinceMs' | 'cusum'>[] {
  const out: ReturnType<typeof inputsFromValues> = [];
  for (const metric of Object.keys(BASELINE_SPECS) as BaselineMetric[]) {
    const centre = values[`baseline(${metric})`];
    const value = values[metric];
    if (centre === undefined || value === undefined) continue;
    const spec = BASELINE_SPECS[metric];
    const cusum = values[`cusum(${metric})`];
    out.push({
      metric,
      label: spec.label,
      unit: spec.unit,
      value,
      centre,
      spread: values[`spread(${metric})`] ?? Number.NaN,
      deviation: values[`deviation(${metric})`] ?? Number.NaN,
      change: values[`change(${metric})`] ?? value - centre,
      sinceMs: values[`since(${metric})`] ?? Number.NaN,
      ...(cusum === undefined ? {} : { cusum }),
    });
  }
  return out;
}
