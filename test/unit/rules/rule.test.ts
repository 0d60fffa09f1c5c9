import { describe, expect, it } from 'vitest';
import { RuleValidationError, conditionMetrics, parseRule, parseRuleSet } from '../../../renderer/src/engine/rules/rule';

const base = { id: 'r1', name: 'Tachycardia', description: 'HR > 100', source: 'tests', priority: 'medium' };
const hr = { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 100 };

function issues(input: unknown) {
  try {
    parseRule(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleValidationError);
    return (e as RuleValidationError).issues;
  }
  throw new Error('expected a RuleValidationError');
}

describe('rule validation', () => {
  it('fills in defaults: enabled, version 1, all patients, any source grade, no persistence, no overrides', () => {
    expect(parseRule({ ...base, condition: hr })).toEqual({
      ...base,
      enabled: true,
      version: 1,
      appliesTo: { patients: 'all', except: [] },
      clinicalGradeOnly: false,
      persistence: { readings: 1, forMs: 0 },
      condition: { ...hr, overrides: [] },
    });
  });

  it('reports each bad field by its path with a message staff can act on', () => {
    expect(issues({ ...base, priority: 'urgent', condition: { ...hr, metric: 'pulse', level: '100' } })).toEqual([
      { path: 'priority', message: 'priority must be high, medium or low' },
      { path: 'condition.metric', message: expect.stringMatching(/^metric must be one of heart-rate, /) },
      { path: 'condition.level', message: 'level must be a number' },
    ]);
    expect(issues({ ...base, name: '  ', condition: hr })).toEqual([{ path: 'name', message: 'enter a name' }]);
    expect(issues({ ...base, condition: { kind: 'treshold' } })).toEqual([
      { path: 'condition.kind', message: 'condition kind must be one of threshold, rate-of-change, window-aggregate, missing-data, news2, baseline-deviation, cusum, all, any' },
    ]);
  });

  it('checks hysteresis is on the safe side, also in overrides and nested conditions', () => {
    expect(issues({ ...base, condition: { ...hr, clearLevel: 105 } })).toEqual([
      { path: 'condition.clearLevel', message: 'clearLevel must be at or below level for operator > (hysteresis clears on the safe side)' },
    ]);
    expect(issues({ ...base, condition: { kind: 'any', conditions: [hr, { ...hr, operator: '<', level: 50, overrides: [{ patientId: 'p', level: 45, clearLevel: 40 }] }] } })).toEqual([
      { path: 'condition.conditions.1.overrides.0.clearLevel', message: 'clearLevel must be at or above level for operator < (hysteresis clears on the safe side)' },
    ]);
  });

  it('checks windows, persistence, bands and combinations', () => {
    expect(issues({ ...base, persistence: { readings: 0 }, condition: { kind: 'rate-of-change', metric: 'body-weight', unit: 'kg', direction: 'up', amount: -2, windowMs: 1.5 } })).toEqual([
      { path: 'persistence.readings', message: 'persistence.readings must be at least 1' },
      { path: 'condition.direction', message: 'direction must be rise or fall' },
      { path: 'condition.amount', message: 'amount must be greater than 0' },
      { path: 'condition.windowMs', message: 'windowMs must be whole milliseconds' },
    ]);
    expect(issues({ ...base, condition: { kind: 'news2', atLeast: 'high', below: 'medium', freshForMs: 3600000 } })).toEqual([
      { path: 'condition.below', message: 'below must be a higher band than atLeast' },
    ]);
    expect(issues({ ...base, condition: { kind: 'all', conditions: [] } })).toEqual([{ path: 'condition.conditions', message: 'a combination needs at least one condition' }]);
    expect(issues({ ...base, appliesTo: { patients: [] }, condition: hr })).toEqual([{ path: 'appliesTo.patients', message: 'list at least one criterion, or use "all"' }]);
  });

  it('rejects duplicate ids in a rule set and names the metrics a rule reads', () => {
    expect(() => parseRuleSet([{ ...base, condition: hr }, { ...base, condition: hr }])).toThrow(/r1: id: another rule in the set has this id/);
    expect(conditionMetrics(parseRule({ ...base, condition: { kind: 'all', conditions: [hr, { kind: 'missing-data', metrics: ['spo2'], forMs: 1000 }] } }).condition)).toEqual(['heart-rate', 'spo2']);
    expect(conditionMetrics(parseRule({ ...base, condition: { kind: 'missing-data', forMs: 1000 } }).condition)).toBeUndefined();
  });
});
