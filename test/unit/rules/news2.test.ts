import { describe, expect, it } from 'vitest';
import {
  News2InputError,
  parseNews2Input,
  scoreAirOrOxygen,
  scoreConsciousness,
  scoreNews2,
  scorePulse,
  scoreRespiratoryRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolic,
  scoreTemperature,
  type News2Input,
} from '../../../renderer/src/engine/rules/news2';

/** Each pair is [value, expected score]; both sides of every band edge of RCP NEWS2 Chart 1. */
type Cases = [number, number][];

describe('NEWS2 parameter bands (RCP 2017 Chart 1)', () => {
  it('respiration rate: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3', () => {
    const cases: Cases = [[0, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [60, 3]];
    for (const [v, s] of cases) expect(scoreRespiratoryRate(v), `RR ${v}`).toBe(s);
  });
  it('SpO2 scale 1: ≤91 → 3, 92–93 → 2, 94–95 → 1, ≥96 → 0', () => {
    const cases: Cases = [[70, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0]];
    for (const [v, s] of cases) expect(scoreSpo2Scale1(v), `SpO2 ${v}`).toBe(s);
  });
  it('SpO2 scale 2 on air: ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0, ≥93 on air → 0', () => {
    const cases: Cases = [[70, 3], [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 0], [94, 0], [97, 0], [100, 0]];
    for (const [v, s] of cases) expect(scoreSpo2Scale2(v, false), `SpO2 ${v} on air`).toBe(s);
  });
  it('SpO2 scale 2 on oxygen: low bands as on air, then 93–94 → 1, 95–96 → 2, ≥97 → 3', () => {
    const cases: Cases = [[83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 1], [94, 1], [95, 2], [96, 2], [97, 3], [100, 3]];
    for (const [v, s] of cases) expect(scoreSpo2Scale2(v, true), `SpO2 ${v} on oxygen`).toBe(s);
  });
  it('air or oxygen: oxygen → 2, air → 0', () => {
    expect(scoreAirOrOxygen(true)).toBe(2);
    expect(scoreAirOrOxygen(false)).toBe(0);
  });
  it('systolic: ≤90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, ≥220 → 3', () => {
    const cases: Cases = [[60, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [260, 3]];
    for (const [v, s] of cases) expect(scoreSystolic(v), `SBP ${v}`).toBe(s);
  });
  it('pulse: ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3', () => {
    const cases: Cases = [[30, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [180, 3]];
    for (const [v, s] of cases) expect(scorePulse(v), `pulse ${v}`).toBe(s);
  });
  it('consciousness: Alert → 0; new confusion, voice, pain, unresponsive → 3', () => {
    expect(scoreConsciousness('A')).toBe(0);
    for (const c of ['C', 'V', 'P', 'U'] as const) expect(scoreConsciousness(c)).toBe(3);
  });
  it('temperature: ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2', () => {
    const cases: Cases = [[33, 3], [35.0, 3], [35.1, 1], [36.0, 1], [36.1, 0], [38.0, 0], [38.1, 1], [39.0, 1], [39.1, 2], [41, 2]];
    for (const [v, s] of cases) expect(scoreTemperature(v), `temp ${v}`).toBe(s);
  });
  it('rounds finer device values to the chart resolution, half up, before scoring', () => {
    expect(scoreSpo2Scale1(95.4)).toBe(1); // charted 95
    expect(scoreSpo2Scale1(95.5)).toBe(0); // charted 96
    expect(scoreRespiratoryRate(20.4)).toBe(0);
    expect(scoreRespiratoryRate(20.5)).toBe(2);
    expect(scoreTemperature(38.04)).toBe(0); // 38.0
    expect(scoreTemperature(38.05)).toBe(1); // 38.1, although 38.05 is stored as 38.04999…
    expect(scoreTemperature(35.04)).toBe(3);
    expect(scorePulse(90.5)).toBe(1);
    expect(scoreSystolic(110.49)).toBe(1);
  });
});

const normal: News2Input = { respiratoryRate: 16, spo2: 97, spo2Scale: 1, onOxygen: false, systolic: 125, pulse: 70, consciousness: 'A', temperature: 36.8 };

describe('NEWS2 aggregate and clinical risk (RCP 2017 Chart 2)', () => {
  it('scores the worked example from issue 6 as 7, high', () => {
    // Hand calculation: respiration 22 → 2 (21–24); SpO2 94 on scale 1 → 1 (94–95); air → 0;
    // systolic 105 → 1 (101–110); pulse 112 → 2 (111–130); Alert → 0; 38.4 °C → 1 (38.1–39.0).
    // 2 + 1 + 0 + 1 + 2 + 0 + 1 = 7, and an aggregate of 7 or more is high.
    const r = scoreNews2({ respiratoryRate: 22, spo2: 94, spo2Scale: 1, onOxygen: false, systolic: 105, pulse: 112, consciousness: 'A', temperature: 38.4 });
    expect(r).toEqual({
      score: 7,
      band: 'high',
      parameters: { respiratoryRate: 2, spo2: 1, airOrOxygen: 0, systolic: 1, pulse: 2, consciousness: 0, temperature: 1 },
    });
  });
  it('is 0 and low for normal vitals', () => {
    expect(scoreNews2(normal)).toMatchObject({ score: 0, band: 'low' });
  });
  it('bands the aggregate: 4 low, 5 and 6 medium, 7 high', () => {
    // pulse 112 (2) + RR 22 (2) = 4
    expect(scoreNews2({ ...normal, pulse: 112, respiratoryRate: 22 })).toMatchObject({ score: 4, band: 'low' });
    expect(scoreNews2({ ...normal, pulse: 112, respiratoryRate: 22, temperature: 38.5 })).toMatchObject({ score: 5, band: 'medium' });
    expect(scoreNews2({ ...normal, pulse: 112, respiratoryRate: 22, spo2: 93 })).toMatchObject({ score: 6, band: 'medium' });
    expect(scoreNews2({ ...normal, pulse: 112, respiratoryRate: 22, spo2: 93, temperature: 38.5 })).toMatchObject({ score: 7, band: 'high' });
  });
  it('a single red score (3) in an otherwise low aggregate is low-medium', () => {
    expect(scoreNews2({ ...normal, consciousness: 'C' })).toMatchObject({ score: 3, band: 'low-medium' });
    expect(scoreNews2({ ...normal, respiratoryRate: 8, pulse: 95 })).toMatchObject({ score: 4, band: 'low-medium' });
    // a 3 inside a medium aggregate stays medium
    expect(scoreNews2({ ...normal, systolic: 90, pulse: 112 })).toMatchObject({ score: 5, band: 'medium' });
  });
  it('oxygen adds 2 on both scales; scale 2 scores high saturations only on oxygen', () => {
    expect(scoreNews2({ ...normal, onOxygen: true })).toMatchObject({ score: 2, parameters: { spo2: 0, airOrOxygen: 2 } });
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2: 97, onOxygen: true })).toMatchObject({ score: 5, band: 'medium', parameters: { spo2: 3, airOrOxygen: 2 } });
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2: 97, onOxygen: false })).toMatchObject({ score: 0, band: 'low' });
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2: 90 })).toMatchObject({ score: 0 });
    expect(scoreNews2({ ...normal, spo2Scale: 1, spo2: 90 })).toMatchObject({ score: 3, band: 'low-medium' });
  });
});

