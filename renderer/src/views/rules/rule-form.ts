import { parseRule, RuleValidationError, type Condition, type Priority, type RuleDefinition, type RuleIssue } from '../../engine/rules/rule';

/**
 * The Rules screen's editable view of a rule: the common parameters as the text staff type
 * (minutes and hours with decimals, empty for "none"), and back to a RuleDefinition that
 * parseRule has validated. Field keys are parseRule's issue paths, so its messages land at
 * the field that caused them.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface OverrideForm {
  patientId: string;
  /** How the patient is shown (name and MRN); not stored in the rule. */
  label: string;
  level: string;
  clearLevel: string;
}

export type EditableKind = 'threshold' | 'rate-of-change' | 'window-aggregate' | 'baseline-deviation' | 'cusum';

/** The parameters of the daily (baseline) kinds, edited as typed text like the others. */
export type DailyField = 'threshold' | 'clearThreshold' | 'sustainedDays' | 'k' | 'h' | 'minBaselineDays' | 'cooldownDays';

/** Which daily parameters each daily kind shows, in order, with their labels. */
export const DAILY_FIELDS: Record<'baseline-deviation' | 'cusum', { key: DailyField; label: string; placeholder?: string }[]> = {
  'baseline-deviation': [
    { key: 'threshold', label: 'Deviation (robust SDs)' },
    { key: 'clearThreshold', label: 'Clears below (robust SDs)', placeholder: 'half the deviation' },
    { key: 'sustainedDays', label: 'Sustained (days)' },
    { key: 'minBaselineDays', label: 'Baseline days needed' },
    { key: 'cooldownDays', label: 'Cooldown (days)' },
  ],
  cusum: [
    { key: 'k', label: 'k, allowance (robust SDs)' },
    { key: 'h', label: 'h, decision interval (robust SDs)' },
    { key: 'minBaselineDays', label: 'Baseline days needed' },
    { key: 'cooldownDays', label: 'Cooldown (days)' },
  ],
};

export const isDailyKind = (k: EditableKind): k is 'baseline-deviation' | 'cusum' => k === 'baseline-deviation' || k === 'cusum';

export interface ConditionForm {
  /** Path of the condition inside the rule, e.g. 'condition' or 'condition.conditions.1'. */
  path: string;
  kind: EditableKind;
  /** What the condition judges, e.g. 'heart-rate > … /min' or 'rise of body-weight (kg)'. */
  label: string;
  unit: string;
  level: string;
  clearLevel: string;
  amount: string;
  clearAmount: string;
  windowHours: string;
  overrides: OverrideForm[];
  threshold: string;
  clearThreshold: string;
  sustainedDays: string;
  k: string;
  h: string;
  minBaselineDays: string;
  cooldownDays: string;
}

export interface RuleForm {
  enabled: boolean;
  priority: Priority;
  clinicalGradeOnly: boolean;
  persistenceReadings: string;
  persistenceMinutes: string;
  /** Empty: never escalates. */
  escalationMinutes: string;
  conditions: ConditionForm[];
}

const text = (n: number | undefined) => (n === undefined ? '' : String(Math.round(n * 1e6) / 1e6));

function editableConditions(c: Condition, path: string, patientLabel: (id: string) => string, out: ConditionForm[]): void {
  const blank = {
    path, unit: '', level: '', clearLevel: '', amount: '', clearAmount: '', windowHours: '', overrides: [] as OverrideForm[],
    threshold: '', clearThreshold: '', sustainedDays: '', k: '', h: '', minBaselineDays: '', cooldownDays: '',
  };
  switch (c.kind) {
    case 'threshold':
      out.push({
        ...blank, kind: 'threshold', unit: c.unit, label: `${c.metric} ${c.operator} level`, level: text(c.level), clearLevel: text(c.clearLevel),
        overrides: c.overrides.map((o) => ({ patientId: o.patientId, label: patientLabel(o.patientId), level: text(o.level), clearLevel: text(o.clearLevel) })),
      });
      break;
    case 'rate-of-change':
      out.push({ ...blank, kind: 'rate-of-change', unit: c.unit, label: `${c.direction} of ${c.metric}`, amount: text(c.amount), clearAmount: text(c.clearAmount), windowHours: text(c.windowMs / HOUR_MS) });
      break;
    case 'window-aggregate':
      out.push({ ...blank, kind: 'window-aggregate', unit: c.unit, label: `${c.aggregate} of ${c.metric} ${c.operator} level`, level: text(c.level), clearLevel: text(c.clearLevel), windowHours: text(c.windowMs / HOUR_MS) });
      break;
    case 'baseline-deviation':
      out.push({
        ...blank, kind: 'baseline-deviation', unit: 'robust SD', label: `${c.direction} of ${c.metric} against baseline`, threshold: text(c.threshold), clearThreshold: text(c.clearThreshold),
        sustainedDays: text(c.sustainedDays), minBaselineDays: text(c.minBaselineDays), cooldownDays: text(c.cooldownDays),
      });
      break;
    case 'cusum':
      out.push({ ...blank, kind: 'cusum', unit: 'robust SD', label: `CUSUM of ${c.metric} (${c.direction})`, k: text(c.k), h: text(c.h), minBaselineDays: text(c.minBaselineDays), cooldownDays: text(c.cooldownDays) });
      break;
    case 'all':
    case 'any':
      c.conditions.forEach((x, i) => editableConditions(x, `${path}.conditions.${i}`, patientLabel, out));
      break;
    default:
      // NEWS2 and missing-data conditions have no level to edit here.
      break;
  }
}

