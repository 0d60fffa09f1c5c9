import { describe, expect, it } from 'vitest';
import { assessRisk, DEFAULT_RISK_THRESHOLDS, hasHeartFailure, RiskTierError, type RiskInputs } from '../../../renderer/src/engine/insights/risk-tier';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 20, 12);

function inputs(over: Partial<RiskInputs> = {}): RiskInputs {
  return { nowMs: NOW, timeZone: 'UTC', openAlertPriorities: [], heartFailure: false, monitored: false, weight: [], systolic: [], diastolic: [], readingTimesMs: [], ...over };
}
const daily = (values: number[], endDaysAgo = 0) => values.map((value, i) => ({ timeMs: NOW - (values.length - 1 - i + endDaysAgo) * DAY, value }));
const everyDay = (days: number, skip: (d: number) => boolean = () => false) => Array.from({ length: days }, (_, d) => NOW - d * DAY).filter((_, d) => !skip(d));

describe('risk tier', () => {
  it('is low with no reasons', () => {
    expect(assessRisk(inputs())).toEqual({ tier: 'low', reasons: [] });
  });

  it('open high-priority alerts make the tier high, medium ones moderate, low ones nothing', () => {
    const r = assessRisk(inputs({ openAlertPriorities: ['high', 'high', 'medium', 'low'] }));
    expect(r.tier).toBe('high');
    expect(r.reasons.map((x) => [x.code, x.value])).toEqual([['open-high-alert', 2], ['open-medium-alert', 1]]);
    expect(assessRisk(inputs({ openAlertPriorities: ['medium'] })).tier).toBe('moderate');
    expect(assessRisk(inputs({ openAlertPriorities: ['low'] })).tier).toBe('low');
  });

  it('HF weight gain of 2 kg in 3 days is high; 1.9 kg is not', () => {
    const w = (gain: number) => [{ timeMs: NOW - 2.5 * DAY, value: 80 }, { timeMs: NOW, value: 80 + gain }];
    const r = assessRisk(inputs({ heartFailure: true, weight: w(2) }));
    expect(r.tier).toBe('high');
    expect(r.reasons[0]).toMatchObject({ code: 'hf-weight-gain', value: 2, limit: 2 });
    expect(assessRisk(inputs({ heartFailure: true, weight: w(1.9) })).reasons.map((x) => x.code)).not.toContain('hf-weight-gain');
    // The same gain in a patient without heart failure is not a reason.
    expect(assessRisk(inputs({ heartFailure: false, weight: w(3) })).tier).toBe('low');
  });

  it('HF weight rising 0.2 kg a day over a week is rising, with the slope as the figure', () => {
    const r = assessRisk(inputs({ heartFailure: true, weight: daily([80, 80.25, 80.5, 80.75, 81, 81.25, 81.5]) }));
    // 1.5 kg over 6 days: under the 3-day gain limit (0.75 kg in 3 days), above the 0.2 kg/day slope limit.
    expect(r.tier).toBe('rising');
    expect(r.reasons[0]).toMatchObject({ code: 'hf-weight-rising', value: 0.25, limit: 0.2 });
    expect(assessRisk(inputs({ heartFailure: true, weight: daily([80, 80.15, 80.3, 80.45, 80.6, 80.75, 80.9]) })).tier).toBe('low');
  });

  it('7-day mean systolic at 140 is moderate, 139.9 is not, 160 is high', () => {
    expect(assessRisk(inputs({ systolic: daily([138, 142]) })).reasons[0]).toMatchObject({ code: 'bp-mean-above-target', value: 140, limit: 140, tier: 'moderate' });
    expect(assessRisk(inputs({ systolic: daily([139.8, 140]) })).tier).toBe('low');
    expect(assessRisk(inputs({ systolic: daily([158, 162]) })).reasons[0]).toMatchObject({ code: 'bp-mean-very-high', value: 160, tier: 'high' });
  });

  it('7-day mean diastolic at target is moderate; readings older than 7 days do not count', () => {
    expect(assessRisk(inputs({ systolic: daily([120]), diastolic: daily([90, 90]) })).reasons[0]).toMatchObject({ code: 'bp-mean-above-target', value: 90, limit: 90 });
    expect(assessRisk(inputs({ systolic: daily([170, 170], 8) })).tier).toBe('low');
  });

  it('systolic rising 1 mmHg a day over 14 days is rising', () => {
    const rising = daily(Array.from({ length: 14 }, (_, i) => 110 + i));
    const r = assessRisk(inputs({ systolic: rising }));
    expect(r.tier).toBe('rising');
    expect(r.reasons.find((x) => x.code === 'bp-rising')).toMatchObject({ value: 1, limit: 1 });
    expect(assessRisk(inputs({ systolic: daily(Array.from({ length: 14 }, (_, i) => 110 + i * 0.9)) })).tier).toBe('low');
  });

  it('adherence: 15 of 30 days is low (moderate), 16 is enough; only for monitored patients', () => {
    const fifteen = everyDay(30, (d) => d % 2 === 1);
    expect(fifteen.length).toBe(15);
    const r = assessRisk(inputs({ monitored: true, readingTimesMs: fifteen }));
    expect(r.reasons.map((x) => [x.code, x.value])).toEqual([['low-adherence', 15]]);
    expect(assessRisk(inputs({ monitored: true, readingTimesMs: everyDay(16) })).tier).toBe('low');
    expect(assessRisk(inputs({ monitored: false, readingTimesMs: [] })).tier).toBe('low');
  });

  it('falling adherence: 5 fewer days in the last 15 than in the 15 before is rising; 4 is not', () => {
    // Days 0..14 are the last 15; readings on 10 of them and on all 15 before: a fall of 5.
    const falling = everyDay(30, (d) => d < 5);
    const r = assessRisk(inputs({ monitored: true, readingTimesMs: falling }));
    expect(r.tier).toBe('rising');
    expect(r.reasons.find((x) => x.code === 'falling-adherence')).toMatchObject({ value: 5, limit: 5 });
    expect(assessRisk(inputs({ monitored: true, readingTimesMs: everyDay(30, (d) => d < 4) })).tier).toBe('low');
  });

  it('the tier is the most severe reason and reasons come most severe first', () => {
    const r = assessRisk(inputs({ openAlertPriorities: ['medium'], systolic: daily(Array.from({ length: 14 }, (_, i) => 150 + 2 * i)) }));
    expect(r.reasons.map((x) => x.tier)).toEqual(['high', 'rising', 'moderate']);
    expect(r.tier).toBe('high');
  });

  it('rejects a non-finite now and bad thresholds with a typed error', () => {
    expect(() => assessRisk(inputs({ nowMs: Number.NaN }))).toThrow(RiskTierError);
    expect(() => assessRisk(inputs(), { ...DEFAULT_RISK_THRESHOLDS, systolicTarget: -1 })).toThrow(RiskTierError);
  });

  it('recognises heart failure by text or code', () => {
    expect(hasHeartFailure([{ display: 'Chronic heart failure' }])).toBe(true);
    expect(hasHeartFailure([{ display: 'CHF', code: 'I50.9' }])).toBe(true);
    expect(hasHeartFailure([{ display: 'Hypertension', code: 'I10' }])).toBe(false);
  });
});
