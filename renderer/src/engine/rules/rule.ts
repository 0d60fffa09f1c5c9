import { z } from 'zod';
import type { Metric } from '../../../../common/readings/observation';
import { NEWS2_BANDS, type News2Band } from './news2';

/**
 * Alert rules are data (DESIGN.md decision 3): plain JSON objects that staff edit and that
 * sync as rows (each has an `id`). Every rule read from storage or a form goes through
 * `parseRule`, so a bad field is reported by its path with a message staff can act on.
 *
 * Hysteresis lives in the conditions: a condition raises at `level` and only clears once the
 * value is back past `clearLevel`, so a value hovering at the threshold does not flap.
 */

export const METRICS = [
  'heart-rate', 'rr-interval', 'energy-expended', 'blood-pressure-systolic', 'blood-pressure-diastolic',
  'blood-pressure-mean', 'spo2', 'pulse-rate', 'perfusion-index', 'glucose', 'body-temperature',
  'body-weight', 'body-height', 'bmi', 'ecg', 'respiratory-rate', 'steps',
] as const satisfies readonly Metric[];

/** What NEWS2 reads: respiration, SpO2, systolic pressure, pulse (heart or pulse rate) and temperature. */
export const NEWS2_METRICS: readonly Metric[] = ['respiratory-rate', 'spo2', 'blood-pressure-systolic', 'heart-rate', 'pulse-rate', 'body-temperature'];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const OPERATORS = ['>', '>=', '<', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

export const AGGREGATES = ['mean', 'min', 'max', 'count'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** A patient matches a criterion by a condition (display text or code prefix), a tag or a care program. */
export interface Criterion {
  kind: 'condition' | 'tag' | 'program';
  value: string;
}

export interface Applicability {
  /** 'all', or patients matching any of these criteria. */
  patients: 'all' | Criterion[];
  /** Patients matching any of these are left out even when `patients` includes them. */
  except: Criterion[];
}

export interface PatientLevel {
  patientId: string;
  level: number;
  clearLevel?: number;
}

export interface ThresholdCondition {
  kind: 'threshold';
  metric: Metric;
  /** UCUM unit the levels are written in; readings in other convertible units are converted. */
  unit: string;
  operator: Operator;
  level: number;
  /** Hysteresis: once raised, clears only when the value no longer satisfies `operator clearLevel`. Defaults to `level`. */
  clearLevel?: number;
  /** A reading older than this (ms) no longer counts as the current value. */
  freshForMs?: number;
  /** Per-patient levels set by the care team (a patient whose usual systolic is 95, say). */
  overrides: PatientLevel[];
}

export interface RateOfChangeCondition {
  kind: 'rate-of-change';
  metric: Metric;
  unit: string;
  direction: 'rise' | 'fall';
  /** Raise when the latest value differs from the lowest (rise) or highest (fall) value in the window by at least this much. */
  amount: number;
  /** Hysteresis: clears when the change drops below this. Defaults to `amount`. */
  clearAmount?: number;
  windowMs: number;
}

export interface WindowAggregateCondition {
  kind: 'window-aggregate';
  metric: Metric;
  unit: string;
  aggregate: Aggregate;
  windowMs: number;
  operator: Operator;
  level: number;
  clearLevel?: number;
  /** Fewer readings than this in the window and the aggregate is not judged (a mean of one reading is not a trend). */
  minCount: number;
}

export interface MissingDataCondition {
  kind: 'missing-data';
  /** Metrics whose absence counts; absent means any metric. */
  metrics?: Metric[];
  /** No reading for this long (ms). */
  forMs: number;
}

export interface News2Condition {
  kind: 'news2';
  /** Raises when the band is at least this… */
  atLeast: News2Band;
  /** …and below this one (so a 'medium' rule hands over to a 'high' rule rather than both alerting). */
  below?: News2Band;
  /** Hysteresis: once raised, holds while the band is at least this. Defaults to `atLeast`. */
  clearBelow?: News2Band;
  /** Only vitals measured within this long of the newest one are combined into a score. */
  freshForMs: number;
  /** Patients scored on SpO2 scale 2 (hypercapnic respiratory failure), unless their context says otherwise. */
  scale2For: Criterion[];
  /** Home monitoring records no ACVPU; score consciousness as Alert unless the patient context says otherwise. */
  assumeAlert: boolean;
}

/**
 * Daily personal-baseline metrics (issue 11). Each is one value per patient-day (see
 * engine/baselines/metrics.ts for how a day is summarised and when it has enough data).
 */
export const BASELINE_METRICS = [
  'resting-heart-rate', 'hrv-rmssd', 'hrv-sdnn', 'spo2', 'respiratory-rate', 'skin-temperature',
  'sleep-duration', 'steps', 'body-weight', 'home-systolic', 'home-diastolic',
] as const;
export type BaselineMetric = (typeof BASELINE_METRICS)[number];

/** The patient-day metric a daily condition reads comes from these readings (sleep duration has no reading kind yet). */
export const BASELINE_SOURCE: Record<BaselineMetric, Metric | null> = {
  'resting-heart-rate': 'heart-rate',
  'hrv-rmssd': 'hrv-rmssd',
  'hrv-sdnn': 'hrv-sdnn',
  spo2: 'spo2',
  'respiratory-rate': 'respiratory-rate',
  'skin-temperature': 'body-temperature',
  'sleep-duration': 'sleep-duration',
  steps: 'steps',
  'body-weight': 'body-weight',
  'home-systolic': 'blood-pressure-systolic',
  'home-diastolic': 'blood-pressure-diastolic',
};

/** Alarm-fatigue controls shared by the daily (baseline) conditions. */
export interface DailyControls {
  /** The baseline needs at least this many sufficient days among the last 28 before anything is judged. */
  minBaselineDays: number;
  /** After an episode opened, a new one for the same rule and patient opens no sooner than this many days later. */
  cooldownDays: number;
}

/**
 * A sustained deviation of a patient-day value from the patient's own baseline (median and
 * MAD of the previous 28 days), measured in robust SDs (1.4826 × MAD).
 */
export interface BaselineDeviationCondition extends DailyControls {
  kind: 'baseline-deviation';
  metric: BaselineMetric;
  direction: 'rise' | 'fall';
  /** Raise when the deviation in the direction is at least this many robust SDs… */
  threshold: number;
  /** …on this many consecutive days with data. */
  sustainedDays: number;
  /** Hysteresis: clears once a day's deviation is back below this. Defaults to threshold / 2. */
  clearThreshold?: number;
}

/**
 * A one-sided cumulative sum (Page 1954) of the daily robust deviation: S = max(0, S + z − k),
 * alarm when S > h, then S restarts at 0. Finds slow drifts a threshold misses.
 */
export interface CusumCondition extends DailyControls {
  kind: 'cusum';
  metric: BaselineMetric;
  direction: 'rise' | 'fall';
  /** Reference value (allowance) in robust SDs: half the shift to detect quickly. */
  k: number;
  /** Decision interval in robust SDs. */
  h: number;
}

export interface CombinationCondition {
  kind: 'all' | 'any';
  conditions: Condition[];
}

export type Condition =
  | ThresholdCondition
  | RateOfChangeCondition
  | WindowAggregateCondition
  | MissingDataCondition
  | News2Condition
  | BaselineDeviationCondition
  | CusumCondition
  | CombinationCondition;

export interface Persistence {
  /** The condition must be met on this many consecutive evaluations… */
  readings: number;
  /** …and for at least this long (ms) since it was first met, before an alert opens. */
  forMs: number;
}

export interface RuleDefinition {
  id: string;
  name: string;
  description: string;
  /** The guideline or publication the rule follows. */
  source: string;
  priority: Priority;
  enabled: boolean;
  version: number;
  appliesTo: Applicability;
  /** Ignore consumer-grade readings (wearables, phone apps) for this rule. */
  clinicalGradeOnly: boolean;
  persistence: Persistence;
  /** Escalate to the next care-team member when unacknowledged for this long (ms). */
  escalateAfterMs?: number;
  condition: Condition;
}

// ---- validation ------------------------------------------------------------------------

const text = (what: string, max: number) =>
  z.string({ error: `${what} must be text` }).trim().min(1, `enter ${what}`).max(max, `${what} must be at most ${max} characters`);
const finite = (what: string) => z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be a finite number`);
const positiveMs = (what: string) =>
  z.number({ error: `${what} must be a number of milliseconds` }).int(`${what} must be whole milliseconds`).positive(`${what} must be greater than 0`);
const metric = z.enum(METRICS, { error: `metric must be one of ${METRICS.join(', ')}` });
const unit = text('the unit (UCUM, e.g. mm[Hg])', 20);
const operator = z.enum(OPERATORS, { error: 'operator must be one of >, >=, <, <=' });
const band = z.enum(NEWS2_BANDS as [News2Band, ...News2Band[]], { error: 'band must be low, low-medium, medium or high' });

const CriterionSchema = z.object({
  kind: z.enum(['condition', 'tag', 'program'], { error: 'criterion kind must be condition, tag or program' }),
  value: text('the criterion value', 120),
});

const PatientLevelSchema = z.object({
  patientId: text('the patient id', 64),
  level: finite('level'),
  clearLevel: finite('clearLevel').optional(),
});

const isUpward = (op: Operator) => op === '>' || op === '>=';

function checkClearLevel(c: { operator: Operator; level: number; clearLevel?: number | undefined }, ctx: z.RefinementCtx, path: (string | number)[] = []): void {
  if (c.clearLevel === undefined) return;
  const ok = isUpward(c.operator) ? c.clearLevel <= c.level : c.clearLevel >= c.level;
  if (!ok) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'clearLevel'],
      message: `clearLevel must be ${isUpward(c.operator) ? 'at or below' : 'at or above'} level for operator ${c.operator} (hysteresis clears on the safe side)`,
    });
  }
}

const ThresholdSchema = z
  .object({
    kind: z.literal('threshold'),
    metric,
    unit,
    operator,
    level: finite('level'),
    clearLevel: finite('clearLevel').optional(),
    freshForMs: positiveMs('freshForMs').optional(),
    overrides: z.array(PatientLevelSchema).max(1000).default([]),
  })
  .superRefine((c, ctx) => {
    checkClearLevel(c, ctx);
    c.overrides.forEach((o, i) => checkClearLevel({ operator: c.operator, level: o.level, clearLevel: o.clearLevel }, ctx, ['overrides', i]));
  });

const RateOfChangeSchema = z
  .object({
    kind: z.literal('rate-of-change'),
    metric,
    unit,
    direction: z.enum(['rise', 'fall'], { error: 'direction must be rise or fall' }),
    amount: finite('amount').refine((x) => x > 0, 'amount must be greater than 0'),
    clearAmount: finite('clearAmount').refine((x) => x >= 0, 'clearAmount must not be negative').optional(),
    windowMs: positiveMs('windowMs'),
  })
  .superRefine((c, ctx) => {
    if (c.clearAmount !== undefined && c.clearAmount > c.amount) {
      ctx.addIssue({ code: 'custom', path: ['clearAmount'], message: 'clearAmount must not exceed amount' });
    }
  });

const WindowAggregateSchema = z
  .object({
    kind: z.literal('window-aggregate'),
    metric,
    unit,
    aggregate: z.enum(AGGREGATES, { error: 'aggregate must be mean, min, max or count' }),
    windowMs: positiveMs('windowMs'),
    operator,
    level: finite('level'),
    clearLevel: finite('clearLevel').optional(),
    minCount: z.number({ error: 'minCount must be a number' }).int('minCount must be a whole number').min(1, 'minCount must be at least 1').default(1),
  })
  .superRefine((c, ctx) => checkClearLevel(c, ctx));

const MissingDataSchema = z.object({
  kind: z.literal('missing-data'),
  metrics: z.array(metric).min(1, 'list at least one metric, or leave metrics out for any metric').optional(),
  forMs: positiveMs('forMs'),
});

const bandRank = (b: News2Band) => NEWS2_BANDS.indexOf(b);

const News2Schema = z
  .object({
    kind: z.literal('news2'),
    atLeast: band,
    below: band.optional(),
    clearBelow: band.optional(),
    freshForMs: positiveMs('freshForMs'),
    scale2For: z.array(CriterionSchema).default([]),
    assumeAlert: z.boolean({ error: 'assumeAlert must be true or false' }).default(true),
  })
  .superRefine((c, ctx) => {
    if (c.below !== undefined && bandRank(c.below) <= bandRank(c.atLeast)) {
      ctx.addIssue({ code: 'custom', path: ['below'], message: 'below must be a higher band than atLeast' });
    }
    if (c.clearBelow !== undefined && bandRank(c.clearBelow) > bandRank(c.atLeast)) {
      ctx.addIssue({ code: 'custom', path: ['clearBelow'], message: 'clearBelow must not be a higher band than atLeast' });
    }
  });

const baselineMetric = z.enum(BASELINE_METRICS, { error: `metric must be one of ${BASELINE_METRICS.join(', ')}` });
const wholeDays = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of days` })
    .int(`${what} must be whole days`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);