export function toRuleForm(def: RuleDefinition, patientLabel: (patientId: string) => string): RuleForm {
  const conditions: ConditionForm[] = [];
  editableConditions(def.condition, 'condition', patientLabel, conditions);
  return {
    enabled: def.enabled,
    priority: def.priority,
    clinicalGradeOnly: def.clinicalGradeOnly,
    persistenceReadings: String(def.persistence.readings),
    persistenceMinutes: text(def.persistence.forMs / MINUTE_MS),
    escalationMinutes: def.escalateAfterMs === undefined ? '' : text(def.escalateAfterMs / MINUTE_MS),
    conditions,
  };
}

/** A typed number; empty or not a number gives NaN, which parseRule reports as "… must be a number". */
const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s.trim().replace(',', '.')));
const optionalNum = (s: string): number | undefined => (s.trim() === '' ? undefined : num(s));

function toMs(s: string, perUnit: number, path: string, what: string, issues: RuleIssue[]): number {
  const n = num(s);
  if (!Number.isFinite(n)) issues.push({ path, message: `enter ${what} (decimals allowed, e.g. 0.25)` });
  return Math.round(n * perUnit);
}

function nodeAt(def: RuleDefinition, path: string): Condition {
  let node: unknown = def;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as Condition;
}

export type RuleFormResult = { ok: true; rule: RuleDefinition } | { ok: false; issues: RuleIssue[] };

/** Applies the form to a copy of `original` and validates the result with parseRule. */
export function fromRuleForm(original: RuleDefinition, form: RuleForm): RuleFormResult {
  const def = JSON.parse(JSON.stringify(original)) as RuleDefinition;
  const issues: RuleIssue[] = [];
  def.enabled = form.enabled;
  def.priority = form.priority;
  def.clinicalGradeOnly = form.clinicalGradeOnly;
  def.persistence = { readings: num(form.persistenceReadings), forMs: toMs(form.persistenceMinutes, MINUTE_MS, 'persistence.forMs', 'the minutes', issues) };
  if (form.escalationMinutes.trim() === '') delete def.escalateAfterMs;
  else def.escalateAfterMs = toMs(form.escalationMinutes, MINUTE_MS, 'escalateAfterMs', 'the escalation delay in minutes', issues);
  for (const f of form.conditions) {
    const c = nodeAt(def, f.path);
    if (c.kind === 'threshold') {
      c.level = num(f.level);
      setOptional(c, 'clearLevel', optionalNum(f.clearLevel));
      c.overrides = f.overrides.map((o) => {
        const clearLevel = optionalNum(o.clearLevel);
        return { patientId: o.patientId, level: num(o.level), ...(clearLevel === undefined ? {} : { clearLevel }) };
      });
    } else if (c.kind === 'window-aggregate') {
      c.level = num(f.level);
      setOptional(c, 'clearLevel', optionalNum(f.clearLevel));
      c.windowMs = toMs(f.windowHours, HOUR_MS, `${f.path}.windowMs`, 'the window in hours', issues);
    } else if (c.kind === 'rate-of-change') {
      c.amount = num(f.amount);
      setOptional(c, 'clearAmount', optionalNum(f.clearAmount));
      c.windowMs = toMs(f.windowHours, HOUR_MS, `${f.path}.windowMs`, 'the window in hours', issues);
    } else if (c.kind === 'baseline-deviation') {
      c.threshold = num(f.threshold);
      setOptional(c, 'clearThreshold', optionalNum(f.clearThreshold));
      c.sustainedDays = num(f.sustainedDays);
      c.minBaselineDays = num(f.minBaselineDays);
      c.cooldownDays = num(f.cooldownDays);
    } else if (c.kind === 'cusum') {
      c.k = num(f.k);
      c.h = num(f.h);
      c.minBaselineDays = num(f.minBaselineDays);
      c.cooldownDays = num(f.cooldownDays);
    }
  }
  if (issues.length) return { ok: false, issues };
  try {
    return { ok: true, rule: parseRule(def) };
  } catch (err) {
    if (err instanceof RuleValidationError) return { ok: false, issues: err.issues };
    throw err;
  }
}

function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** One line for the table: what kind of condition the rule is. */
export function conditionSummary(c: Condition): string {
  switch (c.kind) {
    case 'threshold':
      return `threshold ${c.metric} ${c.operator} ${c.level} ${c.unit}`;
    case 'rate-of-change':
      return `${c.direction} of ${c.amount} ${c.unit} ${c.metric} in ${durationText(c.windowMs)}`;
    case 'window-aggregate':
      return `${c.aggregate} ${c.metric} over ${durationText(c.windowMs)} ${c.operator} ${c.level} ${c.unit}`;
    case 'missing-data':
      return `no ${c.metrics?.join(', ') ?? 'reading'} for ${durationText(c.forMs)}`;
    case 'news2':
      return `NEWS2 ${c.atLeast}${c.below ? ` (below ${c.below})` : ''}`;
    case 'baseline-deviation':
      return `${c.metric} ${c.direction} ≥ ${c.threshold} robust SD against baseline for ${c.sustainedDays} d`;
    case 'cusum':
      return `CUSUM ${c.metric} ${c.direction} (k ${c.k}, h ${c.h} robust SD)`;
    case 'all':
    case 'any':
      return `${c.kind} of: ${c.conditions.map(conditionSummary).join('; ')}`;
  }
}

export function durationText(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms === 0) return '0';
  const units: [number, string][] = [[86_400_000, 'd'], [HOUR_MS, 'h'], [MINUTE_MS, 'min'], [1000, 's']];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  for (const [size, name] of units) if (ms >= size) return `${Math.round((ms / size) * 100) / 100} ${name}`;
  return `${ms} ms`;
}
