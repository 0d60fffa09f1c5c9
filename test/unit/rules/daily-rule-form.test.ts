import { describe, expect, it } from 'vitest';
import { BaselineMonitor, type MonitorReading } from '../../../renderer/src/engine/baselines/monitor';
import { baselineDefaultRules } from '../../../renderer/src/engine/rules/baseline-defaults';
import { emptyContext, type PatientRuleContext } from '../../../renderer/src/engine/rules/context';
import type { RuleDefinition } from '../../../renderer/src/engine/rules/rule';
import { blankDailyRuleForm, dailyRulePreview, dailyRuleToForm, fromDailyRuleForm, type DailyRuleForm } from '../../../renderer/src/views/rules/daily-rule-form';
import { memoryLoader, seeded, weightDay } from '../baselines/synthetic';

const ids = () => 'clinic-rule-1';
const names: Record<string, string> = { 'heart-failure': 'Heart failure', hypertension: 'Hypertension' };
const programName = (k: string) => names[k] ?? k;
const form = (o: Partial<DailyRuleForm>): DailyRuleForm => ({ ...blankDailyRuleForm(o.kind), ...o });
const issuesOf = (f: DailyRuleForm) => {
  const r = fromDailyRuleForm(f, undefined, ids, programName);
  return r.ok ? [] : r.issues;
};

describe('the baseline rule form', () => {
  it('asks for a name and a metric', () => {
    expect(issuesOf(blankDailyRuleForm())).toEqual([
      { path: 'name', message: 'enter a name' },
      { path: 'metric', message: 'choose the metric the rule watches' },
    ]);
  });

  it('puts each bad number at its field', () => {
    const ok = { name: 'Weight up', metric: 'body-weight' as const };
    expect(issuesOf(form({ ...ok, threshold: '0' }))).toEqual([{ path: 'threshold', message: 'threshold must be more than 0 and at most 20 robust SDs' }]);
    expect(issuesOf(form({ ...ok, sustainedDays: '1.5' }))).toEqual([{ path: 'sustainedDays', message: 'sustainedDays must be whole days' }]);
    expect(issuesOf(form({ ...ok, clearThreshold: '3' }))).toEqual([{ path: 'clearThreshold', message: 'clearThreshold must not exceed threshold (hysteresis clears on the safe side)' }]);
    expect(issuesOf(form({ ...ok, minBaselineDays: '3' }))).toEqual([{ path: 'minBaselineDays', message: 'minBaselineDays must be at least 7' }]);
    expect(issuesOf(form({ ...ok, cooldownDays: '' }))).toEqual([{ path: 'cooldownDays', message: 'cooldownDays must be a number of days' }]);
    expect(issuesOf(form({ ...ok, kind: 'cusum', k: '2', h: '1' }))).toEqual([{ path: 'h', message: 'h must be greater than k, or a single ordinary day would alarm' }]);
    expect(issuesOf(form({ ...ok, kind: 'cusum', k: 'half' }))).toEqual([{ path: 'k', message: 'k must be a number' }]);
  });

  it('makes a validated rule for the chosen programs, described in words', () => {
    const f = form({ name: 'Resting HR up', metric: 'resting-heart-rate', threshold: '2', sustainedDays: '3', programs: ['heart-failure', 'hypertension'], priority: 'high' });
    const r = fromDailyRuleForm(f, undefined, ids, programName);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rule).toMatchObject({
      id: 'clinic-rule-1', version: 1, enabled: true, priority: 'high',
      appliesTo: { patients: [{ kind: 'program', value: 'heart-failure' }, { kind: 'program', value: 'hypertension' }], except: [] },
      condition: { kind: 'baseline-deviation', metric: 'resting-heart-rate', direction: 'rise', threshold: 2, sustainedDays: 3, minBaselineDays: 14, cooldownDays: 7 },
    });
    expect(r.rule.description).toBe(
      "Raises a high-priority alert when the patient's daily resting heart rate is at least 2 robust SDs (2.97 MADs) above their own baseline (the median of the previous 28 days) on 3 days with data in a row. " +
        'It clears once a day is back within 1 robust SDs. Nothing is judged until the baseline has 14 days with enough data among the last 28; after an alert opens, no new one opens for 7 days. ' +
        'Applies to patients in the Heart failure or Hypertension programs.',
    );
    expect(dailyRulePreview(form({ metric: 'steps', kind: 'cusum', direction: 'fall', k: '0.5', h: '4', cooldownDays: '0' }))).toMatch(
      /^Adds up, day by day, how far the patient's daily steps is below their own baseline beyond an allowance of 0\.5 robust SDs \(0\.74 MADs\).*passes 4 robust SDs \(5\.93 MADs\).*a new one may open at once\. Applies to every patient\.$/,
    );
    expect(dailyRulePreview(form({ metric: 'steps', threshold: 'x' }))).toBeUndefined();
  });

  it('edits a stored rule: its id, version and other criteria kept, programs added', () => {
    const drift = baselineDefaultRules().find((r) => r.id === 'baseline-hf-weight-drift')!;
    const f = dailyRuleToForm(drift, programName)!;
    expect(f).toMatchObject({ kind: 'cusum', metric: 'body-weight', direction: 'rise', programs: ['heart-failure'] });
    f.h = '7';
    f.programs = ['heart-failure', 'hypertension'];
    const r = fromDailyRuleForm(f, drift, () => 'unused', programName);
    expect(r.ok && r.rule).toMatchObject({ id: drift.id, version: drift.version, source: drift.source, description: drift.description, condition: { kind: 'cusum', h: 7 } });
    expect(r.ok && r.rule.appliesTo.patients).toEqual([
      { kind: 'condition', value: 'heart failure' },
      { kind: 'condition', value: 'I50' },
      { kind: 'tag', value: 'heart-failure' },
      { kind: 'program', value: 'heart-failure' },
      { kind: 'program', value: 'hypertension' },
    ]);
    expect(dailyRulePreview(f, programName, drift)).toMatch(/Applies to patients with a condition matching “heart failure” or with a condition matching “I50” or tagged “heart-failure” or in the Heart failure or Hypertension programs\.$/);
    // a combination of daily conditions stays with the general editor
    expect(dailyRuleToForm(baselineDefaultRules().find((x) => x.condition.kind === 'all')!)).toBeUndefined();
  });
});

