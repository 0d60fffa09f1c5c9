import { BASELINE_SPECS } from '../../engine/baselines/metrics';
import { MAD_TO_SD } from '../../engine/baselines/robust';
import {
  BASELINE_METRICS, parseRule, RuleValidationError,
  type BaselineDeviationCondition, type BaselineMetric, type Criterion, type CusumCondition, type Priority, type RuleDefinition, type RuleIssue,
} from '../../engine/rules/rule';

/**
 * The Rules screen's form for the daily personal-baseline kinds (issue 11): a sustained deviation
 * from the patient's own baseline, or a CUSUM drift detector. Staff create them and edit every
 * parameter, including the metric, direction and the care programs the rule applies to; the form
 * becomes a RuleDefinition that parseRule has validated (rules are data), and reads back in words.
 *
 * Thresholds are in robust SDs (1.4826 × MAD of the 28-day baseline), as the engine judges them;
 * the preview also gives them in MADs.
 */

export type DailyKind = 'baseline-deviation' | 'cusum';

export interface DailyRuleForm {
  name: string;
  /** Empty: the preview sentence is stored as the description. */
  description: string;
  kind: DailyKind;
  metric: BaselineMetric | '';
  direction: 'rise' | 'fall';
  priority: Priority;
  enabled: boolean;
  threshold: string;
  clearThreshold: string;
  sustainedDays: string;
  k: string;
  h: string;
  minBaselineDays: string;
  cooldownDays: string;
  /** Keys of the care programs the rule applies to; none selected: every patient. */
  programs: string[];
}

/** The form's field names; parseRule's issue paths are mapped onto them. */
export type DailyField = 'name' | 'description' | 'kind' | 'metric' | 'direction' | 'priority' | 'threshold' | 'clearThreshold' | 'sustainedDays' | 'k' | 'h' | 'minBaselineDays' | 'cooldownDays' | 'programs';

export const DAILY_KIND_LABELS: Readonly<Record<DailyKind, string>> = {
  'baseline-deviation': 'Sustained deviation from the personal baseline',
  cusum: 'Slow drift (CUSUM) against the personal baseline',
};

/** Metrics a rule can be made for now: sleep duration has no reading kind yet. */
export const FORM_METRICS: readonly BaselineMetric[] = BASELINE_METRICS.filter((m) => BASELINE_SPECS[m].source !== null);

export const SOURCES: Readonly<Record<DailyKind, string>> = {
  'baseline-deviation':
    'Personal baseline: median and MAD of the previous 28 days (robust SD = 1.4826 × MAD). Mishra T et al. Nat Biomed Eng 2020;4:1208–1220; Quer G et al. Nat Med 2021;27:73–77.',
  cusum: 'Page ES. Continuous inspection schemes. Biometrika 1954;41:100–115; on the daily robust deviation from the personal baseline.',
};

export function blankDailyRuleForm(kind: DailyKind = 'baseline-deviation'): DailyRuleForm {
  return {
    name: '', description: '', kind, metric: '', direction: 'rise', priority: 'medium', enabled: true,
    threshold: '2', clearThreshold: '', sustainedDays: '3', k: '0.5', h: '5', minBaselineDays: '14', cooldownDays: '7', programs: [],
  };
}

const text = (n: number | undefined) => (n === undefined ? '' : String(Math.round(n * 1e6) / 1e6));

/** A rule this form can edit: one daily condition (a combination stays with the general editor). */
export function isSingleDailyRule(def: RuleDefinition): def is RuleDefinition & { condition: BaselineDeviationCondition | CusumCondition } {
  return def.condition.kind === 'baseline-deviation' || def.condition.kind === 'cusum';
}

/** The rule as the form; a description that is the rule's own preview is left empty so it follows the edits. */
export function dailyRuleToForm(def: RuleDefinition, programName: (key: string) => string = (k) => k): DailyRuleForm | undefined {
  if (!isSingleDailyRule(def)) return undefined;
  const c = def.condition;
  const programs = def.appliesTo.patients === 'all' ? [] : def.appliesTo.patients.filter((x) => x.kind === 'program').map((x) => x.value);
  const form: DailyRuleForm = {
    ...blankDailyRuleForm(c.kind),
    name: def.name,
    description: def.description,
    metric: c.metric,
    direction: c.direction,
    priority: def.priority,
    enabled: def.enabled,
    minBaselineDays: text(c.minBaselineDays),
    cooldownDays: text(c.cooldownDays),
    programs,
    ...(c.kind === 'baseline-deviation'
      ? { threshold: text(c.threshold), clearThreshold: text(c.clearThreshold), sustainedDays: text(c.sustainedDays) }
      : { k: text(c.k), h: text(c.h) }),
  };
  if (form.description === dailyRulePreview(form, programName, def)) form.description = '';
  return form;
}

/** A typed number; empty or not a number gives NaN, which parseRule reports as "… must be a number". */
const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s.trim().replace(',', '.')));

function conditionOf(form: DailyRuleForm): Record<string, unknown> {
  const common = { kind: form.kind, metric: form.metric, direction: form.direction, minBaselineDays: num(form.minBaselineDays), cooldownDays: num(form.cooldownDays) };
  if (form.kind === 'cusum') return { ...common, k: num(form.k), h: num(form.h) };
  return { ...common, threshold: num(form.threshold), sustainedDays: num(form.sustainedDays), ...(form.clearThreshold.trim() === '' ? {} : { clearThreshold: num(form.clearThreshold) }) };
}

/**
 * Who the rule applies to: the programs chosen, plus the original rule's other criteria (a
 * heart-failure condition, say), which this form does not edit and keeps. Any criterion matches.
 */
