import type { Metric, Observation, QualityFlag } from '../../../../common/readings/observation';
import { applies, emptyContext, matchesAny, type PatientRuleContext } from './context';
import {
  NEWS2_BANDS,
  scoreAirOrOxygen,
  scoreConsciousness,
  scoreNews2,
  scorePulse,
  scoreRespiratoryRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolic,
  scoreTemperature,
  type News2Band,
} from './news2';
import { isDailyCondition } from './rule';
import type {
  Condition,
  News2Condition,
  Operator,
  Priority,
  RateOfChangeCondition,
  RuleDefinition,
  WindowAggregateCondition,
  MissingDataCondition,
} from './rule';
import { unitConverter } from './units';
import {
  dequeEvict,
  dequePush,
  emptyDeque,
  emptyFifo,
  fifoEvict,
  fifoPush,
  lastIds,
  sizeOf,
  type Fifo,
  type TimedValues,
} from './window';

/**
 * Incremental rule evaluation (issue #6, "Rules and alerts"). Everything the engine knows
 * lives in an explicit, JSON-able `EngineState`; the engine reads no clock (ticks pass
 * `now`), so replaying the same readings in the same order gives exactly the same alert
 * actions, however the history is cut into batches.
 *
 * Per patient and rule the engine runs a small machine: idle → pending (condition met, not
 * yet persistent) → active (an alert is open) → idle (condition cleared past its clear
 * level). Only one alert per patient and rule is ever open; while it is, further raising
 * readings produce `update` actions instead of new alerts.
 *
 * Cost per reading is kept small and bounded: thresholds, NEWS2 and missing-data conditions
 * read one shared "latest reading per metric" per patient instead of keeping copies, so an
 * idle rule made only of them costs one status check; windows (aggregates, rates of change)
 * are FIFOs with running sums and monotonic deques; ticks skip patients whose missing-data
 * rules cannot be due yet.
 *
 * Readings must arrive in time order per patient and metric (a download session delivers
 * them so); an older reading than the newest of its metric is reported as ignored rather
 * than rewriting windows already judged.
 */

/** The parts of an Observation the rules read. */
export type RuleReading = Pick<Observation, 'id' | 'patientId' | 'metric' | 'value' | 'unit' | 'timeMs' | 'flags'> & {
  source: Pick<Observation['source'], 'grade'>;
};

export type AlertActionType = 'open' | 'update' | 'clear';

export interface AlertAction {
  /** open: a new alert; update: the open alert's condition fired again (suppressed re-fire); clear: condition gone, suggest resolving. */
  type: AlertActionType;
  /** Deterministic key of the alert episode: `<ruleId>|<patientId>|<opened at ms>`. */
  alertKey: string;
  patientId: string;
  ruleId: string;
  ruleVersion: number;
  priority: Priority;
  /** When the engine took the action: the reading's time, or the tick's `now`. */
  atMs: number;
  /**
   * open: the readings that raised it (those of every persistent evaluation, at most
   * MAX_READING_IDS, newest last); update and clear: the one reading that re-fired or cleared it.
   */
  readingIds: string[];
  /** The values judged, keyed like 'heart-rate', 'mean(blood-pressure-systolic)', 'news2'. */
  values: Record<string, number>;
}

export type IgnoreReason = 'out-of-order' | 'duplicate' | 'not-a-number' | 'flagged';

export interface IgnoredReading {
  id: string;
  reason: IgnoreReason;
}

export const MAX_READING_IDS = 50;

/**
 * Readings with these flags are stored and shown but do not drive alerts: the value is not
 * a measurement of the patient (control solution, device or sensor failure, contact lost)
 * or not a final one (measurement ongoing, early estimate).
 */
const NON_MEASUREMENT_FLAGS: ReadonlySet<QualityFlag> = new Set<QualityFlag>([
  'control-solution',
  'sensor-contact-lost',
  'device-error',
  'sensor-malfunction',
  'value-out-of-range',
  'not-a-number',
  'not-at-this-resolution',
  'infinity',
  'measurement-ongoing',
  'early-estimate',
]);

// ---- state ------------------------------------------------------------------------------

/**
 * A window of one metric's readings for one patient, shared by every rule condition with
 * the same spec (metric, unit, length, source grade): the 7-day systolic mean of three
 * blood-pressure rules is kept once. FIFO for mean and count, monotonic deques for min and
 * max (and for rates of change, which compare the latest value with the window's extreme).
 */
export interface SharedWindow {
  fifo: Fifo;
  min: TimedValues | null;
  max: TimedValues | null;
}

export type RulePhase = 'idle' | 'pending' | 'active';

const PHASE_CODE: Record<RulePhase, number> = { idle: 0, pending: 1, active: 2 };

export interface RuleState {
  version: number;
  phase: RulePhase;
  /** Consecutive raising readings since pending began (a tick that starts it counts as one). */
  count: number;
  sinceMs: number;
  readingIds: string[];
  alertKey: string | null;
}

/** A patient's newest reading of a metric, in the unit it came in. */
export interface LatestReading {
  t: number;
  v: number;
  unit: string;
  id: string;
}

export interface PatientState {
  /**
   * Newest accepted reading per metric, any source grade: readings older than it are out
   * of order. Threshold conditions read it (shared by every rule, not copied per rule).
   */
  lastByMetric: Partial<Record<Metric, LatestReading>>;
  /** Newest clinical-grade reading per metric, for clinical-grade-only rules. */
  lastClinicalByMetric: Partial<Record<Metric, LatestReading>>;
  /** Newest reading of any metric (missing-data rules over every metric), any grade and clinical grade. */
  lastAny: LatestReading | null;
  lastClinicalAny: LatestReading | null;
  /** Shared windows by spec key (see WindowSpec). */
  windows: Record<string, SharedWindow>;
  rules: Record<string, RuleState>;
}

export interface EngineState {
  patients: Record<string, PatientState>;
}