const dailyControls = {
  minBaselineDays: wholeDays('minBaselineDays', 7, 28).default(14),
  cooldownDays: wholeDays('cooldownDays', 0, 90).default(7),
};
const direction = z.enum(['rise', 'fall'], { error: 'direction must be rise or fall' });

const BaselineDeviationSchema = z
  .object({
    kind: z.literal('baseline-deviation'),
    metric: baselineMetric,
    direction,
    threshold: finite('threshold').refine((x) => x > 0 && x <= 20, 'threshold must be more than 0 and at most 20 robust SDs'),
    sustainedDays: wholeDays('sustainedDays', 1, 28),
    clearThreshold: finite('clearThreshold').refine((x) => x >= 0, 'clearThreshold must not be negative').optional(),
    ...dailyControls,
  })
  .superRefine((c, ctx) => {
    if (c.clearThreshold !== undefined && c.clearThreshold > c.threshold) {
      ctx.addIssue({ code: 'custom', path: ['clearThreshold'], message: 'clearThreshold must not exceed threshold (hysteresis clears on the safe side)' });
    }
  });

const CusumSchema = z
  .object({
    kind: z.literal('cusum'),
    metric: baselineMetric,
    direction,
    k: finite('k').refine((x) => x >= 0 && x <= 5, 'k (the allowance) must be between 0 and 5 robust SDs'),
    h: finite('h').refine((x) => x > 0 && x <= 50, 'h (the decision interval) must be more than 0 and at most 50 robust SDs'),
    ...dailyControls,
  })
  .superRefine((c, ctx) => {
    // only when both are in range on their own (their own messages say what is wrong otherwise)
    if (c.h > 0 && c.h <= 50 && c.k >= 0 && c.k <= 5 && c.k >= c.h) ctx.addIssue({ code: 'custom', path: ['h'], message: 'h must be greater than k, or a single ordinary day would alarm' });
  });

