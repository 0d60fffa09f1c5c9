import { baselineDefaultRules } from '../../renderer/src/engine/rules/baseline-defaults';
import { DailySummaryStore } from '../../renderer/src/engine/baselines/daily-summary';
import { evaluateDailyRule } from '../../renderer/src/engine/baselines/episodes';
import { BaselineMonitor, type MonitorReading } from '../../renderer/src/engine/baselines/monitor';
import { emptyContext, type PatientRuleContext } from '../../renderer/src/engine/rules/context';
import type { RuleDefinition } from '../../renderer/src/engine/rules/rule';
import { day0, memoryLoader, seeded, wearableDay, weightDay, type WearableDay } from '../unit/baselines/synthetic';
import type { BenchSection } from './report';

const HR_HRV = 'baseline-resting-hr-up-hrv-down';
const WEIGHT = 'baseline-hf-weight-drift';
const rules = baselineDefaultRules().filter((r) => r.enabled && (r.id === HR_HRV || r.id === WEIGHT));
const rule = (id: string): RuleDefinition => rules.find((r) => r.id === id)!;
const hf = (id: string): PatientRuleContext => ({ ...emptyContext(id), conditions: [{ display: 'Heart failure', code: 'I50.9' }] });

/** A patient-year of wearable days plus a daily weight, with optional episodes. */
function patientYear(id: string, seed: number, days: number, wearable: (d: number) => WearableDay = () => ({}), weight: (d: number) => number = () => 80): MonitorReading[][] {
  const rand = seeded(seed);
  return Array.from({ length: days }, (_, d) => [...wearableDay(id, d, rand, wearable(d)), weightDay(id, d, rand, weight(d))]);
}

function storeOf(id: string, days: MonitorReading[][]): DailySummaryStore {
  const store = new DailySummaryStore(400);
  for (const day of days) for (const r of day) store.add(id, r);
  return store;
}

/** Opening days (relative to day 0) of a rule over a whole history, judged in one pass. */
function opens(r: RuleDefinition, id: string, store: DailySummaryStore, days: number): number[] {
  return evaluateDailyRule(r, id, (m) => store.days(id, m, day0 + days), day0, day0 + days - 1)
    .filter((e) => e.type === 'open')
    .map((e) => e.day - day0);
}