export const emptyEngineState = (): EngineState => ({ patients: {} });

// ---- compiled rules ---------------------------------------------------------------------

const UNKNOWN = 0;
const CLEAR = 1;
const HOLD = 2;
const RAISE = 3;
type Status = typeof UNKNOWN | typeof CLEAR | typeof HOLD | typeof RAISE;

/** Tolerance for floating-point differences (81.3 − 79.3 is 1.9999999999999). */
const EPS = 1e-9;

function compare(v: number, op: Operator, level: number): boolean {
  switch (op) {
    case '>':
      return v > level;
    case '>=':
      return v >= level;
    case '<':
      return v < level;
    case '<=':
      return v <= level;
  }
}

interface Node {
  index: number;
  def: Condition;
  children: Node[];
  /** Metrics this leaf reads; null = every metric (missing data of any metric). */
  metrics: ReadonlySet<Metric> | null;
  /** Per "from>to" unit pair, the converter (null: not comparable). */
  converters: Map<string, ((x: number) => number) | null>;
  overrides: Map<string, { level: number; clearLevel: number }> | null;
  /** How the node's value is named in an action's `values` ('heart-rate', 'mean(glucose)', 'change(body-weight)'). */
  valueKey: string;
  /** The rule ignores consumer-grade readings. */
  clinicalOnly: boolean;
  /** metricIndex of a threshold's metric (-1 for other kinds). */
  metricIdx: number;
  /** metricIndex of each metric a missing-data condition names, in its order (empty otherwise). */
  metricIdxs: number[];
  /** The shared window an aggregate or rate-of-change condition reads. */
  window: WindowSpec | null;
  /** The node's status, specialised to its kind when the rule is compiled (one shape per call site keeps the hot path fast). */
  status: (e: Evaluation) => Status;
}

interface CompiledRule {
  /** Position in the engine's rule list: indexes per-patient caches and orders ticks. */
  index: number;
  def: RuleDefinition;
  root: Node;
  nodes: Node[];
  /** Metrics any leaf reads; null = every metric. */
  metrics: ReadonlySet<Metric> | null;
  hasMissing: boolean;
}

/**
 * Small integer per metric name, so the hot path reads per-patient arrays instead of
 * string-keyed objects (whose shapes differ per patient with the order metrics first
 * arrived, which makes every keyed load megamorphic). Indexes live only in memory.
 */
const metricIds = new Map<string, number>();

function metricIndex(m: string): number {
  let i = metricIds.get(m);
  if (i === undefined) metricIds.set(m, (i = metricIds.size));
  return i;
}

const M_RR = metricIndex('respiratory-rate');
const M_SPO2 = metricIndex('spo2');
const M_SYS = metricIndex('blood-pressure-systolic');
const M_TEMP = metricIndex('body-temperature');
const M_HR = metricIndex('heart-rate');
const M_PR = metricIndex('pulse-rate');

const NEWS2_SLOT: Partial<Record<Metric, 'rr' | 'spo2' | 'sys' | 'pulse' | 'temp'>> = {
  'respiratory-rate': 'rr',
  spo2: 'spo2',
  'blood-pressure-systolic': 'sys',
  'heart-rate': 'pulse',
  'pulse-rate': 'pulse',
  'body-temperature': 'temp',
};

function valueKey(c: Condition): string {
  switch (c.kind) {
    case 'threshold':
      return c.metric;
    case 'rate-of-change':
      return `change(${c.metric})`;
    case 'window-aggregate':
      return `${c.aggregate}(${c.metric})`;
    case 'missing-data':
      return 'hours-without-readings';
    case 'news2':
      return 'news2';
    case 'baseline-deviation':
    case 'cusum':
      return `${c.kind}(${c.metric})`;
    case 'all':
    case 'any':
      return c.kind;
  }
}

/** One window kept per patient: the readings of `metric` over `windowMs`, in `unit`, of any or only clinical grade. */
export interface WindowSpec {
  index: number;
  key: string;
  metric: Metric;
  unit: string;
  windowMs: number;
  clinicalOnly: boolean;
  min: boolean;
  max: boolean;
  converters: Map<string, ((x: number) => number) | null>;
}

type WindowRegistry = (metric: Metric, unit: string, windowMs: number, clinicalOnly: boolean, extreme: 'min' | 'max' | null) => WindowSpec;

function compileRule(def: RuleDefinition, index: number, windowFor: WindowRegistry): CompiledRule {
  const nodes: Node[] = [];
  let hasMissing = false;
  const build = (c: Condition): Node => {
    const node: Node = { index: nodes.length, def: c, children: [], metrics: new Set(), converters: new Map(), overrides: null, clinicalOnly: def.clinicalGradeOnly, metricIdx: -1, metricIdxs: [], window: null, status: () => UNKNOWN, valueKey: valueKey(c) };
    nodes.push(node);
    switch (c.kind) {
      case 'threshold':
        node.metrics = new Set([c.metric]);
        node.metricIdx = metricIndex(c.metric);
        if (c.overrides.length) {
          node.overrides = new Map(c.overrides.map((o) => [o.patientId, { level: o.level, clearLevel: o.clearLevel ?? o.level }]));
        }
        break;
      case 'rate-of-change':
        node.metrics = new Set([c.metric]);
        node.window = windowFor(c.metric, c.unit, c.windowMs, def.clinicalGradeOnly, c.direction === 'rise' ? 'min' : 'max');
        break;
      case 'window-aggregate':
        node.metrics = new Set([c.metric]);
        node.window = windowFor(c.metric, c.unit, c.windowMs, def.clinicalGradeOnly, c.aggregate === 'min' || c.aggregate === 'max' ? c.aggregate : null);
        break;
      case 'missing-data':
        hasMissing = true;
        node.metrics = c.metrics ? new Set(c.metrics) : null;
        node.metricIdxs = c.metrics ? c.metrics.map(metricIndex) : [];
        break;
      case 'news2':
        node.metrics = new Set(Object.keys(NEWS2_SLOT) as Metric[]);
        break;
      case 'all':
      case 'any':
        node.children = c.conditions.map(build);
        break;
    }
    return node;
  };
  const root = build(def.condition);
  for (const n of nodes) n.status = makeStatus(n);
  let metrics: Set<Metric> | null = new Set();
  for (const n of nodes) {
    if (n.children.length) continue;
    if (n.metrics === null) metrics = null;
    else if (metrics) for (const m of n.metrics) metrics.add(m);
  }
  return { index, def, root, nodes, metrics, hasMissing };
}

