import { describe, expect, it } from 'vitest';
import { RuleEngine, evaluate, emptyEngineState } from '../../../renderer/src/engine/rules/evaluate';
import { DAY, HOUR, MIN, T0, ctx, reading, rule } from './helpers';

const hrOver100 = { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 100, clearLevel: 95 } as const;

describe('threshold rules, de-duplication and hysteresis', () => {
  it('opens one alert, re-fires as updates of the same alert, holds between the levels and clears past the clear level', () => {
    const engine = new RuleEngine([rule(hrOver100)]);
    const a = reading('p1', 'heart-rate', 110, T0);
    const open = engine.ingest([a]);
    expect(open).toEqual([
      expect.objectContaining({ type: 'open', patientId: 'p1', ruleId: 'test-rule', priority: 'medium', atMs: T0, readingIds: [a.id], values: { 'heart-rate': 110 } }),
    ]);
    const key = open[0]!.alertKey;
    const b = reading('p1', 'heart-rate', 120, T0 + MIN);
    expect(engine.ingest([b])).toEqual([expect.objectContaining({ type: 'update', alertKey: key, readingIds: [b.id] })]);
    // 97 is below the level but above the clear level: the alert stays, nothing is said
    expect(engine.ingest([reading('p1', 'heart-rate', 97, T0 + 2 * MIN)])).toEqual([]);
    expect(engine.conditionHolds('p1', 'test-rule')).toBe(true);
    const c = reading('p1', 'heart-rate', 95, T0 + 3 * MIN);
    expect(engine.ingest([c])).toEqual([expect.objectContaining({ type: 'clear', alertKey: key, readingIds: [c.id] })]);
    expect(engine.conditionHolds('p1', 'test-rule')).toBe(false);
    // 99 after clearing is below the raise level: still quiet; 101 opens a new episode
    expect(engine.ingest([reading('p1', 'heart-rate', 99, T0 + 4 * MIN)])).toEqual([]);
    const again = engine.ingest([reading('p1', 'heart-rate', 101, T0 + 5 * MIN)]);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ type: 'open' });
    expect(again[0]!.alertKey).not.toBe(key);
  });

  it('keeps one alert per patient and rule, and separate alerts for different patients', () => {
    const engine = new RuleEngine([rule(hrOver100)]);
    const actions = engine.ingest([
      reading('p1', 'heart-rate', 110, T0),
      reading('p2', 'heart-rate', 130, T0),
      reading('p1', 'heart-rate', 140, T0 + MIN),
      reading('p2', 'heart-rate', 125, T0 + MIN),
    ]);
    expect(actions.filter((a) => a.type === 'open').map((a) => a.patientId)).toEqual(['p1', 'p2']);
    expect(actions.filter((a) => a.type === 'update').map((a) => a.patientId)).toEqual(['p1', 'p2']);
  });

  it('uses per-patient override levels', () => {
    const r = rule({ kind: 'threshold', metric: 'blood-pressure-systolic', unit: 'mm[Hg]', operator: '<', level: 100, clearLevel: 105, overrides: [{ patientId: 'low-bp', level: 85, clearLevel: 90 }] });
    const engine = new RuleEngine([r]);
    const actions = engine.ingest([reading('usual', 'blood-pressure-systolic', 95, T0), reading('low-bp', 'blood-pressure-systolic', 95, T0), reading('low-bp', 'blood-pressure-systolic', 84, T0 + HOUR)]);
    expect(actions.map((a) => [a.type, a.patientId])).toEqual([['open', 'usual'], ['open', 'low-bp']]);
    expect(actions[1]!.atMs).toBe(T0 + HOUR);
  });

  it('converts units: a rule in mg/dL judges a meter reporting mmol/L', () => {
    const engine = new RuleEngine([rule({ kind: 'threshold', metric: 'glucose', unit: 'mg/dL', operator: '<', level: 54 })]);
    expect(engine.ingest([reading('p1', 'glucose', 3.1, T0, { unit: 'mmol/L' })])).toEqual([]); // 55.9 mg/dL
    expect(engine.ingest([reading('p1', 'glucose', 2.9, T0 + MIN, { unit: 'mmol/L' })])).toEqual([
      expect.objectContaining({ type: 'open', values: { glucose: expect.closeTo(52.25, 1) } }),
    ]);
    // a unit that cannot be compared is not judged
    expect(engine.ingest([reading('p2', 'glucose', 20, T0, { unit: 'g/L' })])).toEqual([]);
  });

  it('treats a stale value as unknown: it neither raises nor clears', () => {
    const r = rule({ ...hrOver100, freshForMs: 10 * MIN }, { persistence: { readings: 1, forMs: 5 * MIN } });
    const engine = new RuleEngine([r]);
    expect(engine.ingest([reading('p1', 'heart-rate', 120, T0)])).toEqual([]);
    // 20 minutes later the reading is stale: the pending condition lapses instead of opening
    expect(engine.tick(T0 + 20 * MIN)).toEqual([]);
    expect(engine.state.patients.p1!.rules['test-rule']!.phase).toBe('idle');
  });
});

