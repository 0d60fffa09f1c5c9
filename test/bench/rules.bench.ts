import type { Metric } from '../../common/readings/observation';
import type { PatientRuleContext } from '../../renderer/src/engine/rules/context';
import { HYPERCAPNIC, defaultRules } from '../../renderer/src/engine/rules/defaults';
import { RuleEngine, type AlertAction, type RuleReading } from '../../renderer/src/engine/rules/evaluate';
import { parseRule, type RuleDefinition, type RuleInput } from '../../renderer/src/engine/rules/rule';
import type { BenchSection } from './report';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Small deterministic PRNG (mulberry32) so every run evaluates the same readings. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = (id: string, priority: 'high' | 'medium' | 'low') => ({ id, name: id, description: 'benchmark variant', source: 'benchmark', priority });

/**
 * 100 rules: the 18 defaults plus clinic-made variants in the proportions a clinic's library
 * would have — mostly thresholds, then window aggregates, rates of change, combinations,
 * missing-data checks and NEWS2.
 */
export function hundredRules(): RuleDefinition[] {
  const rules = defaultRules();
  const extra: RuleInput[] = [];
  const thresholdMetrics: [Metric, string, number, '>' | '<'][] = [
    ['heart-rate', '/min', 120, '>'],
    ['heart-rate', '/min', 45, '<'],
    ['spo2', '%', 90, '<'],
    ['glucose', 'mg/dL', 300, '>'],
    ['glucose', 'mg/dL', 65, '<'],
    ['blood-pressure-systolic', 'mm[Hg]', 160, '>'],
    ['blood-pressure-systolic', 'mm[Hg]', 95, '<'],
    ['blood-pressure-diastolic', 'mm[Hg]', 100, '>'],
    ['body-temperature', 'Cel', 38.5, '>'],
    ['respiratory-rate', '/min', 24, '>'],
  ];
  for (let i = 0; i < 40; i++) {
    const [metric, unit, level, op] = thresholdMetrics[i % thresholdMetrics.length]!;
    const shift = Math.floor(i / thresholdMetrics.length) * (op === '>' ? 2 : -2);
    extra.push({
      ...base(`threshold-${i}`, i % 3 === 0 ? 'high' : 'medium'),
      persistence: { readings: 1 + (i % 3), forMs: (i % 2) * 5 * MIN },
      clinicalGradeOnly: i % 4 === 0,
      condition: { kind: 'threshold', metric, unit, operator: op, level: level + shift, clearLevel: level + shift + (op === '>' ? -3 : 3) },
    });
  }
  // window aggregates: [metric, unit, mean level, max level, min level]
  const aggMetrics: [Metric, string, number, number, number][] = [
    ['heart-rate', '/min', 95, 150, 40],
    ['blood-pressure-systolic', 'mm[Hg]', 140, 185, 85],
    ['glucose', 'mg/dL', 180, 300, 55],
    ['spo2', '%', 99, 100, 88],
  ];
  const aggregates = ['mean', 'max', 'min', 'count'] as const;
  for (let i = 0; i < 16; i++) {
    const [metric, unit, mean, max, min] = aggMetrics[i % aggMetrics.length]!;
    const aggregate = aggregates[Math.floor(i / 4) % 4]!;
    const level = { mean, max, min, count: 400 }[aggregate];
    extra.push({
      ...base(`aggregate-${i}`, 'low'),
      condition: { kind: 'window-aggregate', metric, unit, aggregate, windowMs: (1 + (i % 3)) * DAY, operator: aggregate === 'min' ? '<' : '>=', level, minCount: 3 },
    });
  }
  const rates: [Metric, string, 'rise' | 'fall', number][] = [
    ['body-weight', 'kg', 'rise', 2],
    ['body-weight', 'kg', 'fall', 2.5],
    ['blood-pressure-systolic', 'mm[Hg]', 'rise', 60],
    ['spo2', '%', 'fall', 9],
    ['glucose', 'mg/dL', 'rise', 170],
  ];
  for (let i = 0; i < 10; i++) {
    const [metric, unit, direction, amount] = rates[i % rates.length]!;
    extra.push({ ...base(`rate-${i}`, 'medium'), condition: { kind: 'rate-of-change', metric, unit, direction, amount: amount * (1 + Math.floor(i / 5) / 4), windowMs: (2 + (i % 3)) * DAY } });
  }
  for (let i = 0; i < 8; i++) {
    extra.push({
      ...base(`combo-${i}`, 'high'),
      condition: {
        kind: i % 2 ? 'any' : 'all',
        conditions: [
          { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 110 + i, freshForMs: HOUR },
          { kind: 'threshold', metric: 'body-temperature', unit: 'Cel', operator: '>=', level: 38 + i / 10, freshForMs: 6 * HOUR },
          { kind: 'threshold', metric: 'spo2', unit: '%', operator: '<', level: 91 - i / 2, freshForMs: HOUR },
        ],
      },
    });
  }
  const missing: [Metric, number][] = [['glucose', 2], ['body-weight', 4], ['blood-pressure-systolic', 3], ['spo2', 5]];
  for (const [i, [metric, days]] of missing.entries()) {
    extra.push({ ...base(`missing-${i}`, 'low'), condition: { kind: 'missing-data', metrics: [metric], forMs: days * DAY } });
  }
  for (let i = 0; i < 4; i++) {
    extra.push({ ...base(`news2-${i}`, 'medium'), condition: { kind: 'news2', atLeast: i % 2 ? 'medium' : 'low-medium', freshForMs: (i + 1) * HOUR, scale2For: HYPERCAPNIC } });
  }
  return [...rules, ...extra.map(parseRule)];
}