function convert(n: Node, unit: string, to: string, value: number): number | undefined {
  if (unit === to) return value;
  const key = `${unit}>${to}`;
  let f = n.converters.get(key);
  if (f === undefined) {
    f = unitConverter(unit, to) ?? null;
    n.converters.set(key, f);
  }
  return f === null ? undefined : f(value);
}

// ---- shared windows -------------------------------------------------------------------

function setReading(slot: LatestReading, r: RuleReading): void {
  slot.t = r.timeMs;
  slot.v = r.value;
  slot.unit = r.unit;
  slot.id = r.id;
}

/** Feeds one accepted reading to a shared window (its value already converted to the window's unit). */
function pushWindow(w: SharedWindow, spec: WindowSpec, t: number, v: number, id: string): void {
  fifoPush(w.fifo, t, v, id);
  fifoEvict(w.fifo, t - spec.windowMs);
  // the FIFO may also have dropped readings over its cap: the deques follow its oldest reading
  const oldest = w.fifo.t[w.fifo.head]!;
  if (w.min) {
    dequePush(w.min, t, v, id, true);
    dequeEvict(w.min, oldest);
  }
  if (w.max) {
    dequePush(w.max, t, v, id, false);
    dequeEvict(w.max, oldest);
  }
}

function convertForWindow(spec: WindowSpec, unit: string, value: number): number | undefined {
  if (unit === spec.unit) return value;
  let f = spec.converters.get(unit);
  if (f === undefined) {
    f = unitConverter(unit, spec.unit) ?? null;
    spec.converters.set(unit, f);
  }
  return f === null ? undefined : f(value);
}

// ---- status -----------------------------------------------------------------------------

interface Evaluation {
  ctx: PatientRuleContext;
  patient: PatientState;
  /** The patient's shared windows by spec index. */
  windows: (SharedWindow | undefined)[];
  /** The patient's newest readings by metricIndex (the same objects as in `patient.lastByMetric` / `lastClinicalByMetric`). */
  last: (LatestReading | undefined)[];
  lastClinical: (LatestReading | undefined)[];
  at: number;
}

/** The reading a threshold judges, converted to its unit; undefined when there is none or the unit cannot be compared. */
function thresholdValue(n: Node, e: Evaluation): LatestReading | undefined {
  return (n.clinicalOnly ? e.lastClinical : e.last)[n.metricIdx];
}

function judge(v: number, op: Operator, level: number, clearLevel: number): Status {
  if (compare(v, op, level)) return RAISE;
  return compare(v, op, clearLevel) ? HOLD : CLEAR;
}

function aggregateValue(c: WindowAggregateCondition, w: SharedWindow | undefined): number | undefined {
  if (w === undefined) return undefined;
  const count = sizeOf(w.fifo);
  if (count < c.minCount || count === 0) return undefined;
  switch (c.aggregate) {
    case 'count':
      return count;
    case 'mean':
      return w.fifo.sum / count;
    case 'min':
      return w.min!.v[w.min!.head];
    case 'max':
      return w.max!.v[w.max!.head];
  }
}

/** Latest value minus the window's lowest (rise), or highest minus latest (fall). */
function rateChange(c: RateOfChangeCondition, w: SharedWindow | undefined): number | undefined {
  if (w === undefined || sizeOf(w.fifo) === 0) return undefined;
  const latest = w.fifo.v[w.fifo.v.length - 1]!;
  const d = c.direction === 'rise' ? w.min! : w.max!;
  const extreme = d.v[d.head]!;
  return c.direction === 'rise' ? latest - extreme : extreme - latest;
}

/** SpO2 scale per patient context, cached: criteria matching does string work that must not run per reading. */
const scaleCache = new WeakMap<PatientRuleContext, WeakMap<News2Condition, 1 | 2>>();

function spo2Scale(c: News2Condition, ctx: PatientRuleContext): 1 | 2 {
  if (ctx.spo2Scale !== undefined) return ctx.spo2Scale;
  let byRule = scaleCache.get(ctx);
  if (!byRule) scaleCache.set(ctx, (byRule = new WeakMap()));
  let scale = byRule.get(c);
  if (scale === undefined) byRule.set(c, (scale = matchesAny(ctx, c.scale2For) ? 2 : 1));
  return scale;
}

/** Threshold, NEWS2 and missing-data conditions read these: one copy per patient, not one per rule. */
function latestOf(n: Node, e: Evaluation): Partial<Record<Metric, LatestReading>> {
  return n.clinicalOnly ? e.patient.lastClinicalByMetric : e.patient.lastByMetric;
}

/** The five measured NEWS2 vitals, newest of each; pulse is the newer of heart rate and pulse rate. */
function news2Vitals(n: Node, e: Evaluation): [LatestReading, LatestReading, LatestReading, LatestReading, LatestReading] | undefined {
  const latest = latestOf(n, e);
  const rr = latest['respiratory-rate'];
  const spo2 = latest.spo2;
  const sys = latest['blood-pressure-systolic'];
  const temp = latest['body-temperature'];
  const hr = latest['heart-rate'];
  const pr = latest['pulse-rate'];
  const pulse = hr === undefined ? pr : pr === undefined || hr.t >= pr.t ? hr : pr;
  if (rr === undefined || spo2 === undefined || sys === undefined || pulse === undefined || temp === undefined) return undefined;
  return [rr, spo2, sys, pulse, temp];
}