describe('persistence', () => {
  it('needs N consecutive raising readings; one in-range reading starts the count again', () => {
    const engine = new RuleEngine([rule(hrOver100, { persistence: { readings: 3, forMs: 0 } })]);
    const r1 = reading('p1', 'heart-rate', 110, T0);
    const r2 = reading('p1', 'heart-rate', 111, T0 + MIN);
    expect(engine.ingest([r1, r2, reading('p1', 'heart-rate', 80, T0 + 2 * MIN)])).toEqual([]);
    const r4 = reading('p1', 'heart-rate', 112, T0 + 3 * MIN);
    const r5 = reading('p1', 'heart-rate', 113, T0 + 4 * MIN);
    const r6 = reading('p1', 'heart-rate', 114, T0 + 5 * MIN);
    expect(engine.ingest([r4, r5])).toEqual([]);
    expect(engine.ingest([r6])).toEqual([expect.objectContaining({ type: 'open', atMs: T0 + 5 * MIN, readingIds: [r4.id, r5.id, r6.id] })]);
  });

  it('needs the condition to hold for T ms: opened by a later reading or by a tick', () => {
    const r = rule(hrOver100, { persistence: { readings: 1, forMs: 10 * MIN } });
    const byReading = new RuleEngine([r]);
    expect(byReading.ingest([reading('p1', 'heart-rate', 110, T0), reading('p1', 'heart-rate', 110, T0 + 9 * MIN)])).toEqual([]);
    expect(byReading.ingest([reading('p1', 'heart-rate', 108, T0 + 10 * MIN)])).toEqual([expect.objectContaining({ type: 'open', atMs: T0 + 10 * MIN })]);

    const byTick = new RuleEngine([r]);
    expect(byTick.ingest([reading('p1', 'heart-rate', 110, T0)])).toEqual([]);
    expect(byTick.tick(T0 + 5 * MIN)).toEqual([]);
    expect(byTick.tick(T0 + 10 * MIN)).toEqual([expect.objectContaining({ type: 'open', atMs: T0 + 10 * MIN })]);
    expect(byTick.tick(T0 + 20 * MIN)).toEqual([]); // ticks do not re-fire an open alert
  });
});