describe('a rule saved from the form evaluates', () => {
  async function run(rule: RuleDefinition, ctx: (id: string) => PatientRuleContext) {
    const rand = seeded(7);
    const stored: MonitorReading[] = [];
    const monitor = new BaselineMonitor(memoryLoader(stored));
    const opens = [];
    for (let d = 0; d < 60; d++) {
      const batch = [weightDay('enrolled', d, rand, d >= 40 ? 82.5 : 80), weightDay('other', d, rand, d >= 40 ? 82.5 : 80)];
      stored.push(...batch);
      opens.push(...(await monitor.ingest(batch, [rule], ctx)).filter((a) => a.type === 'open'));
    }
    return opens;
  }

  it('a weight step opens one alert for the patient in the chosen program only', async () => {
    const r = fromDailyRuleForm(form({ name: 'Weight step', metric: 'body-weight', threshold: '3', sustainedDays: '2', programs: ['heart-failure'] }), undefined, ids, programName);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const ctx = (id: string): PatientRuleContext => ({ ...emptyContext(id), programs: id === 'enrolled' ? ['heart-failure'] : [] });
    const opens = await run(r.rule, ctx);
    expect(opens.map((a) => a.patientId)).toEqual(['enrolled']);
    expect(opens[0]!.ruleId).toBe('clinic-rule-1');
    // the second day of the step (sustained 2 days)
    expect(opens[0]!.atMs - Date.UTC(2026, 0, 5)).toBe(41 * 86_400_000);
  });
});