/** Band rank of the current NEWS2 (index in NEWS2_BANDS), or -1 when it cannot be scored; allocation-free for the hot path. */
function news2Rank(n: Node, c: News2Condition, e: Evaluation): number {
  const latest = n.clinicalOnly ? e.lastClinical : e.last;
  const rr = latest[M_RR];
  const spo2 = latest[M_SPO2];
  const sys = latest[M_SYS];
  const temp = latest[M_TEMP];
  const hr = latest[M_HR];
  const pr = latest[M_PR];
  const pulse = hr === undefined ? pr : pr === undefined || hr.t >= pr.t ? hr : pr;
  if (rr === undefined || spo2 === undefined || sys === undefined || pulse === undefined || temp === undefined) return -1;
  if (e.at - Math.min(rr.t, spo2.t, sys.t, pulse.t, temp.t) > c.freshForMs) return -1;
  const consciousness = e.ctx.consciousness ?? (c.assumeAlert ? 'A' : undefined);
  if (consciousness === undefined) return -1;
  const vRr = convert(n, rr.unit, '/min', rr.v);
  const vSpo2 = convert(n, spo2.unit, '%', spo2.v);
  const vSys = convert(n, sys.unit, 'mm[Hg]', sys.v);
  const vPulse = convert(n, pulse.unit, '/min', pulse.v);
  const vTemp = convert(n, temp.unit, 'Cel', temp.v);
  if (vRr === undefined || vSpo2 === undefined || vSys === undefined || vPulse === undefined || vTemp === undefined) return -1;
  const onOxygen = e.ctx.onOxygen ?? false;
  const p1 = scoreRespiratoryRate(vRr);
  const p2 = spo2Scale(c, e.ctx) === 2 ? scoreSpo2Scale2(vSpo2, onOxygen) : scoreSpo2Scale1(vSpo2);
  const p3 = scoreAirOrOxygen(onOxygen);
  const p4 = scoreSystolic(vSys);
  const p5 = scorePulse(vPulse);
  const p6 = scoreConsciousness(consciousness);
  const p7 = scoreTemperature(vTemp);
  const score = p1 + p2 + p3 + p4 + p5 + p6 + p7;
  // Chart 2, as news2Band: ≥ 7 high, 5–6 medium, a single 3 low-medium, else low
  if (score >= 7) return 3;
  if (score >= 5) return 2;
  return p1 === 3 || p2 === 3 || p4 === 3 || p5 === 3 || p6 === 3 || p7 === 3 ? 1 : 0;
}

/** The full NEWS2 with the readings behind it, for the evidence of an action. */
function news2Score(n: Node, c: News2Condition, e: Evaluation): { score: number; band: News2Band; ids: string[] } | undefined {
  const vitals = news2Vitals(n, e);
  if (!vitals || news2Rank(n, c, e) < 0) return undefined;
  const [rr, spo2, sys, pulse, temp] = vitals;
  const r = scoreNews2({
    respiratoryRate: convert(n, rr.unit, '/min', rr.v)!,
    spo2: convert(n, spo2.unit, '%', spo2.v)!,
    spo2Scale: spo2Scale(c, e.ctx),
    onOxygen: e.ctx.onOxygen ?? false,
    systolic: convert(n, sys.unit, 'mm[Hg]', sys.v)!,
    pulse: convert(n, pulse.unit, '/min', pulse.v)!,
    consciousness: e.ctx.consciousness ?? 'A',
    temperature: convert(n, temp.unit, 'Cel', temp.v)!,
  });
  return { score: r.score, band: r.band, ids: vitals.map((v) => v.id) };
}

/** The newest reading a missing-data condition counts, if any. */
function missingLast(n: Node, c: MissingDataCondition, latest: (LatestReading | undefined)[], any: LatestReading | null): LatestReading | null {
  if (c.metrics === undefined) return any;
  let last: LatestReading | null = null;
  const idxs = n.metricIdxs;
  for (let k = 0; k < idxs.length; k++) {
    const l = latest[idxs[k]!];
    if (l !== undefined && (last === null || l.t > last.t)) last = l;
  }
  return last;
}

/** The newest readings of one patient: its state and the runtime's by-metricIndex views of it. */
interface Latest {
  patient: PatientState;
  last: (LatestReading | undefined)[];
  lastClinical: (LatestReading | undefined)[];
}

function missingReading(n: Node, c: MissingDataCondition, l: Latest): LatestReading | null {
  return n.clinicalOnly ? missingLast(n, c, l.lastClinical, l.patient.lastClinicalAny) : missingLast(n, c, l.last, l.patient.lastAny);
}

/** Since when the condition's metrics have been silent: the newest reading, else the start of monitoring. */
function missingSince(n: Node, c: MissingDataCondition, l: Latest, ctx: PatientRuleContext): number | undefined {
  return missingReading(n, c, l)?.t ?? ctx.monitoringSinceMs;
}

const rank = (b: News2Band) => NEWS2_BANDS.indexOf(b);