describe('clinical-grade switch, quality flags and ordering', () => {
  it('ignores consumer-grade readings for a clinical-grade-only rule', () => {
    const engine = new RuleEngine([rule(hrOver100, { clinicalGradeOnly: true })]);
    expect(engine.ingest([reading('p1', 'heart-rate', 150, T0, { grade: 'consumer' })])).toEqual([]);
    expect(engine.ingest([reading('p1', 'heart-rate', 150, T0 + MIN, { grade: 'clinical' })])).toHaveLength(1);
    const open = new RuleEngine([rule(hrOver100)]);
    expect(open.ingest([reading('p1', 'heart-rate', 150, T0, { grade: 'consumer' })])).toHaveLength(1);
  });

  it('keeps non-measurements (control solution, sensor faults, NaN) out of the rules and says why', () => {
    const engine = new RuleEngine([rule({ kind: 'threshold', metric: 'glucose', unit: 'mg/dL', operator: '<', level: 54 })]);
    const control = reading('p1', 'glucose', 40, T0, { flags: ['control-solution'] });
    const nan = reading('p1', 'glucose', Number.NaN, T0 + MIN, { flags: ['not-a-number'] });
    expect(engine.ingest([control, nan])).toEqual([]);
    expect(engine.ignored).toEqual([{ id: control.id, reason: 'flagged' }, { id: nan.id, reason: 'not-a-number' }]);
    // a merely questionable value still counts
    expect(engine.ingest([reading('p1', 'glucose', 40, T0 + 2 * MIN, { flags: ['questionable'] })])).toHaveLength(1);
  });

  it('ignores a repeated reading and one older than the newest of its metric', () => {
    const engine = new RuleEngine([rule(hrOver100, { persistence: { readings: 2, forMs: 0 } })]);
    const a = reading('p1', 'heart-rate', 120, T0 + MIN);
    expect(engine.ingest([a, { ...a }, reading('p1', 'heart-rate', 130, T0)])).toEqual([]);
    expect(engine.ignored.map((i) => i.reason)).toEqual(['duplicate', 'out-of-order']);
  });
});

describe('rate of change', () => {
  const gain = rule(
    { kind: 'rate-of-change', metric: 'body-weight', unit: 'kg', direction: 'rise', amount: 2, clearAmount: 1, windowMs: 3 * DAY },
    { appliesTo: { patients: [{ kind: 'condition', value: 'heart failure' }, { kind: 'condition', value: 'I50' }] } },
  );
  const hf = ctx('hf', { conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }] });

  it('raises on 2 kg gained within 3 days, measured from the lowest weight in the window, with both readings linked', () => {
    const engine = new RuleEngine([gain], [hf]);
    const w = [80.4, 79.3, 80.1, 81.3].map((v, i) => reading('hf', 'body-weight', v, T0 + i * DAY));
    const actions = engine.ingest(w);
    expect(actions).toEqual([expect.objectContaining({ type: 'open', atMs: T0 + 3 * DAY, readingIds: [w[1]!.id, w[3]!.id], values: { 'change(body-weight)': expect.closeTo(2, 6) } })]);
    // 1.5 kg above the window's lowest is within the hysteresis band: held
    expect(engine.ingest([reading('hf', 'body-weight', 80.8, T0 + 4 * DAY)])).toEqual([]);
    // day 5: the window (days 2–5) now starts at 80.1; 80.9 is 0.8 above → cleared
    expect(engine.ingest([reading('hf', 'body-weight', 80.9, T0 + 5 * DAY)])).toEqual([expect.objectContaining({ type: 'clear' })]);
  });

  it('does not raise when the same gain takes longer than the window', () => {
    const engine = new RuleEngine([gain], [hf]);
    const w = [80, 80.5, 81, 81.5, 82].map((v, i) => reading('hf', 'body-weight', v, T0 + i * DAY));
    expect(engine.ingest(w)).toEqual([]);
  });

  it('applies only to patients matching the rule (heart failure by text or code)', () => {
    const byCode = ctx('coded', { conditions: [{ display: 'Cardiac insufficiency', code: 'I50.22' }] });
    const engine = new RuleEngine([gain], [hf, byCode, ctx('other')]);
    const actions = engine.ingest(['hf', 'coded', 'other'].flatMap((p) => [reading(p, 'body-weight', 70, T0), reading(p, 'body-weight', 72.5, T0 + DAY)]));
    expect(actions.map((a) => a.patientId)).toEqual(['hf', 'coded']);
  });

  it('detects a fall as well', () => {
    const fall = rule({ kind: 'rate-of-change', metric: 'body-weight', unit: 'kg', direction: 'fall', amount: 3, windowMs: 7 * DAY });
    const engine = new RuleEngine([fall]);
    expect(engine.ingest([reading('p', 'body-weight', 70, T0), reading('p', 'body-weight', 68, T0 + DAY), reading('p', 'body-weight', 66.9, T0 + 2 * DAY)])).toEqual([
      expect.objectContaining({ type: 'open', values: { 'change(body-weight)': expect.closeTo(3.1, 6) } }),
    ]);
  });
});

