/**
 * CHA2DS2-VASc stroke risk score in atrial fibrillation, from the patient record.
 *
 * Lip GYH, Nieuwlaat R, Pisters R, Lane DA, Crijns HJGM. Refining clinical risk stratification for
 * predicting stroke and thromboembolism in atrial fibrillation using a novel risk factor-based
 * approach: the Euro Heart Survey on Atrial Fibrillation. Chest 2010;137:263–272.
 * C congestive heart failure / LV dysfunction 1, H hypertension 1, A2 age ≥ 75 2, D diabetes 1,
 * S2 prior stroke / TIA / thromboembolism 2, V vascular disease (prior MI, PAD, aortic plaque) 1,
 * A age 65–74 1, Sc sex category female 1; maximum 9.
 */
import { RiskInputError } from './risk-input';

export interface Cha2ds2VascFacts {
  age: number;
  sex: 'female' | 'male';
  congestiveHeartFailure: boolean;
  hypertension: boolean;
  diabetes: boolean;
  strokeTiaOrThromboembolism: boolean;
  vascularDisease: boolean;
}

export interface Cha2ds2VascPoints {
  congestiveHeartFailure: 0 | 1;
  hypertension: 0 | 1;
  age: 0 | 1 | 2;
  diabetes: 0 | 1;
  strokeTiaOrThromboembolism: 0 | 2;
  vascularDisease: 0 | 1;
  sexCategory: 0 | 1;
}

export interface Cha2ds2VascResult {
  score: number;
  points: Cha2ds2VascPoints;
}

export function scoreCha2ds2Vasc(facts: Cha2ds2VascFacts): Cha2ds2VascResult {
  if (!Number.isFinite(facts.age) || facts.age < 0 || facts.age > 130) {
    throw new RiskInputError('out-of-range', ['age'], `age ${facts.age} is outside 0–130 years`);
  }
  const points: Cha2ds2VascPoints = {
    congestiveHeartFailure: facts.congestiveHeartFailure ? 1 : 0,
    hypertension: facts.hypertension ? 1 : 0,
    age: facts.age >= 75 ? 2 : facts.age >= 65 ? 1 : 0,
    diabetes: facts.diabetes ? 1 : 0,
    strokeTiaOrThromboembolism: facts.strokeTiaOrThromboembolism ? 2 : 0,
    vascularDisease: facts.vascularDisease ? 1 : 0,
    sexCategory: facts.sex === 'female' ? 1 : 0,
  };
  const score = Object.values(points).reduce<number>((sum, p) => sum + p, 0);
  return { score, points };
}

/** A condition as the patient record keeps it: display text and, where known, an ICD-10 code. */
export interface RecordCondition {
  display: string;
  code?: string | undefined;
}

export interface Cha2ds2VascRecord {
  age: number;
  sex: 'female' | 'male' | 'other' | 'unknown';
  conditions: readonly RecordCondition[];
}

type ConditionItem = Exclude<keyof Cha2ds2VascFacts, 'age' | 'sex'>;

interface ConditionMatcher {
  /** ICD-10 code prefixes. */
  codes: readonly string[];
  /** Display text patterns, tested case-insensitively. */
  display: readonly RegExp[];
  /** Display text that looks similar but is not the item (prediabetes is not diabetes). */
  not?: readonly RegExp[];
}

/**
 * Which recorded conditions count for each item. Codes are ICD-10; haemorrhagic stroke and venous
 * thromboembolism (pulmonary embolism, DVT) are not counted, following the score's definition of
 * ischaemic stroke, TIA and systemic (arterial) thromboembolism.
 */
const MATCHERS: Readonly<Record<ConditionItem, ConditionMatcher>> = {
  congestiveHeartFailure: {
    codes: ['I50', 'I11.0', 'I13.0', 'I13.2', 'I42'],
    display: [/heart failure/, /cardiomyopathy/, /(left )?ventricular (systolic )?dysfunction/],
  },
  hypertension: {
    codes: ['I10', 'I11', 'I12', 'I13', 'I15', 'I16'],
    display: [/hypertension/, /\bhtn\b/],
    not: [/pulmonary hypertension/, /intracranial hypertension/, /ocular hypertension/],
  },
  diabetes: {
    codes: ['E10', 'E11', 'E13', 'E14'],
    display: [/diabetes/, /\bt[12]dm?\b/],
    not: [/prediabetes/, /pre-diabetes/, /insipidus/, /gestational/],
  },
  strokeTiaOrThromboembolism: {
    codes: ['I63', 'I64', 'I69.3', 'G45', 'I74', 'Z86.73'],
    display: [/\bstroke\b/, /cerebral infarct/, /transient isch/, /\btia\b/, /arterial (thrombo)?embolism/, /systemic embolism/],
    not: [/ha?emorrhagic stroke/, /heat stroke/],
  },
  vascularDisease: {
    codes: ['I21', 'I22', 'I25.2', 'I70', 'I73.9'],
    display: [/myocardial infarction/, /\bmi\b/, /peripheral arter/, /\bpad\b/, /aortic plaque/, /peripheral vascular disease/],
  },
};

function matches(condition: RecordCondition, m: ConditionMatcher): boolean {
  const code = condition.code?.trim().toUpperCase();
  if (code !== undefined && code !== '' && m.codes.some((prefix) => code.startsWith(prefix))) return true;
  const text = condition.display.trim().toLowerCase();
  if (m.not?.some((re) => re.test(text))) return false;
  return m.display.some((re) => re.test(text));
}

export interface Cha2ds2VascFromRecord extends Cha2ds2VascResult {
  /** For each item that scored from a condition, the recorded conditions behind it. */
  evidence: Partial<Record<ConditionItem, string[]>>;
}

/**
 * Scores from the record. The sex category cannot be guessed: a record with sex other or unknown
 * gets a RiskInputError naming `sex` rather than a score that may be one point off.
 */
export function cha2ds2VascFromRecord(record: Cha2ds2VascRecord): Cha2ds2VascFromRecord {
  if (record.sex !== 'female' && record.sex !== 'male') {
    throw new RiskInputError('missing', ['sex'], 'CHA2DS2-VASc needs the sex category (female or male); the record has ' + record.sex);
  }
  const evidence: Partial<Record<ConditionItem, string[]>> = {};
  const found = (item: ConditionItem): boolean => {
    const hits = record.conditions.filter((c) => matches(c, MATCHERS[item])).map((c) => c.display);
    if (hits.length > 0) evidence[item] = hits;
    return hits.length > 0;
  };
  const result = scoreCha2ds2Vasc({
    age: record.age,
    sex: record.sex,
    congestiveHeartFailure: found('congestiveHeartFailure'),
    hypertension: found('hypertension'),
    diabetes: found('diabetes'),
    strokeTiaOrThromboembolism: found('strokeTiaOrThromboembolism'),
    vascularDisease: found('vascularDisease'),
  });
  return { ...result, evidence };
}
