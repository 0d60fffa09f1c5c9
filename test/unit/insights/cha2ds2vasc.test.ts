import { describe, expect, it } from 'vitest';
import { cha2ds2VascFromRecord, scoreCha2ds2Vasc, type Cha2ds2VascFacts } from '../../../renderer/src/engine/insights/cha2ds2vasc';
import { RiskInputError } from '../../../renderer/src/engine/insights/risk-input';

const none: Cha2ds2VascFacts = {
  age: 50, sex: 'male', congestiveHeartFailure: false, hypertension: false, diabetes: false,
  strokeTiaOrThromboembolism: false, vascularDisease: false,
};

describe('CHA2DS2-VASc points (Lip et al., Chest 2010)', () => {
  it('scores 0 for a 50-year-old man with none of the items', () => {
    expect(scoreCha2ds2Vasc(none)).toEqual({
      score: 0,
      points: { congestiveHeartFailure: 0, hypertension: 0, age: 0, diabetes: 0, strokeTiaOrThromboembolism: 0, vascularDisease: 0, sexCategory: 0 },
    });
  });

  it('gives each item its published points', () => {
    expect(scoreCha2ds2Vasc({ ...none, congestiveHeartFailure: true }).score).toBe(1);
    expect(scoreCha2ds2Vasc({ ...none, hypertension: true }).score).toBe(1);
    expect(scoreCha2ds2Vasc({ ...none, diabetes: true }).score).toBe(1);
    expect(scoreCha2ds2Vasc({ ...none, strokeTiaOrThromboembolism: true }).points.strokeTiaOrThromboembolism).toBe(2);
    expect(scoreCha2ds2Vasc({ ...none, vascularDisease: true }).score).toBe(1);
    expect(scoreCha2ds2Vasc({ ...none, sex: 'female' }).points.sexCategory).toBe(1);
  });

  it.each([
    [64, 0],
    [65, 1],
    [74, 1],
    [75, 2],
    [90, 2],
  ] as const)('age %s scores %s', (age, points) => {
    expect(scoreCha2ds2Vasc({ ...none, age }).points.age).toBe(points);
  });

  it('reaches the maximum of 9', () => {
    expect(
      scoreCha2ds2Vasc({
        age: 80, sex: 'female', congestiveHeartFailure: true, hypertension: true, diabetes: true,
        strokeTiaOrThromboembolism: true, vascularDisease: true,
      }).score,
    ).toBe(9);
  });

  it('refuses an impossible age', () => {
    expect(() => scoreCha2ds2Vasc({ ...none, age: -1 })).toThrow(RiskInputError);
    expect(() => scoreCha2ds2Vasc({ ...none, age: Number.NaN })).toThrow(/age/);
  });
});

describe('CHA2DS2-VASc from the record', () => {
  it('finds the items by ICD-10 code or by the condition text, and names the evidence', () => {
    const r = cha2ds2VascFromRecord({
      age: 72,
      sex: 'female',
      conditions: [
        { display: 'Atrial fibrillation', code: 'I48.91' },
        { display: 'Essential hypertension', code: 'I10' },
        { display: 'Chronic systolic heart failure' },
        { display: 'Old myocardial infarction', code: 'I25.2' },
        { display: 'History of TIA' },
      ],
    });
    expect(r.points).toEqual({
      congestiveHeartFailure: 1, hypertension: 1, age: 1, diabetes: 0, strokeTiaOrThromboembolism: 2, vascularDisease: 1, sexCategory: 1,
    });
    expect(r.score).toBe(7);
    expect(r.evidence).toEqual({
      congestiveHeartFailure: ['Chronic systolic heart failure'],
      hypertension: ['Essential hypertension'],
      strokeTiaOrThromboembolism: ['History of TIA'],
      vascularDisease: ['Old myocardial infarction'],
    });
  });

  it('does not count look-alikes: prediabetes, pulmonary hypertension, haemorrhagic stroke, dementia', () => {
    const r = cha2ds2VascFromRecord({
      age: 60,
      sex: 'male',
      conditions: [{ display: 'Prediabetes' }, { display: 'Pulmonary hypertension' }, { display: 'Hemorrhagic stroke' }, { display: 'Dementia' }],
    });
    expect(r.score).toBe(0);
    expect(r.evidence).toEqual({});
  });

  it('counts a stroke however the text phrases it, and systemic embolism by code', () => {
    for (const display of ['History of stroke', 'Ischemic stroke', 'Stroke (2019)']) {
      expect(cha2ds2VascFromRecord({ age: 60, sex: 'male', conditions: [{ display }] }).points.strokeTiaOrThromboembolism).toBe(2);
    }
    expect(cha2ds2VascFromRecord({ age: 60, sex: 'male', conditions: [{ display: 'Embolus', code: 'I74.3' }] }).score).toBe(2);
    expect(cha2ds2VascFromRecord({ age: 60, sex: 'male', conditions: [{ display: 'Pulmonary embolism', code: 'I26.99' }] }).score).toBe(0);
  });

  it('counts type 2 diabetes by code E11 and by text', () => {
    expect(cha2ds2VascFromRecord({ age: 60, sex: 'male', conditions: [{ display: 'T2DM', code: 'E11.9' }] }).points.diabetes).toBe(1);
    expect(cha2ds2VascFromRecord({ age: 60, sex: 'male', conditions: [{ display: 'Type 2 diabetes mellitus' }] }).points.diabetes).toBe(1);
  });

  it('will not guess the sex category', () => {
    for (const sex of ['other', 'unknown'] as const) {
      let err: unknown;
      try {
        cha2ds2VascFromRecord({ age: 60, sex, conditions: [] });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RiskInputError);
      expect(err).toMatchObject({ code: 'missing', fields: ['sex'] });
    }
  });
});
