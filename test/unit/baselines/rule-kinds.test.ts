import { describe, expect, it } from 'vitest';
import { RuleEngine } from '../../../renderer/src/engine/rules/evaluate';
import { conditionMetrics, isDailyCondition, parseRule, RuleValidationError, type RuleIssue } from '../../../renderer/src/engine/rules/rule';
import { fromRuleForm, toRuleForm, conditionSummary } from '../../../renderer/src/views/rules/rule-form';
import { DAY0, reading } from './synthetic';

const base = { id: 'r', name: 'Weight drift', description: 'd', source: 'Page ES. Continuous inspection schemes. Biometrika 1954', priority: 'medium' };
const cusum = { kind: 'cusum', metric: 'body-weight', direction: 'rise', k: 0.5, h: 5 };

function issues(input: unknown): RuleIssue[] {
  try {
    parseRule(input);
  } catch (err) {
    if (err instanceof RuleValidationError) return err.issues;
    throw err;
  }
  return [];
}

describe('baseline-deviation and cusum rule kinds', () => {
  it('validate, with defaults for the alarm-fatigue controls', () => {
    const r = parseRule({ ...base, condition: cusum });
    expect(r.condition).toEqual({ ...cusum, minBaselineDays: 14, cooldownDays: 7 });
    expect(isDailyCondition(r.condition)).toBe(true);
    expect(conditionMetrics(r.condition)).toEqual(['body-weight']);
    const d = parseRule({ ...base, condition: { kind: 'baseline-deviation', metric: 'resting-heart-rate', direction: 'rise', threshold: 2, sustainedDays: 2 } });
    expect(conditionMetrics(d.condition)).toEqual(['heart-rate']);
  });

  it('gives field messages for bad k and h', () => {
    expect(issues({ ...base, condition: { ...cusum, k: -1 } })).toEqual([{ path: 'condition.k', message: 'k (the allowance) must be between 0 and 5 robust SDs' }]);
    expect(issues({ ...base, condition: { ...cusum, h: 0 } })).toEqual([
      { path: 'condition.h', message: 'h (the decision interval) must be more than 0 and at most 50 robust SDs' },
    ]);
    expect(issues({ ...base, condition: { ...cusum, k: 2, h: 1.5 } })).toEqual([{ path: 'condition.h', message: 'h must be greater than k, or a single ordinary day would alarm' }]);
    expect(issues({ ...base, condition: { ...cusum, h: 'five' } })).toEqual([{ path: 'condition.h', message: 'h must be a number' }]);
    expect(issues({ ...base, condition: { ...cusum, cooldownDays: 1.5 } })).toEqual([{ path: 'condition.cooldownDays', message: 'cooldownDays must be whole days' }]);
  });

  it('gives field messages for bad baseline-deviation fields and refuses mixing daily and reading conditions', () => {
    const dev = { kind: 'baseline-deviation', metric: 'steps', direction: 'fall', threshold: 2, sustainedDays: 3 };
    expect(issues({ ...base, condition: { ...dev, metric: 'sleep' } })[0]).toMatchObject({ path: 'condition.metric' });
    expect(issues({ ...base, condition: { ...dev, sustainedDays: 0 } })).toEqual([{ path: 'condition.sustainedDays', message: 'sustainedDays must be at least 1' }]);
    expect(issues({ ...base, condition: { ...dev, clearThreshold: 3 } })).toEqual([{ path: 'condition.clearThreshold', message: 'clearThreshold must not exceed threshold (hysteresis clears on the safe side)' }]);
    expect(issues({ ...base, condition: { ...dev, minBaselineDays: 3 } })).toEqual([{ path: 'condition.minBaselineDays', message: 'minBaselineDays must be at least 7' }]);
    const threshold = { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 120 };
    expect(issues({ ...base, condition: { kind: 'all', conditions: [dev, threshold] } })).toEqual([
      { path: 'condition.conditions', message: 'baseline-deviation and cusum conditions are judged per day and combine only with each other' },
    ]);
  });

  it('the per-reading engine leaves daily rules to the baselines', () => {
    const engine = new RuleEngine([parseRule({ ...base, condition: { ...cusum, k: 0, h: 0.001 } })]);
    expect(engine.ingest([{ ...reading('p', 'body-weight', 95, DAY0, 'kg'), id: 'x' }])).toEqual([]);
  });

  it('the Rules screen edits their parameters and summarises them', () => {
    const r = parseRule({ ...base, condition: cusum });
    const form = toRuleForm(r, (id) => id);
    expect(form.conditions).toMatchObject([{ path: 'condition', kind: 'cusum', k: '0.5', h: '5', minBaselineDays: '14', cooldownDays: '7' }]);
    form.conditions[0]!.h = '0.2';
    expect(fromRuleForm(r, form)).toEqual({ ok: false, issues: [{ path: 'condition.h', message: 'h must be greater than k, or a single ordinary day would alarm' }] });
    form.conditions[0]!.h = '4';
    const saved = fromRuleForm(r, form);
    expect(saved.ok && saved.rule.condition).toMatchObject({ kind: 'cusum', h: 4 });
    expect(conditionSummary(r.condition)).toBe('CUSUM body-weight rise (k 0.5, h 5 robust SD)');
  });
});
