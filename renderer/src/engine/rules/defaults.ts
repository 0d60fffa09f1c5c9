import { baselineDefaultRules } from './baseline-defaults';
import { parseRuleSet, type Condition, type Criterion, type RuleDefinition, type RuleInput } from './rule';

/**
 * The rule library a new clinic starts with. Every rule cites its source; staff may edit,
 * disable or copy them. Persistence and hysteresis are chosen so a single artefact (a cuff
 * that slipped, an oximeter on a moving finger) does not page anyone, while a hypertensive
 * crisis or a level 2 hypoglycaemia alerts on the first reading.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Hypercapnic respiratory failure: the patients NEWS2 scores on SpO2 scale 2. */
export const HYPERCAPNIC: Criterion[] = [
  // 'hypercapni' matches both "hypercapnic respiratory failure" and "respiratory failure with hypercapnia"
  { kind: 'condition', value: 'hypercapni' },
  // ICD-10-CM respiratory failure "with hypercapnia": acute, chronic, acute on chronic, unspecified
  { kind: 'condition', value: 'J96.02' },
  { kind: 'condition', value: 'J96.12' },
  { kind: 'condition', value: 'J96.22' },
  { kind: 'condition', value: 'J96.92' },
  { kind: 'tag', value: 'news2-scale-2' },
];

const HEART_FAILURE: Criterion[] = [
  { kind: 'condition', value: 'heart failure' },
  { kind: 'condition', value: 'I50' },
  { kind: 'tag', value: 'heart-failure' },
  { kind: 'program', value: 'heart-failure' },
];

const ACC_AHA_2017 =
  'Whelton PK et al. 2017 ACC/AHA/AAPA/ABC/ACPM/AGS/APhA/ASH/ASPC/NMA/PCNA Guideline for the Prevention, Detection, Evaluation, and Management of High Blood Pressure in Adults. Hypertension 2018;71:e13–e115';
const ADA_HYPO =
  'American Diabetes Association. Standards of Care in Diabetes—2024, section 6 Glycemic Goals and Hypoglycemia (classification of hypoglycemia: level 1 < 70 mg/dL and ≥ 54 mg/dL; level 2 < 54 mg/dL). Diabetes Care 2024;47(Suppl 1):S111–S125';
const NEWS2_RCP =
  'Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the assessment of acute-illness severity in the NHS. London: RCP, 2017 (Chart 1 and Chart 2)';

/** Home readings use the home-monitoring equivalents of ACC/AHA 2017 Table 11 (135/85 at home corresponds to 140/90 in the office). */
const meanBp = (metric: 'blood-pressure-systolic' | 'blood-pressure-diastolic', operator: '>=' | '<', level: number, clearLevel?: number): Condition => ({
  kind: 'window-aggregate',
  metric,
  unit: 'mm[Hg]',
  aggregate: 'mean',
  windowMs: 7 * DAY,
  operator,
  level,
  ...(clearLevel !== undefined ? { clearLevel } : {}),
  minCount: 4,
});

const threshold = (
  metric: Extract<Condition, { kind: 'threshold' }>['metric'],
  unit: string,
  operator: '>' | '>=' | '<' | '<=',
  level: number,
  clearLevel?: number,
  freshForMs?: number,
): Condition => ({
  kind: 'threshold',
  metric,
  unit,
  operator,
  level,
  ...(clearLevel !== undefined ? { clearLevel } : {}),
  ...(freshForMs !== undefined ? { freshForMs } : {}),
  overrides: [],
});