describe('window aggregates', () => {
  it('judges a 7-day mean only once enough readings are in, and forgets readings that leave the window', () => {
    const r = rule({ kind: 'window-aggregate', metric: 'blood-pressure-systolic', unit: 'mm[Hg]', aggregate: 'mean', windowMs: 7 * DAY, operator: '>=', level: 135, clearLevel: 132, minCount: 3 });
    const engine = new RuleEngine([r]);
    expect(engine.ingest([reading('p', 'blood-pressure-systolic', 150, T0), reading('p', 'blood-pressure-systolic', 140, T0 + DAY)])).toEqual([]);
    const third = reading('p', 'blood-pressure-systolic', 120, T0 + 2 * DAY); // mean 136.7
    const open = engine.ingest([third]);
    expect(open).toEqual([expect.objectContaining({ type: 'open', values: { 'mean(blood-pressure-systolic)': expect.closeTo(136.67, 2) } })]);
    expect(open[0]!.readingIds).toHaveLength(3);
    // mean 134.5: between clear (132) and raise (135) levels → held
    expect(engine.ingest([reading('p', 'blood-pressure-systolic', 128, T0 + 3 * DAY)])).toEqual([]);
    // day 6: mean of 150, 140, 120, 128, 125 = 132.6, still above the clear level
    expect(engine.ingest([reading('p', 'blood-pressure-systolic', 125, T0 + 6 * DAY)])).toEqual([]);
    // just after day 7 the 150 of day 0 has left the window: mean of 140, 120, 128, 125, 125 = 127.6 → cleared
    expect(engine.ingest([reading('p', 'blood-pressure-systolic', 125, T0 + 7 * DAY + 1)])).toEqual([
      expect.objectContaining({ type: 'clear', values: { 'mean(blood-pressure-systolic)': expect.closeTo(127.6, 6) } }),
    ]);
  });

  it('supports min, max and count over the window', () => {
    const min = rule({ kind: 'window-aggregate', metric: 'glucose', unit: 'mg/dL', aggregate: 'min', windowMs: DAY, operator: '<', level: 60 }, { id: 'min' });
    const max = rule({ kind: 'window-aggregate', metric: 'glucose', unit: 'mg/dL', aggregate: 'max', windowMs: DAY, operator: '>', level: 300 }, { id: 'max' });
    const count = rule({ kind: 'window-aggregate', metric: 'glucose', unit: 'mg/dL', aggregate: 'count', windowMs: HOUR, operator: '>=', level: 4 }, { id: 'count' });
    const engine = new RuleEngine([min, max, count]);
    const actions = engine.ingest([90, 310, 58, 100].map((v, i) => reading('p', 'glucose', v, T0 + i * 10 * MIN)));
    expect(actions.map((a) => [a.ruleId, a.atMs - T0, Object.values(a.values)[0]])).toEqual([
      ['max', 10 * MIN, 310],
      ['min', 20 * MIN, 58],
      ['max', 20 * MIN, 310],
      ['min', 30 * MIN, 58],
      ['max', 30 * MIN, 310],
      ['count', 30 * MIN, 4],
    ].map(([id, t, v]) => [id, t, v]));
    expect(actions.map((a) => a.type)).toEqual(['open', 'open', 'update', 'update', 'update', 'open']);
  });
});