const DAILY_KINDS: ReadonlySet<string> = new Set(['baseline-deviation', 'cusum']);

/** True when every leaf of the condition is judged per patient-day (baseline deviation, CUSUM); such rules run in engine/baselines. */
export function isDailyCondition(c: Condition): boolean {
  if (c.kind === 'all' || c.kind === 'any') return c.conditions.every(isDailyCondition);
  return DAILY_KINDS.has(c.kind);
}

const CombinationSchema = z
  .object({
    kind: z.enum(['all', 'any']),
    get conditions() {
      return z.array(ConditionSchema).min(1, 'a combination needs at least one condition').max(20, 'a combination takes at most 20 conditions');
    },
  })
  .superRefine((c, ctx) => {
    const daily = c.conditions.map(isDailyCondition);
    if (daily.some(Boolean) && !daily.every(Boolean)) {
      ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'baseline-deviation and cusum conditions are judged per day and combine only with each other' });
    }
  });

const CONDITION_KINDS = ['threshold', 'rate-of-change', 'window-aggregate', 'missing-data', 'news2', 'baseline-deviation', 'cusum', 'all', 'any'];

const ConditionSchema: z.ZodType<Condition, unknown> = z.lazy(() =>
  z
    .object({ kind: z.string({ error: `condition kind must be one of ${CONDITION_KINDS.join(', ')}` }) }, { error: 'condition must be an object' })
    .loose()
    .pipe(
      z.discriminatedUnion('kind', [ThresholdSchema, RateOfChangeSchema, WindowAggregateSchema, MissingDataSchema, News2Schema, BaselineDeviationSchema, CusumSchema, CombinationSchema], {
        error: `condition kind must be one of ${CONDITION_KINDS.join(', ')}`,
      }),
    ),
) as z.ZodType<Condition, unknown>;