export async function benchBaselines(): Promise<BenchSection> {
  // 1. false alerts on quiet patient-years (noise only)
  const QUIET = 100;
  const YEAR = 365;
  let hrFalse = 0;
  let weightFalse = 0;
  let judgedDays = 0;
  let evalMs = 0;
  let summaryMs = 0;
  let readings = 0;
  for (let i = 0; i < QUIET; i++) {
    const id = `quiet${i}`;
    const days = patientYear(id, 1000 + i, YEAR);
    readings += days.reduce((n, d) => n + d.length, 0);
    const t0 = performance.now();
    const store = storeOf(id, days);
    const t1 = performance.now();
    hrFalse += opens(rule(HR_HRV), id, store, YEAR).length;
    weightFalse += opens(rule(WEIGHT), id, store, YEAR).length;
    const t2 = performance.now();
    summaryMs += t1 - t0;
    evalMs += t2 - t1;
    judgedDays += YEAR;
  }

  // 2. detection delay of injected episodes (days from the episode's first day to the alert), over 20 patients each
  const delays = (make: (i: number) => MonitorReading[][], r: RuleDefinition, start: number) => {
    const out: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `ep${i}`;
      const days = make(i).map((d) => d.map((x) => ({ ...x, patientId: id })));
      const found = opens(r, id, storeOf(id, days), days.length).filter((d) => d >= start);
      out.push(found.length ? found[0]! - start : Number.POSITIVE_INFINITY);
    }
    return out;
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const found = (xs: number[]) => xs.filter(Number.isFinite);
  const step = delays((i) => patientYear('x', 2000 + i, 80, (d) => (d >= 60 ? { hrShift: 8, hrvFactor: 0.8 } : {})), rule(HR_HRV), 60);
  const gradual = delays((i) => patientYear('x', 3000 + i, 90, (d) => (d >= 60 ? { hrShift: Math.min(10, 0.7 * (d - 59)), hrvFactor: 1 - Math.min(0.25, 0.02 * (d - 59)) } : {})), rule(HR_HRV), 60);
  const jump = delays((i) => patientYear('x', 4000 + i, 80, () => ({}), (d) => (d >= 60 ? 82 : 80)), rule(WEIGHT), 60);
  const drift = delays((i) => patientYear('x', 5000 + i, 100, () => ({}), (d) => 80 + (d >= 60 ? 0.1 * (d - 59) : 0)), rule(WEIGHT), 60);

  // 3. incremental recomputation as data arrives: one batch per patient-day through the monitor
  const LIVE = 20;
  const LIVE_DAYS = 90;
  const histories = Array.from({ length: LIVE }, (_, i) => patientYear(`live${i}`, 6000 + i, LIVE_DAYS));
  const stored: MonitorReading[] = [];
  const monitor = new BaselineMonitor(memoryLoader(stored));
  const ctx = (id: string) => hf(id);
  let liveMs = 0;
  for (let d = 0; d < LIVE_DAYS; d++) {
    const batch = histories.flatMap((h) => h[d]!);
    stored.push(...batch);
    const t = performance.now();
    await monitor.ingest(batch, rules, ctx);
    liveMs += performance.now() - t;
  }

  const patientYears = QUIET;
  return {
    title: 'Personal baselines and early-warning signals',
    method:
      'test/bench/baselines.bench.ts: synthetic wearable patients (48 heart-rate readings and one nightly HRV per day, resting rate 60 ± 1 bpm day to day, HRV 50 ± 4 ms) with a daily weight (80 ± 0.3 kg), seeded. ' +
      `Quiet: ${QUIET} patient-years of noise only, judged by the shipped rules "${HR_HRV}" (resting HR ≥ 2 robust SD up and HRV ≥ 1 robust SD down, 2 days) and "${WEIGHT}" (CUSUM k 1, h 6). ` +
      'Episodes: 20 patients each, starting on day 60 after a quiet history; delay = days from the first episode day to the alert (0 = the same day). ' +
      `Recomputation: the summaries built from every reading, then every day of the year judged; and ${LIVE} patients fed day by day through the engine's BaselineMonitor (each batch re-judges the last 60 days of every touched patient), loading from memory — IndexedDB reads of a patient's first backfill are not included.`,
    figures: [
      { name: 'false alerts, resting HR + HRV rule', value: hrFalse / patientYears, unit: 'per patient-year', note: `${hrFalse} in ${patientYears} patient-years` },
      { name: 'false alerts, weight CUSUM rule', value: weightFalse / patientYears, unit: 'per patient-year', note: `${weightFalse} in ${patientYears} patient-years` },
      { name: 'resting HR +8 bpm and HRV −20 % step: found', value: found(step).length, unit: 'of 20', note: `mean delay ${mean(found(step)).toFixed(2)} days` },
      { name: 'gradual resting HR rise (+0.7 bpm/day) and HRV fall: found', value: found(gradual).length, unit: 'of 20', note: `mean delay ${mean(found(gradual)).toFixed(2)} days` },
      { name: 'weight +2 kg jump: found by CUSUM', value: found(jump).length, unit: 'of 20', note: `mean delay ${mean(found(jump)).toFixed(2)} days` },
      { name: 'weight drift +0.1 kg/day: found by CUSUM', value: found(drift).length, unit: 'of 20', note: `mean delay ${mean(found(drift)).toFixed(2)} days` },
      { name: 'daily summaries from readings', value: Math.round(readings / (summaryMs / 1000)), unit: 'readings/s' },
      { name: 'baseline recomputation, whole history', value: Math.round((judgedDays * 2) / (evalMs / 1000)), unit: 'patient-days/s', note: 'per rule, both rules judged over every day' },
      { name: 'incremental recomputation as data arrives', value: Math.round((LIVE * LIVE_DAYS) / (liveMs / 1000)), unit: 'patient-days/s', note: `${(liveMs / (LIVE * LIVE_DAYS)).toFixed(2)} ms per new patient-day` },
    ],
  };
}
