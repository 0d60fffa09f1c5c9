import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../renderer/src/engine/rules/defaults';
import { RuleEngine, type AlertAction } from '../../../renderer/src/engine/rules/evaluate';
import { DAY, MIN, T0, ctx, reading } from './helpers';

const opened = (actions: AlertAction[]) => actions.filter((a) => a.type === 'open').map((a) => a.ruleId);

describe('default rule library', () => {
  it('validates, has unique ids, cites a source for every rule and sets escalation for high priority', () => {
    const rules = defaultRules();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.source.length, r.id).toBeGreaterThan(20);
      if (r.priority === 'high') expect(r.escalateAfterMs, r.id).toBeDefined();
    }
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['bp-hypertensive-crisis', 'bp-stage-2', 'bp-stage-1', 'bp-elevated', 'hypoglycaemia-level-1', 'hypoglycaemia-level-2', 'hyperglycaemia', 'tachycardia-at-rest', 'bradycardia-at-rest', 'spo2-low-scale-1', 'spo2-low-scale-2', 'fever', 'hf-rapid-weight-gain', 'no-readings-3-days', 'news2-medium', 'news2-high']),
    );
  });

  it('a hypertensive crisis alerts on the first reading, systolic or diastolic', () => {
    const engine = new RuleEngine(defaultRules());
    expect(opened(engine.ingest([reading('p', 'blood-pressure-systolic', 181, T0), reading('p', 'blood-pressure-diastolic', 95, T0)]))).toEqual(['bp-hypertensive-crisis']);
    expect(opened(engine.ingest([reading('q', 'blood-pressure-systolic', 170, T0), reading('q', 'blood-pressure-diastolic', 121, T0)]))).toEqual(['bp-hypertensive-crisis']);
    expect(opened(engine.ingest([reading('r', 'blood-pressure-systolic', 180, T0), reading('r', 'blood-pressure-diastolic', 120, T0)]))).toEqual([]);
  });

  it('stages home blood pressure from the 7-day mean of at least 4 readings', () => {
    const engine = new RuleEngine(defaultRules());
    const bp = (p: string, sys: number, dia: number, i: number) => [reading(p, 'blood-pressure-systolic', sys, T0 + i * 12 * 60 * MIN), reading(p, 'blood-pressure-diastolic', dia, T0 + i * 12 * 60 * MIN)];
    const stage2 = [0, 1, 2, 3].flatMap((i) => bp('s2', 138, 82, i));
    const stage1 = [0, 1, 2, 3].flatMap((i) => bp('s1', 126, 82, i));
    const elevated = [0, 1, 2, 3].flatMap((i) => bp('el', 124, 76, i));
    expect(opened(engine.ingest(stage2.slice(0, 6)))).toEqual([]); // only 3 readings so far
    expect(opened(engine.ingest(stage2.slice(6)))).toEqual(['bp-stage-2']);
    expect(opened(engine.ingest(stage1))).toEqual(['bp-stage-1']);
    expect(opened(engine.ingest(elevated))).toEqual(['bp-elevated']);
  });

  it('level 2 hypoglycaemia alerts at once; level 1 needs two low readings 15 minutes apart', () => {
    const engine = new RuleEngine(defaultRules());
    expect(opened(engine.ingest([reading('l2', 'glucose', 50, T0)]))).toEqual(['hypoglycaemia-level-2']);
    expect(opened(engine.ingest([reading('l1', 'glucose', 65, T0)]))).toEqual([]);
    expect(opened(engine.ingest([reading('l1', 'glucose', 66, T0 + 5 * MIN)]))).toEqual([]);
    expect(opened(engine.ingest([reading('l1', 'glucose', 64, T0 + 15 * MIN)]))).toEqual(['hypoglycaemia-level-1']);
    // a meter in mmol/L: 2.8 mmol/L = 50 mg/dL
    expect(opened(engine.ingest([reading('mmol', 'glucose', 2.8, T0, { unit: 'mmol/L' })]))).toEqual(['hypoglycaemia-level-2']);
  });

  it('one fast heart-rate reading pages nobody; ten minutes of tachycardia does', () => {
    const engine = new RuleEngine(defaultRules());
    expect(opened(engine.ingest([reading('p', 'heart-rate', 130, T0), reading('p', 'heart-rate', 80, T0 + MIN)]))).toEqual([]);
    const sustained = [0, 4, 8, 10].map((m) => reading('p', 'heart-rate', 112, T0 + 20 * MIN + m * MIN));
    const actions = engine.ingest(sustained);
    expect(opened(actions)).toEqual(['tachycardia-at-rest']);
    expect(actions[0]!.atMs).toBe(T0 + 30 * MIN);
  });

  it('uses SpO2 scale 1 for most patients and scale 2 for hypercapnic respiratory failure', () => {
    const copd = ctx('copd', { conditions: [{ display: 'Chronic respiratory failure with hypercapnia', code: 'J96.12' }] });
    const engine = new RuleEngine(defaultRules(), [copd]);
    const twice = (p: string, v: number) => [reading(p, 'spo2', v, T0), reading(p, 'spo2', v, T0 + 5 * MIN)];
    expect(opened(engine.ingest(twice('copd', 89)))).toEqual([]); // in the 88–92 target range
    expect(opened(engine.ingest(twice('other', 89)))).toEqual(['spo2-low-scale-1']);
    expect(opened(engine.ingest(twice('other2', 93)))).toEqual(['spo2-reduced-scale-1']);
    expect(opened(engine.ingest(twice('copd2', 83)))).toEqual(['spo2-low-scale-1']); // no hypercapnia recorded
    const engine2 = new RuleEngine(defaultRules(), [copd]);
    expect(opened(engine2.ingest(twice('copd', 83)))).toEqual(['spo2-low-scale-2']);
  });

  it('fever needs two readings at or above 38.0 °C', () => {
    const engine = new RuleEngine(defaultRules());
    expect(opened(engine.ingest([reading('p', 'body-temperature', 38.2, T0)]))).toEqual([]);
    expect(opened(engine.ingest([reading('p', 'body-temperature', 38.0, T0 + 30 * MIN)]))).toEqual(['fever']);
  });

  it('flags 2 kg gained in 3 days only for heart-failure patients', () => {
    const hf = ctx('hf', { conditions: [{ display: 'Heart failure with reduced ejection fraction', code: 'I50.2' }] });
    const engine = new RuleEngine(defaultRules(), [hf]);
    const gain = (p: string) => [reading(p, 'body-weight', 80, T0), reading(p, 'body-weight', 81, T0 + DAY), reading(p, 'body-weight', 82.1, T0 + 2 * DAY)];
    expect(opened(engine.ingest([...gain('hf'), ...gain('other')]))).toEqual(['hf-rapid-weight-gain']);
  });

  it('notices 3 days without readings', () => {
    const engine = new RuleEngine(defaultRules());
    engine.ingest([reading('p', 'body-weight', 80, T0)]);
    expect(opened(engine.tick(T0 + 3 * DAY))).toEqual(['no-readings-3-days']);
  });
});