export const RuleSchema = z.object({
  id: text('the rule id', 64),
  name: text('a name', 120),
  description: text('a description', 1000),
  source: text('the source citation', 500),
  priority: z.enum(PRIORITIES, { error: 'priority must be high, medium or low' }),
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  version: z.number({ error: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be at least 1').default(1),
  appliesTo: z
    .object({
      patients: z.union([z.literal('all'), z.array(CriterionSchema).min(1, 'list at least one criterion, or use "all"')], {
        error: 'patients must be "all" or a list of criteria',
      }),
      except: z.array(CriterionSchema).default([]),
    })
    .default({ patients: 'all', except: [] }),
  clinicalGradeOnly: z.boolean({ error: 'clinicalGradeOnly must be true or false' }).default(false),
  persistence: z
    .object({
      readings: z.number({ error: 'persistence.readings must be a number' }).int('persistence.readings must be a whole number').min(1, 'persistence.readings must be at least 1').default(1),
      forMs: z.number({ error: 'persistence.forMs must be a number' }).int('persistence.forMs must be whole milliseconds').min(0, 'persistence.forMs must not be negative').default(0),
    })
    .default({ readings: 1, forMs: 0 }),
  escalateAfterMs: positiveMs('escalateAfterMs').optional(),
  condition: ConditionSchema,
});

/** What a rule may look like before validation fills in defaults. */
export type RuleInput = z.input<typeof RuleSchema>;

export interface RuleIssue {
  /** Dotted path of the bad field, e.g. 'condition.conditions.1.level'. */
  path: string;
  message: string;
}

export class RuleValidationError extends Error {
  override readonly name = 'RuleValidationError';
  constructor(
    readonly ruleId: string | undefined,
    readonly issues: RuleIssue[],
  ) {
    super(`rule ${ruleId ?? '(no id)'}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

function issuesOf(err: z.ZodError): RuleIssue[] {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Validates one rule (from storage, a form or a file) and fills in defaults; throws RuleValidationError. */
export function parseRule(input: unknown): RuleDefinition {
  const result = RuleSchema.safeParse(input);
  if (!result.success) {
    const id = typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string' ? (input as { id: string }).id : undefined;
    throw new RuleValidationError(id, issuesOf(result.error));
  }
  return result.data as RuleDefinition;
}

/** Validates a rule set: every rule, and ids unique. */
export function parseRuleSet(inputs: readonly unknown[]): RuleDefinition[] {
  const rules = inputs.map(parseRule);
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new RuleValidationError(r.id, [{ path: 'id', message: 'another rule in the set has this id' }]);
    seen.add(r.id);
  }
  return rules;
}

/** Every metric a condition reads, in first-mention order; `undefined` when it reads every metric (missing data of any metric). */
export function conditionMetrics(c: Condition): Metric[] | undefined {
  const out: Metric[] = [];
  let any = false;
  const visit = (n: Condition) => {
    switch (n.kind) {
      case 'threshold':
      case 'rate-of-change':
      case 'window-aggregate':
        if (!out.includes(n.metric)) out.push(n.metric);
        break;
      case 'missing-data':
        if (n.metrics === undefined) any = true;
        else for (const m of n.metrics) if (!out.includes(m)) out.push(m);
        break;
      case 'news2':
        for (const m of NEWS2_METRICS) if (!out.includes(m)) out.push(m);
        break;
      case 'baseline-deviation':
      case 'cusum': {
        const m = BASELINE_SOURCE[n.metric];
        if (m !== null && !out.includes(m)) out.push(m);
        break;
      }
      case 'all':
      case 'any':
        n.conditions.forEach(visit);
    }
  };
  visit(c);
  return any ? undefined : out;
}

