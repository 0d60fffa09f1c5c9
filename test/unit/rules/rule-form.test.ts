import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../renderer/src/engine/rules/defaults';
import { parseRule, type RuleDefinition, type ThresholdCondition } from '../../../renderer/src/engine/rules/rule';
import { conditionSummary, durationText, fromRuleForm, toRuleForm } from '../../../renderer/src/views/rules/rule-form';

const rule = (id: string): RuleDefinition => parseRule(defaultRules().find((r) => r.id === id)!);
const label = (id: string) => `patient ${id}`;

describe('the Rules screen form', () => {
  it('round-trips a rule unchanged', () => {
    for (const def of defaultRules().map((d) => parseRule(d))) {
      const result = fromRuleForm(def, toRuleForm(def, label));
      expect(result).toEqual({ ok: true, rule: def });
    }
  });

  it('takes the escalation delay and persistence in minutes with decimals, and an empty delay as never', () => {
    const def = rule('tachycardia-at-rest');
    const form = toRuleForm(def, label);
    expect(form).toMatchObject({ escalationMinutes: '120', persistenceMinutes: '10', persistenceReadings: '3' });
    form.escalationMinutes = '0.25';
    form.persistenceMinutes = '1,5';
    const result = fromRuleForm(def, form);
    expect(result.ok && result.rule).toMatchObject({ escalateAfterMs: 15_000, persistence: { readings: 3, forMs: 90_000 } });
    form.escalationMinutes = ' ';
    const never = fromRuleForm(def, form);
    expect(never.ok && 'escalateAfterMs' in never.rule).toBe(false);
  });

  it('edits the levels of each threshold inside a combination and per-patient overrides', () => {
    const def = rule('tachycardia-at-rest');
    const form = toRuleForm(def, label);
    expect(form.conditions.map((c) => c.path)).toEqual(['condition.conditions.0', 'condition.conditions.1']);
    form.conditions[0]!.level = '110';
    form.conditions[0]!.clearLevel = '';
    form.conditions[0]!.overrides.push({ patientId: 'p1', label: label('p1'), level: '120', clearLevel: '115' });
    const result = fromRuleForm(def, form);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const first = (result.rule.condition as { conditions: ThresholdCondition[] }).conditions[0]!;
    expect(first).toMatchObject({ level: 110, overrides: [{ patientId: 'p1', level: 120, clearLevel: 115 }] });
    expect('clearLevel' in first).toBe(false);
    expect(result.rule.version).toBe(def.version);
  });

  it('edits the amount and window of a rate of change in hours', () => {
    const def = rule('hf-rapid-weight-gain');
    const form = toRuleForm(def, label);
    expect(form.conditions[0]).toMatchObject({ kind: 'rate-of-change', amount: '2', clearAmount: '1', windowHours: '72' });
    form.conditions[0]!.amount = '1.5';
    form.conditions[0]!.windowHours = '48';
    const result = fromRuleForm(def, form);
    expect(result.ok && result.rule.condition).toMatchObject({ amount: 1.5, windowMs: 48 * 3_600_000 });
  });

  it('reports parseRule messages at the field they belong to', () => {
    const def = rule('tachycardia-at-rest');
    const form = toRuleForm(def, label);
    form.conditions[1]!.clearLevel = '130';
    form.escalationMinutes = '0';
    form.persistenceReadings = '';
    const result = fromRuleForm(def, form);
    expect(result.ok).toBe(false);
    const byPath = Object.fromEntries((result.ok ? [] : result.issues).map((i) => [i.path, i.message]));
    expect(byPath).toEqual({
      'persistence.readings': 'persistence.readings must be a number',
      escalateAfterMs: 'escalateAfterMs must be greater than 0',
      'condition.conditions.1.clearLevel': expect.stringMatching(/clearLevel must be at or below level/),
    });
    form.escalationMinutes = 'soon';
    const words = fromRuleForm(def, form);
    expect(words.ok ? [] : words.issues).toEqual([{ path: 'escalateAfterMs', message: 'enter the escalation delay in minutes (decimals allowed, e.g. 0.25)' }]);
  });

  it('summarises conditions and durations for the table', () => {
    expect(conditionSummary(rule('tachycardia-at-rest').condition)).toBe('any of: threshold heart-rate > 100 /min; threshold pulse-rate > 100 /min');
    expect(durationText(15_000)).toBe('15 s');
    expect(durationText(2 * 3_600_000)).toBe('2 h');
    expect(durationText(90_000)).toBe('90 s');
    expect(durationText(1500)).toBe('1.5 s');
    expect(durationText(undefined)).toBe('—');
  });
});