const DEFAULTS: RuleInput[] = [
  {
    id: 'bp-hypertensive-crisis',
    name: 'Hypertensive crisis',
    description: 'Systolic above 180 mmHg and/or diastolic above 120 mmHg. Alerts on the first reading; clears once below 170/110.',
    source: `${ACC_AHA_2017}, section 11.2 (hypertensive crises: SBP > 180 and/or DBP > 120 mm Hg)`,
    priority: 'high',
    persistence: { readings: 1, forMs: 0 },
    escalateAfterMs: 15 * MIN,
    condition: {
      kind: 'any',
      conditions: [
        threshold('blood-pressure-systolic', 'mm[Hg]', '>', 180, 170, 10 * MIN),
        threshold('blood-pressure-diastolic', 'mm[Hg]', '>', 120, 110, 10 * MIN),
      ],
    },
  },
  {
    id: 'bp-stage-2',
    name: 'Hypertension stage 2 (home readings)',
    description: '7-day mean of home readings at or above 135 systolic or 85 diastolic (at least 4 readings); clears 3 mmHg below.',
    source: `${ACC_AHA_2017}, Table 6 (stage 2: ≥ 140 or ≥ 90) and Table 11 (home equivalent 135/85)`,
    priority: 'medium',
    escalateAfterMs: 24 * HOUR,
    condition: {
      kind: 'any',
      conditions: [meanBp('blood-pressure-systolic', '>=', 135, 132), meanBp('blood-pressure-diastolic', '>=', 85, 82)],
    },
  },
  {
    id: 'bp-stage-1',
    name: 'Hypertension stage 1 (home readings)',
    description: '7-day mean of home readings 130–134 systolic or 80–84 diastolic (at least 4 readings), below stage 2.',
    source: `${ACC_AHA_2017}, Table 6 (stage 1: 130–139 or 80–89) and Table 11 (home equivalent 130/80)`,
    priority: 'low',
    condition: {
      kind: 'all',
      conditions: [
        { kind: 'any', conditions: [meanBp('blood-pressure-systolic', '>=', 130, 127), meanBp('blood-pressure-diastolic', '>=', 80, 77)] },
        meanBp('blood-pressure-systolic', '<', 135),
        meanBp('blood-pressure-diastolic', '<', 85),
      ],
    },
  },
  {
    id: 'bp-elevated',
    name: 'Elevated blood pressure (home readings)',
    description: '7-day mean of home readings 120–129 systolic with diastolic below 80 (at least 4 readings).',
    source: `${ACC_AHA_2017}, Table 6 (elevated: 120–129 and < 80) and Table 11 (home equivalent 120/80)`,
    priority: 'low',
    condition: {
      kind: 'all',
      conditions: [meanBp('blood-pressure-systolic', '>=', 120, 117), meanBp('blood-pressure-systolic', '<', 130), meanBp('blood-pressure-diastolic', '<', 80)],
    },
  },
  {
    id: 'hypoglycaemia-level-2',
    name: 'Hypoglycaemia level 2',
    description: 'Glucose below 54 mg/dL (3.0 mmol/L). Alerts on the first reading; clears at 70 mg/dL or above.',
    source: ADA_HYPO,
    priority: 'high',
    persistence: { readings: 1, forMs: 0 },
    escalateAfterMs: 15 * MIN,
    condition: threshold('glucose', 'mg/dL', '<', 54, 70),
  },
  {
    id: 'hypoglycaemia-level-1',
    name: 'Hypoglycaemia level 1',
    description: 'Glucose below 70 mg/dL and at least 54 mg/dL on two consecutive readings at least 15 minutes apart; clears at 75 mg/dL or above.',
    source: `${ADA_HYPO}; 15-minute event duration from Battelino T et al. Continuous glucose monitoring and metrics for clinical trials: an international consensus statement. Lancet Diabetes Endocrinol 2023;11:42–57`,
    priority: 'medium',
    persistence: { readings: 2, forMs: 15 * MIN },
    escalateAfterMs: 2 * HOUR,
    condition: { kind: 'all', conditions: [threshold('glucose', 'mg/dL', '<', 70, 75), threshold('glucose', 'mg/dL', '>=', 54)] },
  },
  {
    id: 'hyperglycaemia',
    name: 'Hyperglycaemia',
    description: 'Glucose above 250 mg/dL (13.9 mmol/L) on two consecutive readings at least 15 minutes apart; clears at 230 mg/dL or below.',
    source:
      'Battelino T et al. Clinical Targets for Continuous Glucose Monitoring Data Interpretation: Recommendations From the International Consensus on Time in Range. Diabetes Care 2019;42:1593–1603 (level 2 hyperglycaemia > 250 mg/dL)',
    priority: 'medium',
    persistence: { readings: 2, forMs: 15 * MIN },
    escalateAfterMs: 4 * HOUR,
    condition: threshold('glucose', 'mg/dL', '>', 250, 230),
  },
  {
    id: 'tachycardia-at-rest',
    name: 'Tachycardia',
    description: 'Heart or pulse rate above 100/min on three consecutive readings over at least 10 minutes; clears at 95/min or below.',
    source:
      'Page RL et al. 2015 ACC/AHA/HRS Guideline for the Management of Adult Patients With Supraventricular Tachycardia. Circulation 2016;133:e506–e574 (tachycardia: rate > 100/min)',
    priority: 'medium',
    persistence: { readings: 3, forMs: 10 * MIN },
    escalateAfterMs: 2 * HOUR,
    condition: {
      kind: 'any',
      conditions: [threshold('heart-rate', '/min', '>', 100, 95, 15 * MIN), threshold('pulse-rate', '/min', '>', 100, 95, 15 * MIN)],
    },
  },
  {
    id: 'bradycardia-at-rest',
    name: 'Bradycardia',
    description: 'Heart or pulse rate below 50/min on three consecutive readings over at least 10 minutes; clears at 55/min or above.',
    source:
      'Kusumoto FM et al. 2018 ACC/AHA/HRS Guideline on the Evaluation and Management of Patients With Bradycardia and Cardiac Conduction Delay. Circulation 2019;140:e382–e482 (sinus bradycardia: rate < 50/min)',
    priority: 'low',
    persistence: { readings: 3, forMs: 10 * MIN },
    condition: {
      kind: 'any',
      conditions: [threshold('heart-rate', '/min', '<', 50, 55, 15 * MIN), threshold('pulse-rate', '/min', '<', 50, 55, 15 * MIN)],
    },
  },
  {
    id: 'spo2-low-scale-1',
    name: 'Low oxygen saturation (NEWS2 scale 1: 91 % or less)',
    description: 'SpO2 at or below 91 % (NEWS2 scale 1 scores 3) on two readings at least 5 minutes apart; clears at 94 % or above. Not for patients on scale 2.',
    source: `${NEWS2_RCP}; SpO2 scale 1: ≤ 91 scores 3`,
    priority: 'high',
    persistence: { readings: 2, forMs: 5 * MIN },
    escalateAfterMs: 15 * MIN,
    appliesTo: { patients: 'all', except: HYPERCAPNIC },
    condition: threshold('spo2', '%', '<=', 91, 93),
  },
  {
    id: 'spo2-reduced-scale-1',
    name: 'Reduced oxygen saturation (NEWS2 scale 1: 92–93 %)',
    description: 'SpO2 92–93 % (NEWS2 scale 1 scores 2) on two readings at least 5 minutes apart; clears at 96 % or above. Not for patients on scale 2.',
    source: `${NEWS2_RCP}; SpO2 scale 1: 92–93 scores 2`,
    priority: 'medium',
    persistence: { readings: 2, forMs: 5 * MIN },
    escalateAfterMs: 2 * HOUR,
    appliesTo: { patients: 'all', except: HYPERCAPNIC },
    condition: { kind: 'all', conditions: [threshold('spo2', '%', '<=', 93, 95), threshold('spo2', '%', '>=', 92)] },
  },
  {
    id: 'spo2-low-scale-2',
    name: 'Low oxygen saturation (NEWS2 scale 2: 83 % or less)',
    description: 'For hypercapnic respiratory failure (target 88–92 %): SpO2 at or below 83 % (scale 2 scores 3) on two readings at least 5 minutes apart; clears at 86 % or above.',
    source: `${NEWS2_RCP}; SpO2 scale 2: ≤ 83 scores 3`,
    priority: 'high',
    persistence: { readings: 2, forMs: 5 * MIN },
    escalateAfterMs: 15 * MIN,
    appliesTo: { patients: HYPERCAPNIC, except: [] },
    condition: threshold('spo2', '%', '<=', 83, 85),
  },
  {
    id: 'spo2-reduced-scale-2',
    name: 'Reduced oxygen saturation (NEWS2 scale 2: 84–85 %)',
    description: 'For hypercapnic respiratory failure: SpO2 84–85 % (scale 2 scores 2) on two readings at least 5 minutes apart; clears at 88 % or above.',
    source: `${NEWS2_RCP}; SpO2 scale 2: 84–85 scores 2`,
    priority: 'medium',
    persistence: { readings: 2, forMs: 5 * MIN },
    escalateAfterMs: 2 * HOUR,
    appliesTo: { patients: HYPERCAPNIC, except: [] },
    condition: { kind: 'all', conditions: [threshold('spo2', '%', '<=', 85, 87), threshold('spo2', '%', '>=', 84)] },
  },
  {
    id: 'fever',
    name: 'Fever',
    description: 'Body temperature 38.0 °C or above on two consecutive readings; clears below 37.5 °C.',
    source: `Conventional adult fever threshold of 38.0 °C (e.g. CDC/NHSN surveillance definitions); ${NEWS2_RCP} scores 38.1–39.0 °C as 1 and ≥ 39.1 °C as 2`,
    priority: 'medium',
    persistence: { readings: 2, forMs: 0 },
    escalateAfterMs: 4 * HOUR,
    condition: threshold('body-temperature', 'Cel', '>=', 38.0, 37.5),
  },
  {
    id: 'hf-rapid-weight-gain',
    name: 'Rapid weight gain in heart failure',
    description: 'Weight up 2 kg or more within 3 days (from the lowest weight in that time) in a patient with heart failure; clears when the gain is under 1 kg.',
    source:
      'Ponikowski P et al. 2016 ESC Guidelines for the diagnosis and treatment of acute and chronic heart failure. Eur Heart J 2016;37:2129–2200, Table 17.1 (self-care: weight gain > 2 kg in 3 days); McDonagh TA et al. 2021 ESC Guidelines, Eur Heart J 2021;42:3599–3726',
    priority: 'medium',
    escalateAfterMs: 4 * HOUR,
    appliesTo: { patients: HEART_FAILURE, except: [] },
    condition: { kind: 'rate-of-change', metric: 'body-weight', unit: 'kg', direction: 'rise', amount: 2, clearAmount: 1, windowMs: 3 * DAY },
  },
  {
    id: 'no-readings-3-days',
    name: 'No readings for 3 days',
    description: 'No reading of any kind for 3 days from a patient being monitored at home; clears with the next reading.',
    source: 'CareLoop remote-monitoring practice: adherence check (issue #6, "no readings for 3 days")',
    priority: 'low',
    condition: { kind: 'missing-data', forMs: 3 * DAY },
  },
  {
    id: 'news2-high',
    name: 'NEWS2 high (7 or more)',
    description: 'NEWS2 aggregate of 7 or more from vitals taken within one hour of each other. Emergency response threshold.',
    source: `${NEWS2_RCP}; Chart 2: aggregate ≥ 7 is high clinical risk`,
    priority: 'high',
    escalateAfterMs: 15 * MIN,
    condition: { kind: 'news2', atLeast: 'high', freshForMs: HOUR, scale2For: HYPERCAPNIC, assumeAlert: true },
  },
  {
    id: 'news2-medium',
    name: 'NEWS2 medium or a single red score',
    description: 'NEWS2 aggregate 5–6, or a single parameter scoring 3, from vitals taken within one hour of each other. Hands over to NEWS2 high at 7 or more.',
    source: `${NEWS2_RCP}; Chart 2: aggregate 5–6 medium, a single score of 3 low–medium (urgent response)`,
    priority: 'medium',
    escalateAfterMs: HOUR,
    condition: { kind: 'news2', atLeast: 'low-medium', below: 'high', freshForMs: HOUR, scale2For: HYPERCAPNIC, assumeAlert: true },
  },
];

/** The default rule set, validated (throws at start-up if a default were ever malformed). */
export function defaultRules(): RuleDefinition[] {
  return parseRuleSet([...DEFAULTS, ...baselineDefaultRules()]);
}
