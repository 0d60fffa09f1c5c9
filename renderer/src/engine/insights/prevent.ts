/**
 * AHA PREVENT equations, base model, 10-year risk of total CVD, ASCVD and heart failure.
 *
 * Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart
 * Association's PREVENT Equations. Circulation 2024;149:430–449. Coefficients: Supplemental
 * Table S12 (base model, 10-year, sex-specific logistic models). Predictors are centred and
 * scaled as the paper specifies: age per 10 years from 55; non-HDL and HDL cholesterol in mmol/L
 * (mg/dL × 0.02586); systolic pressure, eGFR and BMI as linear splines with knots at 110 mmHg,
 * 60 mL/min/1.73 m² and 30 kg/m². BMI enters only the heart-failure model, lipids and statin only
 * the CVD and ASCVD models. Each outcome has its own model, so the ASCVD or HF risk can exceed
 * the total CVD risk.
 */
import { readBoolean, readInputObject, readNumberInRange, readOption, roundToTenth, type NumberRange } from './risk-input';

export const PREVENT_SEXES = ['female', 'male'] as const;
export type PreventSex = (typeof PREVENT_SEXES)[number];

export interface PreventInput {
  age: number;
  sex: PreventSex;
  /** mg/dL */
  totalCholesterol: number;
  /** mg/dL */
  hdl: number;
  /** mmHg */
  systolic: number;
  /** kg/m² */
  bmi: number;
  /** mL/min/1.73 m² (CKD-EPI 2021) */
  egfr: number;
  onBpTreatment: boolean;
  onStatin: boolean;
  smoker: boolean;
  diabetes: boolean;
}

/** The ranges the AHA PREVENT calculator accepts (the paper's derivation ranges). */
export const PREVENT_RANGES = {
  age: { min: 30, max: 79, unit: 'years' },
  totalCholesterol: { min: 130, max: 320, unit: 'mg/dL' },
  hdl: { min: 20, max: 100, unit: 'mg/dL' },
  systolic: { min: 90, max: 200, unit: 'mmHg' },
  bmi: { min: 18.5, max: 39.9, unit: 'kg/m²' },
  egfr: { min: 15, max: 150, unit: 'mL/min/1.73 m²' },
} as const satisfies Record<string, NumberRange>;

export type PreventOutcome = 'cvd' | 'ascvd' | 'hf';

/** Percent, one decimal. */
export type PreventResult = Record<PreventOutcome, number>;

/** The transformed predictors of Table S12, in the paper's order. */
interface PreventTerms {
  age: number;
  nonHdl: number;
  hdl: number;
  systolicBelow110: number;
  systolicAbove110: number;
  diabetes: number;
  smoker: number;
  bmiBelow30: number;
  bmiAbove30: number;
  egfrBelow60: number;
  egfrAbove60: number;
  bpTreatment: number;
  statin: number;
  bpTreatmentBySystolic: number;
  statinByNonHdl: number;
  ageByNonHdl: number;
  ageByHdl: number;
  ageBySystolic: number;
  ageByDiabetes: number;
  ageBySmoker: number;
  ageByBmi: number;
  ageByEgfr: number;
  constant: number;
}

type PreventModel = Readonly<PreventTerms>;

const ZERO_LIPIDS = { nonHdl: 0, hdl: 0, statin: 0, statinByNonHdl: 0, ageByNonHdl: 0, ageByHdl: 0 } as const;
const ZERO_BMI = { bmiBelow30: 0, bmiAbove30: 0, ageByBmi: 0 } as const;