function makeStatus(n: Node): (e: Evaluation) => Status {
  const c = n.def;
  const w = n.window?.index ?? -1;
  switch (c.kind) {
    case 'threshold': {
      const level = c.level;
      const clearLevel = c.clearLevel ?? c.level;
      const op = c.operator;
      const fresh = c.freshForMs;
      const overrides = n.overrides;
      const unit = c.unit;
      return (e) => {
        const last = thresholdValue(n, e);
        if (last === undefined) return UNKNOWN;
        if (fresh !== undefined && e.at - last.t > fresh) return UNKNOWN;
        const v = convert(n, last.unit, unit, last.v);
        if (v === undefined) return UNKNOWN;
        const o = overrides === null ? undefined : overrides.get(e.ctx.patientId);
        return o === undefined ? judge(v, op, level, clearLevel) : judge(v, op, o.level, o.clearLevel);
      };
    }
    case 'rate-of-change': {
      const raise = c.amount - EPS;
      const hold = (c.clearAmount ?? c.amount) - EPS;
      return (e) => {
        const change = rateChange(c, e.windows[w]);
        if (change === undefined) return UNKNOWN;
        if (change >= raise) return RAISE;
        return change >= hold ? HOLD : CLEAR;
      };
    }
    case 'window-aggregate': {
      const clearLevel = c.clearLevel ?? c.level;
      return (e) => {
        const v = aggregateValue(c, e.windows[w]);
        if (v === undefined) return UNKNOWN;
        return judge(v, c.operator, c.level, clearLevel);
      };
    }
    case 'missing-data':
      return (e) => {
        const since = missingSince(n, c, e, e.ctx);
        if (since === undefined) return UNKNOWN;
        return e.at - since >= c.forMs ? RAISE : CLEAR;
      };
    case 'news2': {
      const below = c.below === undefined ? Number.POSITIVE_INFINITY : rank(c.below);
      const atLeast = rank(c.atLeast);
      const holdAt = rank(c.clearBelow ?? c.atLeast);
      return (e) => {
        const b = news2Rank(n, c, e);
        if (b < 0) return UNKNOWN;
        if (b >= below) return CLEAR;
        if (b >= atLeast) return RAISE;
        return b >= holdAt ? HOLD : CLEAR;
      };
    }
    case 'baseline-deviation':
    case 'cusum':
      // judged per patient-day by engine/baselines, never per reading (such rules are not compiled here)
      return () => UNKNOWN;
    case 'all': {
      const children = n.children;
      return (e) => {
        let unknown = false;
        let allRaise = true;
        for (let k = 0; k < children.length; k++) {
          const cs = children[k]!.status(e);
          if (cs === CLEAR) return CLEAR;
          if (cs === UNKNOWN) unknown = true;
          if (cs !== RAISE) allRaise = false;
        }
        if (unknown) return UNKNOWN;
        return allRaise ? RAISE : HOLD;
      };
    }
    case 'any': {
      const children = n.children;
      return (e) => {
        let hold = false;
        let clear = false;
        for (let k = 0; k < children.length; k++) {
          const cs = children[k]!.status(e);
          if (cs === RAISE) return RAISE;
          if (cs === HOLD) hold = true;
          else if (cs === CLEAR) clear = true;
        }
        return hold ? HOLD : clear ? CLEAR : UNKNOWN;
      };
    }
  }
}

interface Evidence {
  /** null: only the values are wanted (update and clear actions carry the one reading that caused them). */
  ids: string[] | null;
  values: Record<string, number>;
}

function pushId(ids: string[] | null, id: string): void {
  if (ids !== null && !ids.includes(id)) ids.push(id);
}

/** Collects the readings and values behind a node's current status (only called when an action is emitted). */
function collect(n: Node, e: Evaluation, out: Evidence): void {
  const c = n.def;
  const w = n.window ? e.windows[n.window.index] : undefined;
  switch (c.kind) {
    case 'threshold': {
      const last = thresholdValue(n, e);
      const v = last && convert(n, last.unit, c.unit, last.v);
      if (last && v !== undefined) {
        pushId(out.ids, last.id);
        out.values[c.metric] = v;
      }
      return;
    }
    case 'rate-of-change': {
      const change = rateChange(c, w);
      if (w && change !== undefined) {
        const d = c.direction === 'rise' ? w.min! : w.max!;
        pushId(out.ids, d.id[d.head]!);
        pushId(out.ids, w.fifo.id[w.fifo.id.length - 1]!);
        out.values[n.valueKey] = change;
      }
      return;
    }
    case 'window-aggregate': {
      const v = aggregateValue(c, w);
      if (w && out.ids !== null) for (const id of lastIds(w.fifo, MAX_READING_IDS)) pushId(out.ids, id);
      if (v !== undefined) out.values[n.valueKey] = v;
      return;
    }
    case 'missing-data': {
      const last = missingReading(n, c, e);
      const since = missingSince(n, c, e, e.ctx);
      if (last) pushId(out.ids, last.id);
      if (since !== undefined) out.values['hours-without-readings'] = Math.floor((e.at - since) / 3_600_000);
      return;
    }
    case 'news2': {
      const r = news2Score(n, c, e);
      if (r) {
        for (const id of r.ids) pushId(out.ids, id);
        out.values.news2 = r.score;
      }
      return;
    }
    case 'all':
      for (const child of n.children) collect(child, e, out);
      return;
    case 'any': {
      const raising = n.children.filter((ch) => ch.status(e) === RAISE);
      for (const child of raising.length ? raising : n.children) collect(child, e, out);
      return;
    }
  }
}

// ---- the engine -------------------------------------------------------------------------

interface PatientRuntime {
  ctx: PatientRuleContext;
  state: PatientState;
  /** Applicable rules per metricIndex, built on first use. */
  byMetric: (CompiledRule[] | undefined)[];
  /** Windows each metric (by metricIndex) feeds, for the rules that apply to this patient. */
  windowsByMetric: (WindowSpec[] | undefined)[];
  /** Newest readings by metricIndex: the same objects as in `state.lastByMetric` and `state.lastClinicalByMetric`. */
  last: (LatestReading | undefined)[];
  lastClinical: (LatestReading | undefined)[];
  /** The patient's shared windows by spec index (the same objects as in `state.windows`). */
  windows: (SharedWindow | undefined)[];
  applicable: CompiledRule[] | null;
  /** Rules a tick must look at: missing-data rules, and rules pending (persistence by time or staleness may decide them). */
  pending: Set<CompiledRule> | null;
  /** Applicable missing-data rules, which ticks judge. */
  missing: CompiledRule[] | null;
  /**
   * No missing-data rule of this patient can raise before this time (epoch ms), so ticks
   * before it skip the patient. Kept conservative: a reading can only move it later, so it is
   * lowered to (reading time + shortest gap) on each reading and recomputed when reached.
   */
  nextDueMs: number;
  /** Phase of each rule by compiled-rule index (mirrors `state.rules[id].phase`), so idle rules are skipped without touching their state. */
  phases: Uint8Array;
  /** Rule states by compiled-rule index (the same objects as in `state.rules`), so the hot path avoids string-keyed lookups. */
  ruleStates: (RuleState | undefined)[];
}

