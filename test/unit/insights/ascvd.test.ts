import { describe, expect, it } from 'vitest';
import {
  ASCVD_RANGES,
  ascvdCategory,
  computeAscvd,
  parseAscvdInput,
  riskFromIndividualSum,
  type AscvdInput,
} from '../../../renderer/src/engine/insights/ascvd';
import { RiskInputError } from '../../../renderer/src/engine/insights/risk-input';

/**
 * The worked example of Goff et al., 2013 ACC/AHA cardiovascular risk guideline, Circulation
 * 2014;129(suppl 2):S49–S73, Table A: a 55-year-old with total cholesterol 213 mg/dL, HDL 50 mg/dL,
 * untreated systolic 120 mmHg, non-smoker, no diabetes. Published "Individual Sum" and
 * "Estimated 10-y Risk of Hard ASCVD" per race-sex group.
 */
const EXAMPLE = { age: 55, totalCholesterol: 213, hdl: 50, systolic: 120, onBpTreatment: false, smoker: false, diabetes: false };
const PUBLISHED = [
  { sex: 'female', race: 'white', equation: 'white-female', sum: -29.67, risk: 2.1 },
  { sex: 'female', race: 'african-american', equation: 'african-american-female', sum: 86.16, risk: 3.0 },
  { sex: 'male', race: 'white', equation: 'white-male', sum: 60.69, risk: 5.3 },
  { sex: 'male', race: 'african-american', equation: 'african-american-male', sum: 18.97, risk: 6.1 },
] as const;

const valid: AscvdInput = { ...EXAMPLE, sex: 'female', race: 'white' };

function inputError(raw: unknown): RiskInputError {
  try {
    parseAscvdInput(raw);
  } catch (err) {
    if (err instanceof RiskInputError) return err;
    throw err;
  }
  throw new Error('expected a RiskInputError');
}

describe('Pooled Cohort Equations against the published worked example (Goff 2014, Table A)', () => {
  for (const p of PUBLISHED) {
    it(`${p.race} ${p.sex}: individual sum ${p.sum} and 10-year risk ${p.risk} %`, () => {
      const result = computeAscvd({ ...EXAMPLE, sex: p.sex, race: p.race });
      expect(result.equation).toBe(p.equation);
      // Table A multiplies ln values rounded to two decimals, so its sums carry ±0.01 of rounding.
      expect(Math.abs(result.individualSum - p.sum)).toBeLessThan(0.01);
      // From the published sum, the published risk to the published precision (one decimal).
      expect(Math.round(riskFromIndividualSum(p.equation, p.sum) * 10) / 10).toBe(p.risk);
    });
  }

  it('prints the published risks from unrounded logarithms: 2.1, 3.0 and 6.1 exactly, 5.4 for white men', () => {
    const risks = PUBLISHED.map((p) => computeAscvd({ ...EXAMPLE, sex: p.sex, race: p.race }).risk);
    // White men: Table A's rounded sum 60.69 gives 5.33 %; the exact sum 60.6996 gives 5.385 %,
    // which prints 5.4. The difference is the table's rounding, not the equation.
    expect(risks).toEqual([2.1, 3.0, 5.4, 6.1]);
    expect(riskFromIndividualSum('white-male', 60.69)).toBeCloseTo(5.33, 2);
    expect(riskFromIndividualSum('white-male', 60.6996)).toBeCloseTo(5.385, 3);
  });

  it('agrees with a value read off the ACC/AHA online estimator: 5.7 %, borderline', () => {
    // Third-party transcription (GitHub mg26984-hash/nephrology_calculator_dashboard,
    // ascvd_reference.md): white man 55, TC 200, HDL 50, SBP 130 untreated, non-smoker, no
    // diabetes → 10-year ASCVD risk 5.7 % (borderline). Not a published worked example.
    expect(computeAscvd({ ...EXAMPLE, sex: 'male', race: 'white', totalCholesterol: 200, systolic: 130 })).toMatchObject({
      risk: 5.7,
      category: 'borderline',
    });
  });

  it('uses the white equations for other races, as the guideline recommends', () => {
    expect(computeAscvd({ ...valid, race: 'other' })).toEqual(computeAscvd({ ...valid, race: 'white' }));
    expect(computeAscvd({ ...valid, sex: 'male', race: 'other' }).equation).toBe('white-male');
  });

  it('raises risk with treated blood pressure, smoking and diabetes in every group', () => {
    for (const p of PUBLISHED) {
      const base = { ...EXAMPLE, systolic: 140, sex: p.sex, race: p.race };
      const baseRisk = computeAscvd(base).risk;
      expect(computeAscvd({ ...base, onBpTreatment: true }).risk).toBeGreaterThan(baseRisk);
      expect(computeAscvd({ ...base, smoker: true }).risk).toBeGreaterThan(baseRisk);
      expect(computeAscvd({ ...base, diabetes: true }).risk).toBeGreaterThan(baseRisk);
    }
  });

  it('gives a high-risk profile the high category', () => {
    const r = computeAscvd({ age: 70, sex: 'male', race: 'white', totalCholesterol: 260, hdl: 35, systolic: 170, onBpTreatment: true, smoker: true, diabetes: true });
    expect(r.risk).toBeGreaterThanOrEqual(20);
    expect(r.category).toBe('high');
  });
});