/** Table S12 coefficients (base model, 10-year). */
const MODELS: Readonly<Record<PreventSex, Readonly<Record<PreventOutcome, PreventModel>>>> = {
  female: {
    cvd: {
      age: 0.7939329, nonHdl: 0.0305239, hdl: -0.1606857, systolicBelow110: -0.2394003, systolicAbove110: 0.3600781,
      diabetes: 0.8667604, smoker: 0.5360739, ...ZERO_BMI, egfrBelow60: 0.6045917, egfrAbove60: 0.0433769,
      bpTreatment: 0.3151672, statin: -0.1477655, bpTreatmentBySystolic: -0.0663612, statinByNonHdl: 0.1197879,
      ageByNonHdl: -0.0819715, ageByHdl: 0.0306769, ageBySystolic: -0.0946348, ageByDiabetes: -0.27057,
      ageBySmoker: -0.078715, ageByEgfr: -0.1637806, constant: -3.307728,
    },
    ascvd: {
      age: 0.719883, nonHdl: 0.1176967, hdl: -0.151185, systolicBelow110: -0.0835358, systolicAbove110: 0.3592852,
      diabetes: 0.8348585, smoker: 0.4831078, ...ZERO_BMI, egfrBelow60: 0.4864619, egfrAbove60: 0.0397779,
      bpTreatment: 0.2265309, statin: -0.0592374, bpTreatmentBySystolic: -0.0395762, statinByNonHdl: 0.0844423,
      ageByNonHdl: -0.0567839, ageByHdl: 0.0325692, ageBySystolic: -0.1035985, ageByDiabetes: -0.2417542,
      ageBySmoker: -0.0791142, ageByEgfr: -0.1671492, constant: -3.819975,
    },
    hf: {
      age: 0.8998235, ...ZERO_LIPIDS, systolicBelow110: -0.4559771, systolicAbove110: 0.3576505,
      diabetes: 1.038346, smoker: 0.583916, bmiBelow30: -0.0072294, bmiAbove30: 0.2997706,
      egfrBelow60: 0.7451638, egfrAbove60: 0.0557087, bpTreatment: 0.3534442, bpTreatmentBySystolic: -0.0981511,
      ageBySystolic: -0.0946663, ageByDiabetes: -0.3581041, ageBySmoker: -0.1159453, ageByBmi: -0.003878,
      ageByEgfr: -0.1884289, constant: -4.310409,
    },
  },
  male: {
    cvd: {
      age: 0.7688528, nonHdl: 0.0736174, hdl: -0.0954431, systolicBelow110: -0.4347345, systolicAbove110: 0.3362658,
      diabetes: 0.7692857, smoker: 0.4386871, ...ZERO_BMI, egfrBelow60: 0.5378979, egfrAbove60: 0.0164827,
      bpTreatment: 0.288879, statin: -0.1337349, bpTreatmentBySystolic: -0.0475924, statinByNonHdl: 0.150273,
      ageByNonHdl: -0.0517874, ageByHdl: 0.0191169, ageBySystolic: -0.1049477, ageByDiabetes: -0.2251948,
      ageBySmoker: -0.0895067, ageByEgfr: -0.1543702, constant: -3.031168,
    },
    ascvd: {
      age: 0.7099847, nonHdl: 0.1658663, hdl: -0.1144285, systolicBelow110: -0.2837212, systolicAbove110: 0.3239977,
      diabetes: 0.7189597, smoker: 0.3956973, ...ZERO_BMI, egfrBelow60: 0.3690075, egfrAbove60: 0.0203619,
      bpTreatment: 0.2036522, statin: -0.0865581, bpTreatmentBySystolic: -0.0322916, statinByNonHdl: 0.114563,
      ageByNonHdl: -0.0300005, ageByHdl: 0.0232747, ageBySystolic: -0.0927024, ageByDiabetes: -0.2018525,
      ageBySmoker: -0.0970527, ageByEgfr: -0.1217081, constant: -3.500655,
    },
    hf: {
      age: 0.8972642, ...ZERO_LIPIDS, systolicBelow110: -0.6811466, systolicAbove110: 0.3634461,
      diabetes: 0.923776, smoker: 0.5023736, bmiBelow30: -0.0485841, bmiAbove30: 0.3726929,
      egfrBelow60: 0.6926917, egfrAbove60: 0.0251827, bpTreatment: 0.2980922, bpTreatmentBySystolic: -0.0497731,
      ageBySystolic: -0.1289201, ageByDiabetes: -0.3040924, ageBySmoker: -0.1401688, ageByBmi: 0.0068126,
      ageByEgfr: -0.1797778, constant: -3.946391,
    },
  },
};

