import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../common/readings/observation';
import { defaultRules } from '../../../renderer/src/engine/rules/defaults';
import { RuleEngine, emptyEngineState, evaluate, type AlertAction, type RuleReading } from '../../../renderer/src/engine/rules/evaluate';
import { MIN, T0, ctx } from './helpers';

const METRIC_RANGES: [Metric, string, number, number][] = [
  ['heart-rate', '/min', 35, 160],
  ['spo2', '%', 78, 100],
  ['glucose', 'mg/dL', 40, 320],
  ['blood-pressure-systolic', 'mm[Hg]', 85, 200],
  ['blood-pressure-diastolic', 'mm[Hg]', 50, 125],
  ['body-temperature', 'Cel', 35, 40],
  ['body-weight', 'kg', 78, 84],
  ['respiratory-rate', '/min', 8, 30],
];

const contexts = [
  ctx('a', { conditions: [{ display: 'Heart failure', code: 'I50.9' }], monitoringSinceMs: T0 }),
  ctx('b', { conditions: [{ display: 'Chronic respiratory failure with hypercapnia', code: 'J96.12' }], onOxygen: true }),
  ctx('c'),
];

const step = fc.record({
  patient: fc.constantFrom('a', 'b', 'c'),
  metric: fc.integer({ min: 0, max: METRIC_RANGES.length - 1 }),
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  // mostly minutes apart, sometimes days (to cross windows and missing-data gaps)
  gapMs: fc.oneof(fc.integer({ min: 0, max: 20 * MIN }), fc.integer({ min: 0, max: 4 * 24 * 60 * MIN })),
  grade: fc.constantFrom('clinical', 'consumer'),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function history(steps: Step[][]): RuleReading[] {
  let t = T0;
  return steps.flat().map((s, i) => {
    t += s.gapMs;
    const [metric, unit, lo, hi] = METRIC_RANGES[s.metric]!;
    return { id: `h${i}`, patientId: s.patient, metric, unit, value: Math.round((lo + s.fraction * (hi - lo)) * 10) / 10, timeMs: t, flags: [], source: { grade: s.grade as 'clinical' | 'consumer' } };
  });
}

function runWhole(readings: readonly RuleReading[], end: number): AlertAction[] {
  const engine = new RuleEngine(defaultRules(), contexts);
  return [...engine.ingest(readings), ...engine.tick(end)];
}

describe('deterministic evaluation', () => {
  it('the same history gives the same alerts, however it is cut into batches', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 40 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (chunks, cuts) => {
        const readings = history(chunks);
        const end = (readings.at(-1)?.timeMs ?? T0) + 4 * 24 * 60 * MIN;
        const whole = runWhole(readings, end);
        expect(runWhole(readings, end)).toEqual(whole);

        const points = [...new Set(cuts.map((c) => (readings.length ? c % (readings.length + 1) : 0)))].sort((x, y) => x - y);
        const bounds = [0, ...points, readings.length];
        let state = emptyEngineState();
        const batched: AlertAction[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) {
          const last = i + 2 === bounds.length;
          const r = evaluate({ rules: defaultRules(), contexts, state, observations: readings.slice(bounds[i], bounds[i + 1]), ...(last ? { now: end } : {}) });
          batched.push(...r.actions);
          state = r.state;
        }
        expect(batched).toEqual(whole);
      }),
      { numRuns: 120 },
    );
  });

  it('never opens a second alert for a patient and rule before the first is cleared', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const actions = runWhole(history([steps]), T0 + 400 * 24 * 60 * MIN);
        const open = new Map<string, string>();
        for (const a of actions) {
          const k = `${a.ruleId}|${a.patientId}`;
          if (a.type === 'open') {
            expect(open.has(k)).toBe(false);
            open.set(k, a.alertKey);
          } else {
            expect(open.get(k)).toBe(a.alertKey);
            if (a.type === 'clear') open.delete(k);
          }
          expect(a.type === 'open' && a.ruleId !== 'no-readings-3-days' ? a.readingIds.length : 1).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('restoring the engine from its JSON state at every tick changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const readings = history([steps]);
        const run = (restore: boolean): AlertAction[] => {
          let engine = new RuleEngine(defaultRules(), contexts);
          const out: AlertAction[] = [];
          let nextTick = T0 + 360 * MIN;
          for (const r of readings) {
            for (; nextTick <= r.timeMs; nextTick += 360 * MIN) {
              out.push(...engine.tick(nextTick));
              if (restore) engine = new RuleEngine(defaultRules(), contexts, JSON.parse(JSON.stringify(engine.state)) as typeof engine.state);
            }
            out.push(...engine.ingest([r]));
          }
          out.push(...engine.tick(nextTick + 4 * 24 * 60 * MIN));
          return out;
        };
        expect(run(true)).toEqual(run(false));
      }),
      { numRuns: 40 },
    );
  });
});