describe('ASCVD categories (2013 guideline, 2018 cholesterol guideline wording)', () => {
  it.each([
    [0, 'low'],
    [4.9, 'low'],
    [5, 'borderline'],
    [7.4, 'borderline'],
    [7.5, 'intermediate'],
    [19.9, 'intermediate'],
    [20, 'high'],
    [85, 'high'],
  ] as const)('%s %% is %s', (risk, category) => {
    expect(ascvdCategory(risk)).toBe(category);
  });
});

describe('ASCVD input checks', () => {
  const numeric = Object.entries(ASCVD_RANGES) as [keyof typeof ASCVD_RANGES, { min: number; max: number }][];

  for (const [field, range] of numeric) {
    it(`${field} accepts ${range.min} and ${range.max} and refuses values just outside`, () => {
      expect(parseAscvdInput({ ...valid, [field]: range.min })[field]).toBe(range.min);
      expect(parseAscvdInput({ ...valid, [field]: range.max })[field]).toBe(range.max);
      for (const bad of [range.min - 0.1, range.max + 0.1]) {
        const err = inputError({ ...valid, [field]: bad });
        expect(err.code).toBe('out-of-range');
        expect(err.fields).toEqual([field]);
        expect(err.message).toContain(`${field} ${bad} is outside ${range.min}–${range.max}`);
      }
    });
  }

  it('computes at the range corners without overflow', () => {
    for (const p of PUBLISHED) {
      for (const corner of [
        { age: 40, totalCholesterol: 130, hdl: 100, systolic: 90 },
        { age: 79, totalCholesterol: 320, hdl: 20, systolic: 200 },
      ]) {
        const r = computeAscvd({ ...valid, ...corner, sex: p.sex, race: p.race, onBpTreatment: true, smoker: true, diabetes: true });
        expect(r.risk).toBeGreaterThanOrEqual(0);
        expect(r.risk).toBeLessThanOrEqual(100);
      }
    }
  });

  for (const field of Object.keys(valid)) {
    it(`names ${field} when it is missing`, () => {
      const raw: Record<string, unknown> = { ...valid };
      delete raw[field];
      const err = inputError(raw);
      expect(err.code).toBe('missing');
      expect(err.fields).toEqual([field]);
      expect(err.message).toBe(`missing input: ${field}`);
    });
  }

  it('names every missing input at once, and treats null as missing', () => {
    const err = inputError({ age: 55, sex: 'male', race: 'white', hdl: null, onBpTreatment: false });
    expect(err.fields).toEqual(['totalCholesterol', 'hdl', 'systolic', 'smoker', 'diabetes']);
    expect(err.message).toBe('missing inputs: totalCholesterol, hdl, systolic, smoker, diabetes');
  });

  it('refuses wrong types and unknown options with the field named', () => {
    expect(inputError('55').code).toBe('not-an-object');
    expect(inputError([valid]).code).toBe('not-an-object');
    expect(inputError({ ...valid, age: '55' })).toMatchObject({ code: 'not-a-number', fields: ['age'] });
    expect(inputError({ ...valid, hdl: Number.NaN })).toMatchObject({ code: 'not-a-number', fields: ['hdl'] });
    expect(inputError({ ...valid, sex: 'f' })).toMatchObject({ code: 'not-an-option', fields: ['sex'] });
    expect(inputError({ ...valid, race: 'asian' }).message).toBe('race must be one of white, african-american, other');
    expect(inputError({ ...valid, smoker: 'no' })).toMatchObject({ code: 'not-a-boolean', fields: ['smoker'] });
    expect(inputError({ ...valid, onBpTreatment: 0 })).toMatchObject({ code: 'not-a-boolean', fields: ['onBpTreatment'] });
  });
});