const PATIENT_METRICS: [Metric, string, number, number, number][] = [
  // metric, unit, typical, spread, share of readings
  ['heart-rate', '/min', 76, 7, 0.4],
  ['spo2', '%', 97, 1, 0.2],
  ['blood-pressure-systolic', 'mm[Hg]', 128, 8, 0.08],
  ['blood-pressure-diastolic', 'mm[Hg]', 80, 5, 0.08],
  ['glucose', 'mg/dL', 120, 18, 0.12],
  ['respiratory-rate', '/min', 16, 2, 0.06],
  ['body-temperature', 'Cel', 36.8, 0.25, 0.04],
  ['body-weight', 'kg', 82, 0.3, 0.02],
];

export function contexts(patients: number): PatientRuleContext[] {
  return Array.from({ length: patients }, (_, i) => ({
    patientId: `patient-${i}`,
    conditions: i % 5 === 0 ? [{ display: 'Heart failure', code: 'I50.9' }] : i % 10 === 1 ? [{ display: 'COPD with hypercapnic respiratory failure', code: 'J96.12' }] : [],
    tags: [],
    programs: [],
    onOxygen: i % 10 === 1,
    monitoringSinceMs: 0,
  }));
}

/** Readings for `patients` patients over ~30 days, in time order, made in chunks so generation stays out of the timing. */
export function* readingChunks(total: number, patients: number, chunk: number, burst = 1): Generator<RuleReading[]> {
  const rnd = prng(6);
  const cumulative: number[] = [];
  let acc = 0;
  for (const m of PATIENT_METRICS) cumulative.push((acc += m[4]));
  const step = (30 * DAY) / total;
  let patient = 0;
  // readings from one source share these, as they do when a download session decodes a device
  const ids = Array.from({ length: patients }, (_, i) => `patient-${i}`);
  const clinical = { grade: 'clinical' as const };
  const consumer = { grade: 'consumer' as const };
  const noFlags: RuleReading['flags'] = [];
  for (let start = 0; start < total; start += chunk) {
    const out: RuleReading[] = [];
    for (let i = start; i < Math.min(total, start + chunk); i++) {
      if (i % burst === 0) patient = Math.floor(rnd() * patients);
      const u = rnd() * acc;
      let k = 0;
      while (cumulative[k]! < u) k++;
      const [metric, unit, typical, spread] = PATIENT_METRICS[k]!;
      // roughly normal (sum of three uniforms), with a rare excursion so rules do fire
      const z = (rnd() + rnd() + rnd() - 1.5) * 2;
      const value = typical + z * spread * (rnd() < 0.005 ? 3 : 1);
      out.push({
        id: `b${i}`,
        patientId: ids[patient]!,
        metric,
        value: Math.round(value * 10) / 10,
        unit,
        timeMs: Math.floor(i * step),
        flags: noFlags,
        source: rnd() < 0.7 ? clinical : consumer,
      });
    }
    yield out;
  }
}

