import { describe, expect, it } from 'vitest';
import { computeAscvd } from '../../../renderer/src/engine/insights/ascvd';
import { scoreCha2ds2Vasc } from '../../../renderer/src/engine/insights/cha2ds2vasc';
import { computePrevent } from '../../../renderer/src/engine/insights/prevent';
import { CHOLESTEROL_MG_DL_PER_MMOL_L, recordFacts, recordRiskScores, type RiskRecord } from '../../../renderer/src/engine/insights/record-risk';
import { COMPLETE, DAY, homeWeek, labs, NOW, reading, WOMAN_55, ZONE } from './fixture';

const opts = { nowMs: NOW, timeZone: ZONE, race: 'white' as const };

describe('risk scores from the record', () => {
  it('values from the record reach the calculators: the same result as calling them directly', () => {
    const record: RiskRecord = {
      ...WOMAN_55,
      medications: [{ name: 'Lisinopril', dose: '10 mg' }, { name: 'Atorvastatin', dose: '20 mg' }],
      conditions: [{ display: 'Type 2 diabetes mellitus', code: 'E11.9' }],
      smokingStatus: 'current',
    };
    const s = recordRiskScores(record, COMPLETE(), opts);
    const common = { age: 55, sex: 'female' as const, totalCholesterol: 213, hdl: 50, systolic: 120, onBpTreatment: true, smoker: true, diabetes: true };
    expect(s.ascvd.missing).toEqual([]);
    expect(s.ascvd.result).toEqual(computeAscvd({ ...common, race: 'white' }));
    expect(s.prevent.result).toEqual(computePrevent({ ...common, bmi: 27, egfr: 90, onStatin: true }));
    expect(s.cha2ds2vasc).toBeUndefined();
    // and each input says where it came from
    const source = Object.fromEntries(s.prevent.inputs.map((i) => [i.key, i.fact?.source]));
    expect(source).toMatchObject({
      age: 'birth date 1971-01-01',
      totalCholesterol: 'laboratory result of 2026-10-16',
      systolic: 'home average of 12 readings, 2026-11-18 to 2026-11-24 (first day left out)',
      onBpTreatment: 'medications: Lisinopril (ACE inhibitor)',
      onStatin: 'medications: Atorvastatin (statin)',
      diabetes: 'conditions: Type 2 diabetes mellitus (E11.9)',
      smoker: 'smoking status in the record',
    });
    expect(s.prevent.inputs.find((i) => i.key === 'hdl')!.fact).toMatchObject({ value: 50, display: '50 mg/dL', ageDays: 40 });
  });

  it('reproduces the guideline worked example (white woman, 55: 2.1 %) from stored readings', () => {
    const s = recordRiskScores(WOMAN_55, COMPLETE(), opts);
    expect(s.ascvd.result).toMatchObject({ risk: 2.1, category: 'low', equation: 'white-female' });
    expect(s.facts.systolic).toMatchObject({ value: 120 });
    expect(s.facts.onBpTreatment).toMatchObject({ value: false, source: 'no medications recorded' });
  });

  it('converts cholesterol in mmol/L and names a unit it does not understand as missing', () => {
    const r = [reading('total-cholesterol', 5.5, 'mmol/L', NOW - DAY), reading('hdl-cholesterol', 1.3, 'mmol/L', NOW - DAY), reading('egfr', 80, 'mL/min/{1.73_m2}', NOW - DAY)];
    const f = recordFacts(WOMAN_55, r, opts);
    expect(f.totalCholesterol!.value).toBe(Math.round(5.5 * CHOLESTEROL_MG_DL_PER_MMOL_L * 10) / 10);
    expect(f.hdl!.value).toBe(Math.round(1.3 * CHOLESTEROL_MG_DL_PER_MMOL_L * 10) / 10);
    const odd = recordRiskScores(WOMAN_55, [reading('hdl-cholesterol', 50, 'g/L', NOW - DAY)], opts);
    const hdl = odd.ascvd.inputs.find((i) => i.key === 'hdl')!;
    expect(hdl).toMatchObject({ missing: true, note: 'the latest HDL cholesterol is in g/L, a unit not understood here' });
  });

  it('uses the latest laboratory result and says how old it is', () => {
    const r = [...COMPLETE(), reading('total-cholesterol', 240, 'mg/dL', NOW - 400 * DAY), reading('total-cholesterol', 190, 'mg/dL', NOW - 3 * DAY)];
    const f = recordFacts(WOMAN_55, r, opts);
    expect(f.totalCholesterol).toMatchObject({ value: 190, ageDays: 3, source: 'laboratory result of 2026-11-22' });
  });
});

