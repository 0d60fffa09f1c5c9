import { describe, expect, it } from 'vitest';
import {
  computePrevent,
  parsePreventInput,
  PREVENT_RANGES,
  preventRiskPercent,
  type PreventInput,
} from '../../../renderer/src/engine/insights/prevent';
import { RiskInputError } from '../../../renderer/src/engine/insights/risk-input';

const example: PreventInput = {
  age: 50, sex: 'female', totalCholesterol: 200, hdl: 45, systolic: 160, bmi: 35, egfr: 90,
  onBpTreatment: true, onStatin: false, smoker: false, diabetes: true,
};

function inputError(raw: unknown): RiskInputError {
  try {
    parsePreventInput(raw);
  } catch (err) {
    if (err instanceof RiskInputError) return err;
    throw err;
  }
  throw new Error('expected a RiskInputError');
}

const logistic = (x: number) => 100 / (1 + Math.exp(-x));

describe('PREVENT base model, 10-year (Khan et al., Circulation 2024, Supplemental Table S12)', () => {
  it('matches the third-party worked example: total CVD 14.7 %, ASCVD 9.2 %, HF 8.1 %', () => {
    // NOT an example published by the PREVENT authors: none with printed results was found.
    // This is the worked example in the README of the preventr R package (M. Mayer), for
    // a 50-year-old woman, TC 200, HDL 45, SBP 160 treated, diabetes, eGFR 90, BMI 35:
    // total_cvd 0.147, ascvd 0.092, heart_failure 0.081. It checks the equations were entered and
    // transformed the same way as an independent implementation, to three decimals of a fraction.
    expect(computePrevent(example)).toEqual({ cvd: 14.7, ascvd: 9.2, hf: 8.1 });
  });

  it('at the centring values every predictor is zero and the risk is the logistic of the constant', () => {
    // Age 55, non-HDL 3.5 mmol/L, HDL 1.3 mmol/L, SBP 130 (above the 110 knot, centred at 130),
    // eGFR 90, BMI 25 (below the 30 knot, centred at 25): the paper's centring makes every term 0.
    const hdl = 1.3 / 0.02586;
    const centre: PreventInput = {
      age: 55, sex: 'female', hdl, totalCholesterol: hdl + 3.5 / 0.02586, systolic: 130, bmi: 25, egfr: 90,
      onBpTreatment: false, onStatin: false, smoker: false, diabetes: false,
    };
    expect(preventRiskPercent(centre, 'cvd')).toBeCloseTo(logistic(-3.307728), 10);
    expect(preventRiskPercent(centre, 'ascvd')).toBeCloseTo(logistic(-3.819975), 10);
    expect(preventRiskPercent(centre, 'hf')).toBeCloseTo(logistic(-4.310409), 10);
    const man = { ...centre, sex: 'male' as const };
    expect(preventRiskPercent(man, 'cvd')).toBeCloseTo(logistic(-3.031168), 10);
    expect(preventRiskPercent(man, 'ascvd')).toBeCloseTo(logistic(-3.500655), 10);
    expect(preventRiskPercent(man, 'hf')).toBeCloseTo(logistic(-3.946391), 10);
  });

  it('one step of a single predictor adds exactly its coefficient to the log-odds', () => {
    const hdl = 1.3 / 0.02586;
    const centre: PreventInput = {
      age: 55, sex: 'male', hdl, totalCholesterol: hdl + 3.5 / 0.02586, systolic: 130, bmi: 25, egfr: 90,
      onBpTreatment: false, onStatin: false, smoker: false, diabetes: false,
    };
    const logOdds = (i: PreventInput, o: 'cvd' | 'hf') => -Math.log(100 / preventRiskPercent(i, o) - 1);
    // Male total CVD: +10 years of age → 0.7688528; SBP 150 → +1 unit above the knot → 0.3362658.
    expect(logOdds({ ...centre, age: 65 }, 'cvd') - logOdds(centre, 'cvd')).toBeCloseTo(0.7688528, 9);
    expect(logOdds({ ...centre, systolic: 150 }, 'cvd') - logOdds(centre, 'cvd')).toBeCloseTo(0.3362658, 9);
    // Male HF: eGFR 45 → 1 unit below the 60 knot (0.6926917) and 2 units on the upper spline (2 × 0.0251827).
    expect(logOdds({ ...centre, egfr: 45 }, 'hf') - logOdds(centre, 'hf')).toBeCloseTo(0.6926917 + 2 * 0.0251827, 9);
    // Male HF: BMI 35 → 1 unit above the knot (0.3726929) plus BMI below the knot at 30, 1 unit (−0.0485841).
    expect(logOdds({ ...centre, bmi: 35 }, 'hf') - logOdds(centre, 'hf')).toBeCloseTo(0.3726929 - 0.0485841, 9);
  });

  it('leaves lipids and statins out of heart failure, and BMI out of CVD and ASCVD', () => {
    const base = computePrevent(example);
    const lipids = computePrevent({ ...example, totalCholesterol: 300, hdl: 30, onStatin: true });
    expect(lipids.hf).toBe(base.hf);
    expect(lipids.cvd).not.toBe(base.cvd);
    const heavier = computePrevent({ ...example, bmi: 39 });
    expect(heavier.cvd).toBe(base.cvd);
    expect(heavier.ascvd).toBe(base.ascvd);
    expect(heavier.hf).toBeGreaterThan(base.hf);
  });

  it('raises every risk with age, smoking and lower eGFR', () => {
    const base = computePrevent(example);
    for (const changed of [{ age: 70 }, { smoker: true }, { egfr: 30 }]) {
      const r = computePrevent({ ...example, ...changed });
      expect(r.cvd).toBeGreaterThan(base.cvd);
      expect(r.ascvd).toBeGreaterThan(base.ascvd);
      expect(r.hf).toBeGreaterThan(base.hf);
    }
  });
});

describe('PREVENT input checks', () => {
  const numeric = Object.entries(PREVENT_RANGES) as [keyof typeof PREVENT_RANGES, { min: number; max: number }][];
  for (const [field, range] of numeric) {
    it(`${field} accepts ${range.min} and ${range.max} and refuses values just outside`, () => {
      expect(parsePreventInput({ ...example, [field]: range.min })[field]).toBe(range.min);
      expect(parsePreventInput({ ...example, [field]: range.max })[field]).toBe(range.max);
      for (const bad of [range.min - 0.1, range.max + 0.1]) {
        expect(inputError({ ...example, [field]: bad })).toMatchObject({ code: 'out-of-range', fields: [field] });
      }
    });
  }

  for (const field of Object.keys(example)) {
    it(`names ${field} when it is missing`, () => {
      const raw: Record<string, unknown> = { ...example };
      delete raw[field];
      expect(inputError(raw)).toMatchObject({ code: 'missing', fields: [field], message: `missing input: ${field}` });
    });
  }

  it('refuses wrong types with the field named', () => {
    expect(inputError(null).code).toBe('not-an-object');
    expect(inputError({ ...example, sex: 'other' })).toMatchObject({ code: 'not-an-option', fields: ['sex'] });
    expect(inputError({ ...example, egfr: '90' })).toMatchObject({ code: 'not-a-number', fields: ['egfr'] });
    expect(inputError({ ...example, onStatin: 'false' })).toMatchObject({ code: 'not-a-boolean', fields: ['onStatin'] });
  });
});