/**
 * The rule engine over one clinic's rule set. It mutates the `EngineState` it was given
 * (for speed: one reading must cost microseconds); use `evaluate` for the pure form that
 * leaves its input state untouched.
 */
export class RuleEngine {
  private readonly rules: CompiledRule[];
  private readonly contexts = new Map<string, PatientRuleContext>();
  private readonly runtimes = new Map<string, PatientRuntime>();
  private sortedIds: string[] | null = null;
  private readonly windowSpecs: WindowSpec[];
  /** The shortest gap any missing-data rule waits for. */
  private readonly shortestGapMs: number;
  readonly ignored: IgnoredReading[] = [];

  constructor(
    rules: readonly RuleDefinition[],
    contexts: Iterable<PatientRuleContext> = [],
    readonly state: EngineState = emptyEngineState(),
  ) {
    const specs = new Map<string, WindowSpec>();
    const windowFor: WindowRegistry = (metric, unit, windowMs, clinicalOnly, extreme) => {
      const key = `${metric}|${unit}|${windowMs}|${clinicalOnly ? 'clinical' : 'any'}`;
      let spec = specs.get(key);
      if (!spec) specs.set(key, (spec = { index: specs.size, key, metric, unit, windowMs, clinicalOnly, min: false, max: false, converters: new Map() }));
      if (extreme === 'min') spec.min = true;
      if (extreme === 'max') spec.max = true;
      return spec;
    };
    // Daily (baseline) rules are judged per patient-day by engine/baselines, not per reading.
    this.rules = rules.filter((r) => r.enabled && !isDailyCondition(r.condition)).map((r, i) => compileRule(r, i, windowFor));
    this.windowSpecs = [...specs.values()];
    this.shortestGapMs = Math.min(...this.rules.flatMap((r) => r.nodes.map((n) => (n.def.kind === 'missing-data' ? n.def.forMs : Number.POSITIVE_INFINITY))));
    for (const c of contexts) this.contexts.set(c.patientId, c);
  }

  /** Replaces what the engine knows about a patient (conditions, tags, oxygen…); rule applicability is recomputed. */
  setContext(ctx: PatientRuleContext): void {
    this.contexts.set(ctx.patientId, ctx);
    const rt = this.runtimes.get(ctx.patientId);
    if (rt) {
      rt.ctx = ctx;
      rt.byMetric = [];
      rt.windowsByMetric = [];
      rt.applicable = null;
      rt.pending = null;
      rt.missing = null;
      rt.nextDueMs = Number.NEGATIVE_INFINITY;
    } else this.sortedIds = null;
  }

  /** Evaluates readings in order and returns the alert actions they cause. */
  ingest(readings: Iterable<RuleReading>): AlertAction[] {
    const out: AlertAction[] = [];
    for (const r of readings) this.ingestOne(r, out);
    return out;
  }