function appliesToOf(form: DailyRuleForm, original: RuleDefinition | undefined): RuleDefinition['appliesTo'] {
  const kept: Criterion[] = original && original.appliesTo.patients !== 'all' ? original.appliesTo.patients.filter((c) => c.kind !== 'program') : [];
  const programs: Criterion[] = [...new Set(form.programs)].map((value) => ({ kind: 'program', value }));
  const criteria = [...kept, ...programs];
  return { patients: criteria.length ? criteria : 'all', except: original?.appliesTo.except ?? [] };
}

/** Maps a parseRule issue path onto the form field that shows it ('condition.k' → 'k'). */
function fieldOf(path: string): string {
  const last = path.replace(/^condition\./, '').replace(/^appliesTo\..*$/, 'programs');
  return last === 'condition' ? 'kind' : last;
}

export type DailyRuleResult = { ok: true; rule: RuleDefinition } | { ok: false; issues: RuleIssue[] };

/**
 * The form as a validated rule. A new rule gets `newRuleId()` and version 1; an edited one keeps
 * its id, version (the engine bumps it and refuses a stale one), source, persistence and escalation.
 * Issue paths are the form's field names.
 */
export function fromDailyRuleForm(form: DailyRuleForm, original: RuleDefinition | undefined, newRuleId: () => string, programName: (key: string) => string = (k) => k): DailyRuleResult {
  const description = form.description.trim() || dailyRulePreview(form, programName, original) || DAILY_KIND_LABELS[form.kind];
  const rule = {
    ...(original ? JSON.parse(JSON.stringify(original)) as RuleDefinition : {}),
    id: original?.id ?? newRuleId(),
    name: form.name,
    description,
    source: original?.source ?? SOURCES[form.kind],
    priority: form.priority,
    enabled: form.enabled,
    appliesTo: appliesToOf(form, original),
    condition: conditionOf(form),
  };
  try {
    return { ok: true, rule: parseRule(rule) };
  } catch (err) {
    if (!(err instanceof RuleValidationError)) throw err;
    const issues: RuleIssue[] = err.issues.map((i) => ({ path: fieldOf(i.path), message: i.message }));
    // an unchosen metric reads better as an instruction than as the list of every metric
    return { ok: false, issues: issues.map((i) => (i.path === 'metric' && form.metric === '' ? { path: 'metric', message: 'choose the metric the rule watches' } : i)) };
  }
}

// ---- the rule in words ---------------------------------------------------------------------

const round = (x: number) => String(Math.round(x * 100) / 100);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function audience(form: DailyRuleForm, programName: (key: string) => string, original: RuleDefinition | undefined): string {
  const kept = original && original.appliesTo.patients !== 'all' ? original.appliesTo.patients.filter((c) => c.kind !== 'program') : [];
  const parts = [
    ...kept.map((c) => (c.kind === 'condition' ? `with a condition matching “${c.value}”` : `tagged “${c.value}”`)),
    ...(form.programs.length ? [`in the ${form.programs.map(programName).join(' or ')} program${form.programs.length > 1 ? 's' : ''}`] : []),
  ];
  return parts.length ? `patients ${parts.join(' or ')}` : 'every patient';
}

/**
 * What the rule means, in one paragraph a clinician reads before saving; undefined while a number
 * it needs is not yet a number.
 */
export function dailyRulePreview(form: DailyRuleForm, programName: (key: string) => string = (k) => k, original?: RuleDefinition): string | undefined {
  if (form.metric === '') return undefined;
  const spec = BASELINE_SPECS[form.metric];
  const what = spec.label.toLowerCase().replace(/^hrv/, 'HRV').replace(/^spo2/, 'SpO2');
  const minDays = num(form.minBaselineDays);
  const cooldown = num(form.cooldownDays);
  if (!Number.isFinite(minDays) || !Number.isFinite(cooldown)) return undefined;
  const word = form.direction === 'rise' ? 'above' : 'below';
  let body: string;
  if (form.kind === 'baseline-deviation') {
    const t = num(form.threshold);
    const days = num(form.sustainedDays);
    if (!Number.isFinite(t) || !Number.isFinite(days)) return undefined;
    const clear = form.clearThreshold.trim() === '' ? t / 2 : num(form.clearThreshold);
    body =
      `Raises a ${form.priority}-priority alert when the patient's daily ${what} is at least ${round(t)} robust SDs (${round(t * MAD_TO_SD)} MADs) ${word} ` +
      `their own baseline (the median of the previous 28 days) on ${plural(days, 'day')} with data in a row. ` +
      (Number.isFinite(clear) ? `It clears once a day is back within ${round(clear)} robust SDs. ` : '');
  } else {
    const k = num(form.k);
    const h = num(form.h);
    if (!Number.isFinite(k) || !Number.isFinite(h)) return undefined;
    body =
      `Adds up, day by day, how far the patient's daily ${what} is ${word} their own baseline beyond an allowance of ${round(k)} robust SDs (${round(k * MAD_TO_SD)} MADs), ` +
      `and raises a ${form.priority}-priority alert when the running sum passes ${round(h)} robust SDs (${round(h * MAD_TO_SD)} MADs): a slow drift is found as well as a jump. The sum restarts after an alert. `;
  }
  return (
    body +
    `Nothing is judged until the baseline has ${plural(minDays, 'day')} with enough data among the last 28; ` +
    `after an alert opens, ${cooldown === 0 ? 'a new one may open at once' : `no new one opens for ${plural(cooldown, 'day')}`}. ` +
    `Applies to ${audience(form, programName, original)}.`
  );
}
