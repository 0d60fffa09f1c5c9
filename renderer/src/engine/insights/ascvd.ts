/**
 * 10-year risk of a first hard ASCVD event with the 2013 ACC/AHA Pooled Cohort Equations.
 *
 * Goff DC Jr et al. 2013 ACC/AHA Guideline on the Assessment of Cardiovascular Risk.
 * Circulation 2014;129(suppl 2):S49–S73, Table A ("Equation Parameters of the Pooled Cohort
 * Equations for Estimation of 10-Year Risk of Hard ASCVD") and its worked example.
 * risk = 1 − S10 ^ exp(individual sum − mean sum), each race-sex group with its own terms.
 * The guideline gives equations for white and African-American adults only; for other races it
 * recommends the white equations, which is what "other" does here.
 */
import {
  readBoolean,
  readInputObject,
  readNumberInRange,
  readOption,
  roundToTenth,
  type NumberRange,
} from './risk-input';

export const ASCVD_SEXES = ['female', 'male'] as const;
export const ASCVD_RACES = ['white', 'african-american', 'other'] as const;
export type AscvdSex = (typeof ASCVD_SEXES)[number];
export type AscvdRace = (typeof ASCVD_RACES)[number];

export interface AscvdInput {
  age: number;
  sex: AscvdSex;
  race: AscvdRace;
  /** mg/dL */
  totalCholesterol: number;
  /** mg/dL */
  hdl: number;
  /** mmHg */
  systolic: number;
  onBpTreatment: boolean;
  smoker: boolean;
  diabetes: boolean;
}

/**
 * The equations were derived at ages 40–79; the lipid and blood-pressure limits are the ones the
 * ACC/AHA ASCVD Risk Estimator accepts, outside which the equations were not validated.
 */
export const ASCVD_RANGES = {
  age: { min: 40, max: 79, unit: 'years' },
  totalCholesterol: { min: 130, max: 320, unit: 'mg/dL' },
  hdl: { min: 20, max: 100, unit: 'mg/dL' },
  systolic: { min: 90, max: 200, unit: 'mmHg' },
} as const satisfies Record<string, NumberRange>;

export type AscvdCategory = 'low' | 'borderline' | 'intermediate' | 'high';
export type AscvdEquation = 'white-female' | 'african-american-female' | 'white-male' | 'african-american-male';

export interface AscvdResult {
  /** 10-year risk in percent, one decimal. */
  risk: number;
  category: AscvdCategory;
  equation: AscvdEquation;
  /** Σ coefficient × value, comparable to Table A's "Individual Sum". */
  individualSum: number;
}

/** Table A coefficients; a term a group does not use is 0. */
interface PooledCohortEquation {
  lnAge: number;
  lnAgeSquared: number;
  lnTotalCholesterol: number;
  lnAgeByLnTotalCholesterol: number;
  lnHdl: number;
  lnAgeByLnHdl: number;
  lnTreatedSystolic: number;
  lnAgeByLnTreatedSystolic: number;
  lnUntreatedSystolic: number;
  lnAgeByLnUntreatedSystolic: number;
  smoker: number;
  lnAgeBySmoker: number;
  diabetes: number;
  baselineSurvival: number;
  meanSum: number;
}

const EQUATIONS: Readonly<Record<AscvdEquation, PooledCohortEquation>> = {
  'white-female': {
    lnAge: -29.799, lnAgeSquared: 4.884, lnTotalCholesterol: 13.54, lnAgeByLnTotalCholesterol: -3.114,
    lnHdl: -13.578, lnAgeByLnHdl: 3.149, lnTreatedSystolic: 2.019, lnAgeByLnTreatedSystolic: 0,
    lnUntreatedSystolic: 1.957, lnAgeByLnUntreatedSystolic: 0, smoker: 7.574, lnAgeBySmoker: -1.665,
    diabetes: 0.661, baselineSurvival: 0.9665, meanSum: -29.18,
  },
  'african-american-female': {
    lnAge: 17.114, lnAgeSquared: 0, lnTotalCholesterol: 0.94, lnAgeByLnTotalCholesterol: 0,
    lnHdl: -18.92, lnAgeByLnHdl: 4.475, lnTreatedSystolic: 29.291, lnAgeByLnTreatedSystolic: -6.432,
    lnUntreatedSystolic: 27.82, lnAgeByLnUntreatedSystolic: -6.087, smoker: 0.691, lnAgeBySmoker: 0,
    diabetes: 0.874, baselineSurvival: 0.9533, meanSum: 86.61,
  },
  'white-male': {
    lnAge: 12.344, lnAgeSquared: 0, lnTotalCholesterol: 11.853, lnAgeByLnTotalCholesterol: -2.664,
    lnHdl: -7.99, lnAgeByLnHdl: 1.769, lnTreatedSystolic: 1.797, lnAgeByLnTreatedSystolic: 0,
    lnUntreatedSystolic: 1.764, lnAgeByLnUntreatedSystolic: 0, smoker: 7.837, lnAgeBySmoker: -1.795,
    diabetes: 0.658, baselineSurvival: 0.9144, meanSum: 61.18,
  },
  'african-american-male': {
    lnAge: 2.469, lnAgeSquared: 0, lnTotalCholesterol: 0.302, lnAgeByLnTotalCholesterol: 0,
    lnHdl: -0.307, lnAgeByLnHdl: 0, lnTreatedSystolic: 1.916, lnAgeByLnTreatedSystolic: 0,
    lnUntreatedSystolic: 1.809, lnAgeByLnUntreatedSystolic: 0, smoker: 0.549, lnAgeBySmoker: 0,
    diabetes: 0.645, baselineSurvival: 0.8954, meanSum: 19.54,
  },
};