describe('missing data', () => {
  const noReadings = rule({ kind: 'missing-data', forMs: 3 * DAY }, { priority: 'low' });
  const noWeight = rule({ kind: 'missing-data', metrics: ['body-weight'], forMs: 2 * DAY }, { id: 'no-weight' });

  it('raises on the tick after the gap, once, and clears with the next reading', () => {
    const engine = new RuleEngine([noReadings]);
    const last = reading('p', 'heart-rate', 70, T0);
    expect(engine.ingest([last])).toEqual([]);
    expect(engine.tick(T0 + 3 * DAY - 1)).toEqual([]);
    expect(engine.tick(T0 + 3 * DAY)).toEqual([expect.objectContaining({ type: 'open', priority: 'low', atMs: T0 + 3 * DAY, readingIds: [last.id], values: { 'hours-without-readings': 72 } })]);
    expect(engine.tick(T0 + 4 * DAY)).toEqual([]);
    const next = reading('p', 'glucose', 100, T0 + 5 * DAY);
    expect(engine.ingest([next])).toEqual([expect.objectContaining({ type: 'clear', readingIds: [next.id] })]);
  });

  it('counts only the named metrics, and starts from monitoringSince before any reading', () => {
    const engine = new RuleEngine([noWeight], [ctx('enrolled', { monitoringSinceMs: T0 }), ctx('unknown')]);
    engine.ingest([reading('enrolled', 'heart-rate', 70, T0 + DAY)]);
    const due = engine.tick(T0 + 2 * DAY);
    expect(due).toEqual([expect.objectContaining({ type: 'open', patientId: 'enrolled', readingIds: [] })]);
  });
});

describe('NEWS2 rules', () => {
  const high = rule({ kind: 'news2', atLeast: 'high', freshForMs: HOUR, scale2For: [{ kind: 'condition', value: 'hypercapni' }] }, { id: 'news2-high', priority: 'high' });
  const medium = rule({ kind: 'news2', atLeast: 'low-medium', below: 'high', freshForMs: HOUR }, { id: 'news2-medium' });
  const vitals = (p: string, t: number, v: { rr: number; spo2: number; sys: number; hr: number; temp: number }) => [
    reading(p, 'respiratory-rate', v.rr, t),
    reading(p, 'spo2', v.spo2, t + 1000),
    reading(p, 'blood-pressure-systolic', v.sys, t + 2000),
    reading(p, 'heart-rate', v.hr, t + 3000),
    reading(p, 'body-temperature', v.temp, t + 4000),
  ];

  it('scores once every parameter is fresh, links the five readings, and hands over from medium to high', () => {
    const engine = new RuleEngine([high, medium]);
    // the issue example: 7, high — but only once the fifth vital arrives
    const set = vitals('p', T0, { rr: 22, spo2: 94, sys: 105, hr: 112, temp: 38.4 });
    const actions = engine.ingest(set);
    expect(actions).toEqual([expect.objectContaining({ type: 'open', ruleId: 'news2-high', atMs: T0 + 4000, readingIds: set.map((r) => r.id), values: { news2: 7 } })]);
    // temperature back to 37 → 6, medium: high clears, medium opens
    const next = engine.ingest([reading('p', 'body-temperature', 37, T0 + 10 * MIN)]);
    expect(next.map((a) => [a.type, a.ruleId])).toEqual([['clear', 'news2-high'], ['open', 'news2-medium']]);
  });

  it('does not combine vitals taken further apart than the freshness window', () => {
    const engine = new RuleEngine([high]);
    const set = vitals('p', T0, { rr: 22, spo2: 94, sys: 105, hr: 112, temp: 38.4 });
    set[4] = reading('p', 'body-temperature', 38.4, T0 + 2 * HOUR);
    expect(engine.ingest(set)).toEqual([]);
  });

  it('scores SpO2 on scale 2 for hypercapnic patients and counts oxygen from the context', () => {
    const copd = ctx('copd', { conditions: [{ display: 'COPD with hypercapnic respiratory failure' }], onOxygen: true });
    const engine = new RuleEngine([high], [copd, ctx('other', { onOxygen: true })]);
    // SpO2 97 on oxygen scores 3 on scale 2 (0 on scale 1); + oxygen 2 + RR 21 → 2 = 7 (high) vs 4 on scale 1
    const actions = engine.ingest([
      ...vitals('copd', T0, { rr: 21, spo2: 97, sys: 130, hr: 80, temp: 37 }),
      ...vitals('other', T0, { rr: 21, spo2: 97, sys: 130, hr: 80, temp: 37 }),
    ]);
    expect(actions.map((a) => [a.patientId, a.values.news2])).toEqual([['copd', 7]]);
  });
});