describe('missing inputs are named and no number is shown', () => {
  const cases: [string, RiskRecord, ReturnType<typeof COMPLETE>, { race?: 'white' }, string[], string[]][] = [
    ['race group (PCE only)', WOMAN_55, COMPLETE(), {}, ['race group'], []],
    ['sex other', { ...WOMAN_55, sex: 'other' }, COMPLETE(), { race: 'white' }, ['sex (female or male)'], ['sex (female or male)']],
    ['total cholesterol', WOMAN_55, [...labs({ hdl: 50, egfr: 90, bmi: 27 }), ...homeWeek(120)], { race: 'white' }, ['total cholesterol'], ['total cholesterol']],
    ['HDL cholesterol', WOMAN_55, [...labs({ tc: 213, egfr: 90, bmi: 27 }), ...homeWeek(120)], { race: 'white' }, ['HDL cholesterol'], ['HDL cholesterol']],
    ['systolic pressure', WOMAN_55, labs({ tc: 213, hdl: 50, egfr: 90, bmi: 27 }), { race: 'white' }, ['systolic blood pressure'], ['systolic blood pressure']],
    ['BMI (PREVENT only)', WOMAN_55, [...labs({ tc: 213, hdl: 50, egfr: 90 }), ...homeWeek(120)], { race: 'white' }, [], ['BMI']],
    ['eGFR (PREVENT only)', WOMAN_55, [...labs({ tc: 213, hdl: 50, bmi: 27 }), ...homeWeek(120)], { race: 'white' }, [], ['eGFR']],
    ['smoking status', { ...WOMAN_55, smokingStatus: undefined }, COMPLETE(), { race: 'white' }, ['smoking status'], ['smoking status']],
  ];
  for (const [name, record, readings, extra, ascvdMissing, preventMissing] of cases) {
    it(name, () => {
      const s = recordRiskScores(record, readings, { nowMs: NOW, timeZone: ZONE, ...extra });
      expect(s.ascvd.missing).toEqual(ascvdMissing);
      expect(s.prevent.missing).toEqual(preventMissing);
      expect(s.ascvd.result === undefined).toBe(ascvdMissing.length > 0);
      expect(s.prevent.result === undefined).toBe(preventMissing.length > 0);
    });
  }

  it('names every missing input at once', () => {
    const s = recordRiskScores({ ...WOMAN_55, smokingStatus: undefined }, [], { nowMs: NOW, timeZone: ZONE });
    expect(s.ascvd.missing).toEqual(['race group', 'total cholesterol', 'HDL cholesterol', 'systolic blood pressure', 'smoking status']);
    expect(s.prevent.missing).toEqual(['total cholesterol', 'HDL cholesterol', 'systolic blood pressure', 'BMI', 'eGFR', 'smoking status']);
  });

  it('blood pressure older than 30 days is not read', () => {
    const s = recordRiskScores(WOMAN_55, [...labs({ tc: 213, hdl: 50, egfr: 90, bmi: 27 }), ...homeWeek(120, NOW - 40 * DAY)], opts);
    expect(s.ascvd.missing).toEqual(['systolic blood pressure']);
  });
});

describe('inputs outside the equations’ ranges say so', () => {
  const run = (record: RiskRecord, r = COMPLETE()) => recordRiskScores(record, r, opts);

  it('age 35: outside the Pooled Cohort Equations (40–79), inside PREVENT (30–79)', () => {
    const s = run({ ...WOMAN_55, birthDate: '1991-06-01' });
    expect(s.ascvd.outOfRange).toEqual(['age 35 years is outside 40–79 years, the range of the Pooled Cohort Equations']);
    expect(s.ascvd.result).toBeUndefined();
    expect(s.prevent.outOfRange).toEqual([]);
    expect(s.prevent.result).toBeDefined();
  });

  it('age 25 and age 80 are outside both', () => {
    for (const [birthDate, age] of [['2001-01-01', 25], ['1946-01-01', 80]] as const) {
      const s = run({ ...WOMAN_55, birthDate });
      expect(s.ascvd.outOfRange).toEqual([`age ${age} years is outside 40–79 years, the range of the Pooled Cohort Equations`]);
      expect(s.prevent.outOfRange).toEqual([`age ${age} years is outside 30–79 years, the range of the PREVENT equations`]);
      expect(s.ascvd.result).toBeUndefined();
      expect(s.prevent.result).toBeUndefined();
    }
  });

  it('cholesterol, HDL, systolic, BMI and eGFR outside their ranges, all listed', () => {
    const s = run(WOMAN_55, [...labs({ tc: 340, hdl: 15, egfr: 10, bmi: 45 }), ...homeWeek(210)]);
    expect(s.ascvd.outOfRange).toEqual([
      'total cholesterol 340 mg/dL is outside 130–320 mg/dL, the range of the Pooled Cohort Equations',
      'HDL cholesterol 15 mg/dL is outside 20–100 mg/dL, the range of the Pooled Cohort Equations',
      'systolic blood pressure 210 mmHg is outside 90–200 mmHg, the range of the Pooled Cohort Equations',
    ]);
    expect(s.prevent.outOfRange).toHaveLength(5);
    expect(s.prevent.outOfRange).toContain('BMI 45 kg/m² is outside 18.5–39.9 kg/m², the range of the PREVENT equations');
    expect(s.prevent.outOfRange).toContain('eGFR 10 mL/min/1.73 m² is outside 15–150 mL/min/1.73 m², the range of the PREVENT equations');
  });
});