const REQUIRED = ['age', 'sex', 'race', 'totalCholesterol', 'hdl', 'systolic', 'onBpTreatment', 'smoker', 'diabetes'] as const;

/** Checks untrusted input; throws RiskInputError naming the field (or every missing field). */
export function parseAscvdInput(raw: unknown): AscvdInput {
  const obj = readInputObject(raw, 'ASCVD', REQUIRED);
  return {
    age: readNumberInRange(obj, 'age', ASCVD_RANGES.age),
    sex: readOption(obj, 'sex', ASCVD_SEXES),
    race: readOption(obj, 'race', ASCVD_RACES),
    totalCholesterol: readNumberInRange(obj, 'totalCholesterol', ASCVD_RANGES.totalCholesterol),
    hdl: readNumberInRange(obj, 'hdl', ASCVD_RANGES.hdl),
    systolic: readNumberInRange(obj, 'systolic', ASCVD_RANGES.systolic),
    onBpTreatment: readBoolean(obj, 'onBpTreatment'),
    smoker: readBoolean(obj, 'smoker'),
    diabetes: readBoolean(obj, 'diabetes'),
  };
}

export function ascvdEquationFor(sex: AscvdSex, race: AscvdRace): AscvdEquation {
  const group = race === 'african-american' ? 'african-american' : 'white';
  return `${group}-${sex}`;
}

/** 2013 guideline categories, applied to the printed (rounded) risk so the two never disagree. */
export function ascvdCategory(riskPercent: number): AscvdCategory {
  if (riskPercent < 5) return 'low';
  if (riskPercent < 7.5) return 'borderline';
  if (riskPercent < 20) return 'intermediate';
  return 'high';
}

/** Σ coefficient × value for one person (Table A, "Coefficient × Value" column summed). */
function pooledCohortSum(input: AscvdInput, c: PooledCohortEquation): number {
  const lnAge = Math.log(input.age);
  const lnTc = Math.log(input.totalCholesterol);
  const lnHdl = Math.log(input.hdl);
  const lnSbp = Math.log(input.systolic);
  const smoker = input.smoker ? 1 : 0;
  const systolicTerm = input.onBpTreatment
    ? c.lnTreatedSystolic * lnSbp + c.lnAgeByLnTreatedSystolic * lnAge * lnSbp
    : c.lnUntreatedSystolic * lnSbp + c.lnAgeByLnUntreatedSystolic * lnAge * lnSbp;
  return (
    c.lnAge * lnAge +
    c.lnAgeSquared * lnAge * lnAge +
    c.lnTotalCholesterol * lnTc +
    c.lnAgeByLnTotalCholesterol * lnAge * lnTc +
    c.lnHdl * lnHdl +
    c.lnAgeByLnHdl * lnAge * lnHdl +
    systolicTerm +
    c.smoker * smoker +
    c.lnAgeBySmoker * lnAge * smoker +
    c.diabetes * (input.diabetes ? 1 : 0)
  );
}

/** Expects input already checked by parseAscvdInput (or built from the record with the same ranges). */
export function computeAscvd(input: AscvdInput): AscvdResult {
  const equation = ascvdEquationFor(input.sex, input.race);
  const c = EQUATIONS[equation];
  const individualSum = pooledCohortSum(input, c);
  const risk = roundToTenth(riskFromIndividualSum(equation, individualSum));
  return { risk, category: ascvdCategory(risk), equation, individualSum };
}

/** 10-year risk in percent (unrounded): 1 − S10 ^ exp(individual sum − group mean sum). */
export function riskFromIndividualSum(equation: AscvdEquation, individualSum: number): number {
  const c = EQUATIONS[equation];
  return (1 - Math.pow(c.baselineSurvival, Math.exp(individualSum - c.meanSum))) * 100;
}