describe('NEWS2 input validation', () => {
  const valid = { respiratoryRate: 22, spo2: 94, spo2Scale: 1, onOxygen: false, systolic: 105, pulse: 112, consciousness: 'A', temperature: 38.4 };
  const fails = (raw: unknown): News2InputError => {
    try {
      parseNews2Input(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(News2InputError);
      return e as News2InputError;
    }
    throw new Error('expected a News2InputError');
  };
  it('accepts the issue example, defaults the scale to 1 and takes lower-case ACVPU', () => {
    expect(parseNews2Input(valid)).toEqual(valid);
    const { spo2Scale: _ignored, ...noScale } = valid;
    expect(parseNews2Input({ ...noScale, consciousness: 'v' })).toEqual({ ...valid, consciousness: 'V' });
  });
  it('names the missing, non-numeric or out-of-range field', () => {
    const { pulse: _p, ...noPulse } = valid;
    expect(fails(noPulse)).toMatchObject({ code: 'missing', field: 'pulse' });
    expect(fails({ ...valid, spo2: '94' })).toMatchObject({ code: 'not-a-number', field: 'spo2' });
    expect(fails({ ...valid, spo2: 104 })).toMatchObject({ code: 'out-of-range', field: 'spo2' });
    expect(fails({ ...valid, temperature: 384 })).toMatchObject({ code: 'out-of-range', field: 'temperature' });
    expect(fails({ ...valid, systolic: Number.NaN })).toMatchObject({ code: 'not-a-number', field: 'systolic' });
  });
  it('rejects bad scale, oxygen, consciousness, unknown fields and non-objects', () => {
    expect(fails({ ...valid, spo2Scale: 3 })).toMatchObject({ code: 'bad-value', field: 'spo2Scale' });
    expect(fails({ ...valid, onOxygen: 'no' })).toMatchObject({ code: 'bad-value', field: 'onOxygen' });
    const { onOxygen: _o, ...noOxygen } = valid;
    expect(fails(noOxygen)).toMatchObject({ code: 'missing', field: 'onOxygen' });
    expect(fails({ ...valid, consciousness: 'X' })).toMatchObject({ code: 'bad-value', field: 'consciousness' });
    expect(fails({ ...valid, heartRate: 80 })).toMatchObject({ code: 'bad-value', field: 'heartRate' });
    expect(fails([1, 2])).toMatchObject({ code: 'not-an-object' });
    expect(fails(null)).toMatchObject({ code: 'not-an-object' });
  });
});