describe('where each input comes from', () => {
  it('systolic: home week average, else the latest clinic reading, else the latest home reading', () => {
    const clinic = reading('blood-pressure-systolic', 134, 'mm[Hg]', NOW - 2 * DAY, 'manual');
    expect(recordFacts(WOMAN_55, [...homeWeek(124), clinic], opts).systolic).toMatchObject({ value: 124 });
    expect(recordFacts(WOMAN_55, [clinic], opts).systolic).toMatchObject({ value: 134, source: 'clinic reading of 2026-11-23' });
    const oneHome = homeWeek(128).slice(-2);
    expect(recordFacts(WOMAN_55, oneHome, opts).systolic).toMatchObject({ source: 'latest home reading (no week of home readings to average) of 2026-11-24' });
  });

  it('BMI from the newer of a BMI reading and weight with height', () => {
    const bmi = reading('bmi', 31, 'kg/m2', NOW - 10 * DAY);
    const weight = reading('body-weight', 80, 'kg', NOW - 2 * DAY, 'device');
    const height = reading('body-height', 170, 'cm', NOW - 300 * DAY);
    expect(recordFacts(WOMAN_55, [bmi, weight, height], opts).bmi).toMatchObject({ value: 27.7, source: 'weight of 2026-11-23 with height of 2026-01-29' });
    expect(recordFacts(WOMAN_55, [bmi, { ...weight, timeMs: NOW - 20 * DAY }, height], opts).bmi).toMatchObject({ value: 31, source: 'BMI reading of 2026-11-15' });
    expect(recordFacts(WOMAN_55, [{ ...weight, value: 176.4, unit: '[lb_av]' }, { ...height, value: 67, unit: '[in_i]' }], opts).bmi!.value).toBeCloseTo(27.6, 1);
  });

  it('medication classes, and nystatin is not a statin', () => {
    const f = (names: string[]) => recordFacts({ ...WOMAN_55, medications: names.map((name) => ({ name })) }, [], opts);
    for (const n of ['Amlodipine', 'losartan potassium', 'Metoprolol succinate', 'Hydrochlorothiazide', 'Lisinopril/HCTZ', 'Spironolactone']) expect(f([n]).onBpTreatment.value).toBe(true);
    expect(f(['Metformin', 'Nystatin']).onBpTreatment.value).toBe(false);
    expect(f(['Nystatin oral suspension']).onStatin.value).toBe(false);
    expect(f(['Rosuvastatin 10 mg']).onStatin).toMatchObject({ value: true, source: 'medications: Rosuvastatin 10 mg (statin)' });
  });

  it('conditions by SNOMED CT code, ICD-10 code or display text; prediabetes is not diabetes', () => {
    const f = (conditions: RiskRecord['conditions']) => recordFacts({ ...WOMAN_55, conditions }, [], opts);
    expect(f([{ display: 'DM', code: '44054006' }]).diabetes.value).toBe(true);
    expect(f([{ display: 'Diabetes', code: 'E11.65' }]).diabetes.value).toBe(true);
    expect(f([{ display: 'Prediabetes' }]).diabetes.value).toBe(false);
    expect(f([{ display: 'Essential hypertension', code: '59621000' }]).hypertension.value).toBe(true);
    expect(f([{ display: 'Pulmonary hypertension' }]).hypertension.value).toBe(false);
    expect(f([{ display: 'Old myocardial infarction', code: 'I25.2' }]).vascularDisease.value).toBe(true);
    expect(f([{ display: 'Haemorrhagic stroke' }]).strokeTia.value).toBe(false);
  });
});

describe('CHA2DS2-VASc for atrial fibrillation', () => {
  const af: RiskRecord = {
    birthDate: '1950-03-01',
    sex: 'female',
    medications: [],
    conditions: [
      { display: 'Atrial fibrillation', code: '49436004' },
      { display: 'Hypertension', code: 'I10' },
      { display: 'Congestive heart failure', code: '42343007' },
      { display: 'TIA', code: 'G45.9' },
    ],
  };

  it('scores from the conditions, as the calculator does directly', () => {
    const s = recordRiskScores(af, [], opts);
    expect(s.cha2ds2vasc!.result).toEqual(
      scoreCha2ds2Vasc({ age: 76, sex: 'female', congestiveHeartFailure: true, hypertension: true, diabetes: false, strokeTiaOrThromboembolism: true, vascularDisease: false }),
    );
    expect(s.cha2ds2vasc!.result!.score).toBe(7);
  });

  it('is not shown without atrial fibrillation, and needs the sex category', () => {
    expect(recordRiskScores(WOMAN_55, [], opts).cha2ds2vasc).toBeUndefined();
    const s = recordRiskScores({ ...af, sex: 'unknown' }, [], opts);
    expect(s.cha2ds2vasc!.missing).toEqual(['sex (female or male)']);
    expect(s.cha2ds2vasc!.result).toBeUndefined();
    expect(recordRiskScores({ ...af, conditions: [{ display: 'Paroxysmal AF', code: 'I48.0' }] }, [], opts).cha2ds2vasc).toBeDefined();
  });
});