describe('combinations', () => {
  it('all: raises only when every part raises; any: when one does', () => {
    const both = rule({ kind: 'all', conditions: [hrOver100, { kind: 'threshold', metric: 'body-temperature', unit: 'Cel', operator: '>=', level: 38 }] }, { id: 'both' });
    const either = rule({ kind: 'any', conditions: [hrOver100, { kind: 'threshold', metric: 'body-temperature', unit: 'Cel', operator: '>=', level: 38 }] }, { id: 'either' });
    const engine = new RuleEngine([both, either]);
    const hr = reading('p', 'heart-rate', 120, T0);
    const temp = reading('p', 'body-temperature', 38.5, T0 + MIN);
    const actions = engine.ingest([hr, temp]);
    expect(actions.map((a) => [a.type, a.ruleId])).toEqual([['open', 'either'], ['open', 'both'], ['update', 'either']]);
    expect(actions[1]!.readingIds).toEqual([hr.id, temp.id]);
    expect(actions[0]!.readingIds).toEqual([hr.id]);
  });
});

describe('rule edits and the pure form', () => {
  it('keeps the patient\'s window when a rule is edited, and starts a window of a new length afresh', () => {
    const v1 = rule({ kind: 'window-aggregate', metric: 'heart-rate', unit: '/min', aggregate: 'count', windowMs: DAY, operator: '>=', level: 4 });
    const state = emptyEngineState();
    new RuleEngine([v1], [], state).ingest([reading('p', 'heart-rate', 70, T0), reading('p', 'heart-rate', 70, T0 + MIN)]);
    // a new level judges the readings already in the window: the third reading makes 3
    const v2 = { ...v1, version: 2, condition: { ...v1.condition, level: 3 } } as typeof v1;
    expect(new RuleEngine([v2], [], state).ingest([reading('p', 'heart-rate', 70, T0 + 2 * MIN)]).map((a) => a.type)).toEqual(['open']);
    // a two-day window is another window: it has seen one reading so far
    const v3 = { ...v1, id: 'other', condition: { ...v1.condition, level: 2, windowMs: 2 * DAY } } as typeof v1;
    expect(new RuleEngine([v3], [], state).ingest([reading('p', 'heart-rate', 70, T0 + 3 * MIN)])).toEqual([]);
  });

  it('evaluate() leaves the input state untouched and returns the next state', () => {
    const state = emptyEngineState();
    const before = JSON.stringify(state);
    const r1 = evaluate({ rules: [rule(hrOver100)], contexts: [], state, observations: [reading('p', 'heart-rate', 120, T0)] });
    expect(JSON.stringify(state)).toBe(before);
    expect(r1.actions).toHaveLength(1);
    const r2 = evaluate({ rules: [rule(hrOver100)], contexts: [], state: r1.state, observations: [reading('p', 'heart-rate', 90, T0 + MIN)], now: T0 + 2 * MIN });
    expect(r2.actions.map((a) => a.type)).toEqual(['clear']);
  });

  it('released alerts can open again while the condition continues', () => {
    const engine = new RuleEngine([rule(hrOver100)]);
    engine.ingest([reading('p', 'heart-rate', 120, T0)]);
    engine.releaseAlert('p', 'test-rule');
    expect(engine.ingest([reading('p', 'heart-rate', 120, T0 + MIN)]).map((a) => a.type)).toEqual(['open']);
  });
});
