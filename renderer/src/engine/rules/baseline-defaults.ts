import { parseRuleSet, type Criterion, type RuleDefinition, type RuleInput } from './rule';

/**
 * The baseline (early-warning) rules a clinic starts with, kept apart from the reading
 * rules of rules/defaults.ts. Rules that need data most patients have (wearable heart rate
 * and HRV, weight for heart failure) are on; rules on data few patients send are off until
 * a program turns them on.
 */

const DAY = 86_400_000;

const HEART_FAILURE: Criterion[] = [
  { kind: 'condition', value: 'heart failure' },
  { kind: 'condition', value: 'I50' },
  { kind: 'tag', value: 'heart-failure' },
  { kind: 'program', value: 'heart-failure' },
];

const WEARABLE_INFECTION =
  'Mishra T et al. Pre-symptomatic detection of COVID-19 from smartwatch data. Nat Biomed Eng 2020;4:1208–1220 (resting heart rate above the personal baseline days before symptoms); Quer G et al. Wearable sensor data and self-reported symptoms for COVID-19 detection. Nat Med 2021;27:73–77 (resting heart rate, sleep and activity against the personal baseline)';
const HF_WEIGHT =
  'McDonagh TA et al. 2021 ESC Guidelines for heart failure, Eur Heart J 2021;42:3599–3726 (self-care: weight gain > 2 kg in 3 days); Chaudhry SI et al. Patterns of weight change preceding hospitalization for heart failure. Circulation 2007;116:1549–1554 (weight rises over the week before admission)';
const CUSUM = 'Page ES. Continuous inspection schemes. Biometrika 1954;41:100–115; Montgomery DC. Introduction to Statistical Quality Control, ch. 9 (tabular CUSUM)';

const DEFAULTS: RuleInput[] = [
  {
    id: 'baseline-resting-hr-up-hrv-down',
    name: 'Resting heart rate up and HRV down against baseline',
    description:
      'Resting heart rate at least 2 robust SDs above and HRV (RMSSD) at least 1 robust SD below the patient’s own 28-day baseline, both for 2 days in a row: the pattern that preceded respiratory infections in wearable studies. Needs 14 days of baseline; one alert per episode; a new episode no sooner than 7 days after the last.',
    source: WEARABLE_INFECTION,
    priority: 'medium',
    enabled: true,
    condition: {
      kind: 'all',
      conditions: [
        { kind: 'baseline-deviation', metric: 'resting-heart-rate', direction: 'rise', threshold: 2, sustainedDays: 2, minBaselineDays: 14, cooldownDays: 7 },
        { kind: 'baseline-deviation', metric: 'hrv-rmssd', direction: 'fall', threshold: 1, sustainedDays: 2, minBaselineDays: 14, cooldownDays: 7 },
      ],
    },
  },
  {
    id: 'baseline-hf-weight-drift',
    name: 'Weight drifting up in heart failure (CUSUM)',
    description:
      'A cumulative sum of daily weight above the patient’s 28-day baseline (k = 1, h = 6 robust SDs) finds a slow gain that no 3-day or 7-day threshold catches, as well as a jump. Heart-failure patients; one alert per episode; 7 days cooldown.',
    source: `${HF_WEIGHT}; ${CUSUM}`,
    priority: 'medium',
    enabled: true,
    appliesTo: { patients: HEART_FAILURE, except: [] },
    // k = 1, h = 6 rather than the textbook k = 0.5, h = 5: judged against a 28-day rolling
    // baseline (whose own estimation error adds to the noise) the textbook pair gave about one
    // false alert per patient-year on quiet synthetic weights; this one gives under 0.1 and
    // still finds +0.1 kg/day in about 8 days and a 2 kg jump in 1 (docs/BENCHMARKS.md).
    condition: { kind: 'cusum', metric: 'body-weight', direction: 'rise', k: 1, h: 6, minBaselineDays: 14, cooldownDays: 7 },
  },
  {
    id: 'hf-weight-gain-7-days',
    name: 'Weight gain over a week in heart failure',
    description: 'Weight up 2.5 kg or more within 7 days (from the lowest weight in that time) in a patient with heart failure; clears when the gain is under 1.5 kg.',
    source: HF_WEIGHT,
    priority: 'medium',
    enabled: true,
    escalateAfterMs: DAY,
    appliesTo: { patients: HEART_FAILURE, except: [] },
    condition: { kind: 'rate-of-change', metric: 'body-weight', unit: 'kg', direction: 'rise', amount: 2.5, clearAmount: 1.5, windowMs: 7 * DAY },
  },
  {
    id: 'baseline-activity-fall',
    name: 'Daily steps fallen against baseline',
    description: 'Daily steps at least 2 robust SDs below the patient’s 28-day baseline for 3 complete days in a row. Off by default: turn on for programs that track activity.',
    source: WEARABLE_INFECTION,
    priority: 'low',
    enabled: false,
    condition: { kind: 'baseline-deviation', metric: 'steps', direction: 'fall', threshold: 2, sustainedDays: 3, minBaselineDays: 14, cooldownDays: 14 },
  },
  {
    id: 'baseline-sleep-fall',
    name: 'Sleep duration fallen against baseline',
    description: 'Sleep at least 2 robust SDs below the patient’s 28-day baseline for 3 nights in a row (nights from wearables’ exports, counted for the day they end). Off by default: turn on for programs that track sleep.',
    source: WEARABLE_INFECTION,
    priority: 'low',
    enabled: false,
    condition: { kind: 'baseline-deviation', metric: 'sleep-duration', direction: 'fall', threshold: 2, sustainedDays: 3, minBaselineDays: 14, cooldownDays: 14 },
  },
];

/** The baseline rule set, validated. */
export function baselineDefaultRules(): RuleDefinition[] {
  return parseRuleSet(DEFAULTS);
}