const REQUIRED = [
  'age', 'sex', 'totalCholesterol', 'hdl', 'systolic', 'bmi', 'egfr', 'onBpTreatment', 'onStatin', 'smoker', 'diabetes',
] as const;

/** Checks untrusted input; throws RiskInputError naming the field (or every missing field). */
export function parsePreventInput(raw: unknown): PreventInput {
  const obj = readInputObject(raw, 'PREVENT', REQUIRED);
  return {
    age: readNumberInRange(obj, 'age', PREVENT_RANGES.age),
    sex: readOption(obj, 'sex', PREVENT_SEXES),
    totalCholesterol: readNumberInRange(obj, 'totalCholesterol', PREVENT_RANGES.totalCholesterol),
    hdl: readNumberInRange(obj, 'hdl', PREVENT_RANGES.hdl),
    systolic: readNumberInRange(obj, 'systolic', PREVENT_RANGES.systolic),
    bmi: readNumberInRange(obj, 'bmi', PREVENT_RANGES.bmi),
    egfr: readNumberInRange(obj, 'egfr', PREVENT_RANGES.egfr),
    onBpTreatment: readBoolean(obj, 'onBpTreatment'),
    onStatin: readBoolean(obj, 'onStatin'),
    smoker: readBoolean(obj, 'smoker'),
    diabetes: readBoolean(obj, 'diabetes'),
  };
}

const MG_DL_TO_MMOL_L = 0.02586;

/** The predictors, transformed as in the paper; `constant` is 1 so every model is a dot product. */
export function preventTerms(input: PreventInput): PreventTerms {
  const age = (input.age - 55) / 10;
  const nonHdl = (input.totalCholesterol - input.hdl) * MG_DL_TO_MMOL_L - 3.5;
  const hdl = (input.hdl * MG_DL_TO_MMOL_L - 1.3) / 0.3;
  const systolicAbove110 = (Math.max(input.systolic, 110) - 130) / 20;
  const bmiAbove30 = (Math.max(input.bmi, 30) - 30) / 5;
  const egfrBelow60 = (Math.min(input.egfr, 60) - 60) / -15;
  const diabetes = input.diabetes ? 1 : 0;
  const smoker = input.smoker ? 1 : 0;
  const bpTreatment = input.onBpTreatment ? 1 : 0;
  const statin = input.onStatin ? 1 : 0;
  return {
    age,
    nonHdl,
    hdl,
    systolicBelow110: (Math.min(input.systolic, 110) - 110) / 20,
    systolicAbove110,
    diabetes,
    smoker,
    bmiBelow30: (Math.min(input.bmi, 30) - 25) / 5,
    bmiAbove30,
    egfrBelow60,
    egfrAbove60: (Math.max(input.egfr, 60) - 90) / -15,
    bpTreatment,
    statin,
    bpTreatmentBySystolic: bpTreatment * systolicAbove110,
    statinByNonHdl: statin * nonHdl,
    ageByNonHdl: age * nonHdl,
    ageByHdl: age * hdl,
    ageBySystolic: age * systolicAbove110,
    ageByDiabetes: age * diabetes,
    ageBySmoker: age * smoker,
    ageByBmi: age * bmiAbove30,
    ageByEgfr: age * egfrBelow60,
    constant: 1,
  };
}

/** 10-year risk in percent, unrounded. */
export function preventRiskPercent(input: PreventInput, outcome: PreventOutcome): number {
  const model = MODELS[input.sex][outcome];
  const terms = preventTerms(input);
  let logOdds = 0;
  for (const key of Object.keys(terms) as (keyof PreventTerms)[]) logOdds += model[key] * terms[key];
  return 100 / (1 + Math.exp(-logOdds));
}

/** Expects input already checked by parsePreventInput. */
export function computePrevent(input: PreventInput): PreventResult {
  return {
    cvd: roundToTenth(preventRiskPercent(input, 'cvd')),
    ascvd: roundToTenth(preventRiskPercent(input, 'ascvd')),
    hf: roundToTenth(preventRiskPercent(input, 'hf')),
  };
}