  ingestOne(r: RuleReading, out: AlertAction[]): void {
    if (!Number.isFinite(r.value)) {
      this.ignored.push({ id: r.id, reason: 'not-a-number' });
      return;
    }
    if (r.flags.length && r.flags.some((f) => NON_MEASUREMENT_FLAGS.has(f))) {
      this.ignored.push({ id: r.id, reason: 'flagged' });
      return;
    }
    const rt = this.runtime(r.patientId);
    const m = metricIndex(r.metric);
    const last = rt.last[m];
    if (last) {
      if (r.timeMs < last.t) {
        this.ignored.push({ id: r.id, reason: 'out-of-order' });
        return;
      }
      if (r.timeMs === last.t && r.id === last.id) {
        this.ignored.push({ id: r.id, reason: 'duplicate' });
        return;
      }
    }
    if (last) setReading(last, r);
    else rt.state.lastByMetric[r.metric] = rt.last[m] = { t: r.timeMs, v: r.value, unit: r.unit, id: r.id };
    if (rt.state.lastAny === null) rt.state.lastAny = { t: r.timeMs, v: r.value, unit: r.unit, id: r.id };
    else if (r.timeMs >= rt.state.lastAny.t) setReading(rt.state.lastAny, r);
    if (r.source.grade === 'clinical') {
      const clinical = rt.lastClinical[m];
      if (clinical) setReading(clinical, r);
      else rt.state.lastClinicalByMetric[r.metric] = rt.lastClinical[m] = { t: r.timeMs, v: r.value, unit: r.unit, id: r.id };
      if (rt.state.lastClinicalAny === null) rt.state.lastClinicalAny = { t: r.timeMs, v: r.value, unit: r.unit, id: r.id };
      else if (r.timeMs >= rt.state.lastClinicalAny.t) setReading(rt.state.lastClinicalAny, r);
    }
    if (r.timeMs + this.shortestGapMs < rt.nextDueMs) rt.nextDueMs = r.timeMs + this.shortestGapMs;
    const consumer = r.source.grade !== 'clinical';
    const specs = this.windowsFor(rt, r.metric, m);
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      if (consumer && spec.clinicalOnly) continue;
      const v = convertForWindow(spec, r.unit, r.value);
      if (v !== undefined) pushWindow(this.window(rt, spec), spec, r.timeMs, v, r.id);
    }
    const rules = this.rulesFor(rt, r.metric, m);
    const e = this.evaluation(rt, r.timeMs);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (consumer && rule.def.clinicalGradeOnly) continue;
      // rules keep no data of their own: an idle rule changes nothing unless it raises
      if (rt.phases[rule.index] === 0 && rule.root.status(e) !== RAISE) continue;
      this.step(rt, rule, this.ruleState(rt, rule), e, r.id, out);
    }
  }

  /**
   * Advances time without a reading: missing-data rules are judged, and conditions that
   * must persist for a time open their alert once it has passed. Call it on a timer with
   * the current time, and at the end of a replay.
   */
  tick(now: number): AlertAction[] {
    const out: AlertAction[] = [];
    this.sortedIds ??= [...new Set<string>([...this.contexts.keys(), ...Object.keys(this.state.patients)])].sort();
    for (const id of this.sortedIds) {
      const rt = this.runtime(id);
      const pending = this.pendingRules(rt);
      if (pending.size === 0 && now < rt.nextDueMs) continue;
      rt.missing ??= this.applicableRules(rt).filter((r) => r.hasMissing);
      // in rule order, so that the actions come out in the same order however the engine was restored
      const due = pending.size === 0 ? rt.missing : [...new Set([...rt.missing, ...pending])].sort((a, b) => a.index - b.index);
      for (let i = 0; i < due.length; i++) {
        const rule = due[i]!;
        this.step(rt, rule, this.ruleState(rt, rule), this.evaluation(rt, now), null, out);
      }
      rt.nextDueMs = this.nextDue(rt, rt.missing);
    }
    return out;
  }

  /** True while the rule's condition holds for the patient (an alert is open for it). */
  conditionHolds(patientId: string, ruleId: string): boolean {
    return this.state.patients[patientId]?.rules[ruleId]?.phase === 'active';
  }

  /**
   * Forgets the open episode after staff resolved the alert while the condition still held,
   * so that the condition raising again (after its persistence) opens a new alert.
   */
  releaseAlert(patientId: string, ruleId: string): void {
    const rs = this.state.patients[patientId]?.rules[ruleId];
    if (rs && rs.phase === 'active') {
      rs.phase = 'idle';
      const rt = this.runtimes.get(patientId);
      const rule = this.rules.find((r) => r.def.id === ruleId);
      if (rt && rule) rt.phases[rule.index] = PHASE_CODE.idle;
      rs.alertKey = null;
      rs.count = 0;
      rs.readingIds = [];
    }
  }

  /** The earliest time one of these missing-data rules could raise; -Infinity when that cannot be bounded cheaply. */
  private nextDue(rt: PatientRuntime, missing: readonly CompiledRule[]): number {
    let due = Number.POSITIVE_INFINITY;
    for (const rule of missing) {
      const c = rule.root.def;
      // a missing-data condition inside a combination may raise whenever its siblings change: judge it on every tick
      if (c.kind !== 'missing-data') return Number.NEGATIVE_INFINITY;
      const rs = this.ruleState(rt, rule);
      if (rs.phase !== 'idle') continue; // active: only a reading clears it; pending: judged anyway
      const since = missingSince(rule.root, c, { patient: rt.state, last: rt.last, lastClinical: rt.lastClinical }, rt.ctx);
      if (since !== undefined) due = Math.min(due, since + c.forMs);
    }
    return due;
  }

  /** Pending rules of a patient, rebuilt from the (possibly restored) state on first use. */
  private pendingRules(rt: PatientRuntime): Set<CompiledRule> {
    rt.pending ??= new Set(this.applicableRules(rt).filter((r) => rt.state.rules[r.def.id]?.phase === 'pending'));
    return rt.pending;
  }

  private runtime(patientId: string): PatientRuntime {
    let rt = this.runtimes.get(patientId);
    if (!rt) {
      let state = this.state.patients[patientId];
      if (!state) {
        state = { lastByMetric: {}, lastClinicalByMetric: {}, lastAny: null, lastClinicalAny: null, windows: {}, rules: {} };
        this.state.patients[patientId] = state;
      }
      rt = { ctx: this.contexts.get(patientId) ?? emptyContext(patientId), state, byMetric: [], windowsByMetric: [], last: [], lastClinical: [], windows: [], applicable: null, pending: null, missing: null, ruleStates: [], nextDueMs: Number.NEGATIVE_INFINITY, phases: new Uint8Array(this.rules.length) };
      for (const spec of this.windowSpecs) rt.windows[spec.index] = state.windows[spec.key];
      for (const [metric, l] of Object.entries(state.lastByMetric)) rt.last[metricIndex(metric)] = l;
      for (const [metric, l] of Object.entries(state.lastClinicalByMetric)) rt.lastClinical[metricIndex(metric)] = l;
      for (const rule of this.rules) {
        const rs = state.rules[rule.def.id];
        if (rs && rs.version === rule.def.version) rt.phases[rule.index] = PHASE_CODE[rs.phase];
        else if (rs && rs.phase === 'active') rt.phases[rule.index] = PHASE_CODE.active;
      }
      this.sortedIds = null;
      this.runtimes.set(patientId, rt);
    }
    return rt;
  }

  private applicableRules(rt: PatientRuntime): CompiledRule[] {
    rt.applicable ??= this.rules.filter((r) => applies(r.def.appliesTo, rt.ctx));
    return rt.applicable;
  }

  private rulesFor(rt: PatientRuntime, metric: Metric, m: number): CompiledRule[] {
    let list = rt.byMetric[m];
    if (!list) {
      list = this.applicableRules(rt).filter((r) => r.metrics === null || r.metrics.has(metric));
      rt.byMetric[m] = list;
    }
    return list;
  }

  private windowsFor(rt: PatientRuntime, metric: Metric, m: number): WindowSpec[] {
    let list = rt.windowsByMetric[m];
    if (!list) {
      const used = new Set<WindowSpec>();
      for (const rule of this.applicableRules(rt)) for (const n of rule.nodes) if (n.window && n.window.metric === metric) used.add(n.window);
      list = [...used].sort((a, b) => a.index - b.index);
      rt.windowsByMetric[m] = list;
    }
    return list;
  }

  private window(rt: PatientRuntime, spec: WindowSpec): SharedWindow {
    let w = rt.windows[spec.index];
    if (w === undefined) {
      w = rt.state.windows[spec.key] ??= { fifo: emptyFifo(), min: null, max: null };
      rt.windows[spec.index] = w;
    }
    // a rule added later may need an extreme the window did not keep yet: it starts from now
    if (spec.min && w.min === null) w.min = emptyDeque();
    if (spec.max && w.max === null) w.max = emptyDeque();
    return w;
  }

  /** One reused evaluation record: allocating one per rule and reading would dominate garbage collection. */
  private readonly scratch: Evaluation = { ctx: emptyContext(''), patient: { lastByMetric: {}, lastClinicalByMetric: {}, lastAny: null, lastClinicalAny: null, windows: {}, rules: {} }, windows: [], last: [], lastClinical: [], at: 0 };

  private evaluation(rt: PatientRuntime, at: number): Evaluation {
    this.scratch.ctx = rt.ctx;
    this.scratch.patient = rt.state;
    this.scratch.windows = rt.windows;
    this.scratch.last = rt.last;
    this.scratch.lastClinical = rt.lastClinical;
    this.scratch.at = at;
    return this.scratch;
  }

  private ruleState(rt: PatientRuntime, rule: CompiledRule): RuleState {
    const cached = rt.ruleStates[rule.index];
    if (cached !== undefined && cached.version === rule.def.version) return cached;
    let rs = rt.state.rules[rule.def.id];
    if (!rs) {
      rs = { version: rule.def.version, phase: 'idle', count: 0, sinceMs: 0, readingIds: [], alertKey: null };
      rt.state.rules[rule.def.id] = rs;
    } else if (rs.version !== rule.def.version) {
      // The rule was edited: a pending episode starts over; an open alert stays open until the new definition clears it.
      rs.version = rule.def.version;
      if (rs.phase === 'pending') {
        rs.phase = 'idle';
        rt.phases[rule.index] = PHASE_CODE.idle;
        rt.pending?.delete(rule);
      }
    }
    rt.ruleStates[rule.index] = rs;
    return rs;
  }

  /** Advances one rule's machine; `readingId` is the reading being evaluated, or null on a tick. */
  private step(rt: PatientRuntime, rule: CompiledRule, rs: RuleState, e: Evaluation, readingId: string | null, out: AlertAction[]): void {
    const s = rule.root.status(e);
    const def = rule.def;
    switch (rs.phase) {
      case 'idle':
        if (s !== RAISE) return;
        rs.phase = 'pending';
        rt.phases[rule.index] = PHASE_CODE.pending;
        this.pendingRules(rt).add(rule);
        rs.count = 1;
        rs.sinceMs = e.at;
        rs.readingIds = [];
        break;
      case 'pending':
        if (s !== RAISE) {
          rs.phase = 'idle';
          rt.phases[rule.index] = PHASE_CODE.idle;
          rs.count = 0;
          rs.readingIds = [];
          this.pendingRules(rt).delete(rule);
          return;
        }
        if (readingId !== null) rs.count++;
        break;
      case 'active':
        if (s === CLEAR) {
          out.push(this.action('clear', rule, rs, e, readingId));
          rs.phase = 'idle';
          rt.phases[rule.index] = PHASE_CODE.idle;
          rs.alertKey = null;
          rs.count = 0;
          rs.readingIds = [];
        } else if (s === RAISE && readingId !== null) {
          out.push(this.action('update', rule, rs, e, readingId));
        }
        return;
    }
    // pending and still raising: gather the evidence, open once persistent
    const ids = rs.readingIds;
    const ev: Evidence = { ids, values: {} };
    collect(rule.root, e, ev);
    if (ids.length > MAX_READING_IDS) ids.splice(0, ids.length - MAX_READING_IDS);
    const p = def.persistence;
    if (rs.count >= p.readings && e.at - rs.sinceMs >= p.forMs) {
      rs.phase = 'active';
      rt.phases[rule.index] = PHASE_CODE.active;
      this.pendingRules(rt).delete(rule);
      rs.alertKey = `${def.id}|${e.ctx.patientId}|${e.at}`;
      out.push({
        type: 'open',
        alertKey: rs.alertKey,
        patientId: e.ctx.patientId,
        ruleId: def.id,
        ruleVersion: def.version,
        priority: def.priority,
        atMs: e.at,
        readingIds: [...rs.readingIds],
        values: ev.values,
      });
      rs.readingIds = [];
    }
  }

  /** An update or clear: it carries the reading that re-fired or cleared the alert (the open action linked the rest). */
  private action(type: AlertActionType, rule: CompiledRule, rs: RuleState, e: Evaluation, readingId: string | null): AlertAction {
    const ev: Evidence = { ids: null, values: {} };
    collect(rule.root, e, ev);
    return {
      type,
      alertKey: rs.alertKey!,
      patientId: e.ctx.patientId,
      ruleId: rule.def.id,
      ruleVersion: rule.def.version,
      priority: rule.def.priority,
      atMs: e.at,
      readingIds: readingId === null ? [] : [readingId],
      values: ev.values,
    };
  }
}

export interface EvaluationInput {
  rules: readonly RuleDefinition[];
  contexts: Iterable<PatientRuleContext>;
  state: EngineState;
  observations: readonly RuleReading[];
  /** When given, a tick at this time follows the readings. */
  now?: number;
}

export interface EvaluationResult {
  state: EngineState;
  actions: AlertAction[];
  ignored: IgnoredReading[];
}

/** The pure form: the input state is copied, never changed; same input, same output. */
export function evaluate(input: EvaluationInput): EvaluationResult {
  const state = JSON.parse(JSON.stringify(input.state)) as EngineState;
  const engine = new RuleEngine(input.rules, input.contexts, state);
  const actions = engine.ingest(input.observations);
  if (input.now !== undefined) actions.push(...engine.tick(input.now));
  return { state: engine.state, actions, ignored: engine.ignored };
}