interface Pass {
  wallMs: number;
  cpuMs: number;
  ticks: number;
  actions: number;
  opened: number;
  stateMiB: number;
}

/** One pass over `total` readings; `burst` readings in a row come from the same patient. */
async function measure(rules: RuleDefinition[], total: number, patients: number, burst: number): Promise<Pass> {
  const engine = new RuleEngine(rules, contexts(patients));
  const actions: AlertAction[] = [];
  let wallMs = 0;
  let cpuMs = 0;
  let nextTick = HOUR;
  let ticks = 0;
  for (const chunk of readingChunks(total, patients, 5_000, burst)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const r of chunk) {
      while (nextTick <= r.timeMs) {
        actions.push(...engine.tick(nextTick));
        nextTick += HOUR;
        ticks++;
      }
      engine.ingestOne(r, actions);
    }
    wallMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    await Promise.resolve();
  }
  const opened = actions.filter((a) => a.type === 'open').length;
  const stateMiB = Math.round(JSON.stringify(engine.state).length / 1024 / 102.4) / 10;
  return { wallMs, cpuMs, ticks, actions: actions.length, opened, stateMiB };
}

const TARGET = '≥ 100,000 readings/s with 100 rules';

export async function benchRules(total = 1_000_000, patients = 1_000): Promise<BenchSection> {
  const rules = hundredRules();
  const bursts = await measure(rules, total, patients, 20);
  const interleaved = await measure(rules, total, patients, 1);
  const rate = (ms: number) => Math.round((total / ms) * 1000);
  const kinds = (k: string) => rules.filter((r) => r.condition.kind === k || (k === 'combination' && (r.condition.kind === 'all' || r.condition.kind === 'any'))).length;
  return {
    title: 'Rule evaluation (issue #6)',
    method:
      `${rules.length} enabled rules (${kinds('threshold')} threshold, ${kinds('window-aggregate')} window aggregate, ${kinds('rate-of-change')} rate of change, ${kinds('combination')} combinations, ${kinds('missing-data')} missing data, ${kinds('news2')} NEWS2; the 18 defaults among them) ` +
      `evaluated incrementally by RuleEngine over ${total.toLocaleString('en-US')} synthetic readings (8 metrics, 30 % consumer grade) for ${patients.toLocaleString('en-US')} patients across 30 simulated days, ` +
      `with an hourly tick (${bursts.ticks} ticks) for missing-data rules and time-based persistence, in one Node process on one core, fed in batches of 5,000. ` +
      'Two arrival patterns, each a fresh engine: "bursts" — 20 readings in a row from one patient, as a device download or a streaming interval delivers them; ' +
      '"interleaved" — every reading from a randomly chosen patient, the worst case for memory locality. ' +
      'Reading generation is outside the timing; ticks and alert actions are inside it. Throughput is given by wall-clock time and by the process CPU time ' +
      '(user + system, all threads, so garbage collection counts) over the same timed sections; the CPU figure is the steadier one when other work shares the machine.',
    figures: [
      { name: 'throughput, bursts (CPU time)', value: rate(bursts.cpuMs), unit: 'readings/s', target: TARGET, met: rate(bursts.cpuMs) >= 100_000 && rules.length >= 100 },
      { name: 'throughput, bursts (wall clock)', value: rate(bursts.wallMs), unit: 'readings/s', target: TARGET, met: rate(bursts.wallMs) >= 100_000 && rules.length >= 100 },
      { name: 'throughput, interleaved (CPU time)', value: rate(interleaved.cpuMs), unit: 'readings/s', target: TARGET, met: rate(interleaved.cpuMs) >= 100_000 && rules.length >= 100 },
      { name: 'throughput, interleaved (wall clock)', value: rate(interleaved.wallMs), unit: 'readings/s', target: TARGET, met: rate(interleaved.wallMs) >= 100_000 && rules.length >= 100 },
      { name: 'alert actions, bursts (open, update, clear)', value: bursts.actions, unit: 'actions' },
      { name: 'alerts opened, bursts', value: bursts.opened, unit: 'alerts' },
      { name: 'alerts opened, interleaved', value: interleaved.opened, unit: 'alerts' },
      { name: 'engine state size after the pass (JSON)', value: bursts.stateMiB, unit: 'MiB' },
    ],
  };
}
