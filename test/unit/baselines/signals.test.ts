import { describe, expect, it } from 'vitest';
import { baselineDefaultRules } from '../../../renderer/src/engine/rules/baseline-defaults';
import { evaluateDailyRule } from '../../../renderer/src/engine/baselines/episodes';
import { BaselineMonitor, type MonitorReading } from '../../../renderer/src/engine/baselines/monitor';
import { DailySummaryStore } from '../../../renderer/src/engine/baselines/daily-summary';
import { DAY_MS } from '../../../renderer/src/engine/baselines/metrics';
import { emptyContext, type PatientRuleContext } from '../../../renderer/src/engine/rules/context';
import { defaultRules } from '../../../renderer/src/engine/rules/defaults';
import { RuleEngine, type AlertAction } from '../../../renderer/src/engine/rules/evaluate';
import { parseRule, type RuleDefinition } from '../../../renderer/src/engine/rules/rule';
import { day0, memoryLoader, seeded, wearableDay, weightDay, type WearableDay } from './synthetic';

const rule = (id: string): RuleDefinition => baselineDefaultRules().find((r) => r.id === id)!;
const HR_HRV = 'baseline-resting-hr-up-hrv-down';
const WEIGHT = 'baseline-hf-weight-drift';
const hf = (patientId: string): PatientRuleContext => ({ ...emptyContext(patientId), conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }] });

/** Feeds the monitor one day at a time, as downloads arrive, with the stored readings growing behind it. */
async function feedDaily(days: MonitorReading[][], rules: RuleDefinition[], ctx: (id: string) => PatientRuleContext): Promise<AlertAction[]> {
  const stored: MonitorReading[] = [];
  const monitor = new BaselineMonitor(memoryLoader(stored));
  const out: AlertAction[] = [];
  for (const batch of days) {
    stored.push(...batch);
    out.push(...(await monitor.ingest(batch, rules, ctx)));
  }
  return out;
}

function wearablePatient(id: string, seed: number, days: number, episode: (d: number) => WearableDay = () => ({})): MonitorReading[][] {
  const rand = seeded(seed);
  return Array.from({ length: days }, (_, d) => wearableDay(id, d, rand, episode(d)));
}

describe('early-warning deviation signals', () => {
  it('a sustained +8 bpm resting heart rate and −20 % HRV for 3 days raises exactly one alert naming both inputs', async () => {
    const episode = (d: number): WearableDay => (d >= 40 && d < 43 ? { hrShift: 8, hrvFactor: 0.8 } : {});
    const days = wearablePatient('p1', 11, 55, episode);
    const actions = await feedDaily(days, [rule(HR_HRV)], emptyContext);
    const opens = actions.filter((a) => a.type === 'open');
    expect(opens).toHaveLength(1);
    const open = opens[0]!;
    // sustained for 2 days: opens on the second day of the episode
    expect(open.atMs).toBe((day0 + 41) * DAY_MS);
    expect(open.alertKey).toBe(`${HR_HRV}|p1|${(day0 + 41) * DAY_MS}`);
    expect(open.values['change(resting-heart-rate)']).toBeGreaterThan(5);
    expect(open.values['deviation(resting-heart-rate)']).toBeGreaterThanOrEqual(2);
    expect(open.values['deviation(hrv-rmssd)']).toBeLessThanOrEqual(-1);
    expect(open.values['since(resting-heart-rate)']).toBe((day0 + 40) * DAY_MS);
    // the third day re-fires the same alert, and the episode clears once the values are back
    expect(actions.filter((a) => a.type === 'update').map((a) => a.alertKey)).toEqual([open.alertKey]);
    expect(actions.filter((a) => a.type === 'clear').map((a) => a.alertKey)).toEqual([open.alertKey]);

    const store = new DailySummaryStore();
    for (const r of days.flat()) store.add('p1', r);
    const events = evaluateDailyRule(rule(HR_HRV), 'p1', (m) => store.days('p1', m), day0, day0 + 54);
    const text = events.find((e) => e.type === 'open')!.explanation;
    expect(text.inputs.map((i) => i.metric)).toEqual(['resting-heart-rate', 'hrv-rmssd']);
    expect(text.text).toMatch(/^Resting heart rate .* \/min, \+\d+\.\d \/min \(\+\d+\.\d robust SD\) against baseline .* since 2026-02-14; HRV \(RMSSD\) .* ms, −\d+\.\d ms \(−\d+\.\d robust SD\) .* — rule baseline-resting-hr-up-hrv-down v1$/);
  });

  it('noise alone over 90 days raises no heart-rate/HRV alert (20 seeded patients)', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => feedDaily(wearablePatient(`q${i}`, 100 + i, 90), [rule(HR_HRV)], emptyContext)));
    expect(all.flat().filter((a) => a.type === 'open')).toEqual([]);
  });

  it('a slow weight drift of +0.1 kg/day is found by the CUSUM while the 3-day and 7-day gain rules miss it', async () => {
    const rand = seeded(7);
    const days = Array.from({ length: 75 }, (_, d) => [weightDay('w', d, rand, 80 + (d >= 40 ? 0.1 * (d - 39) : 0))]);
    const opens = (await feedDaily(days, [rule(WEIGHT)], hf)).filter((a) => a.type === 'open');
    expect(opens).toHaveLength(1);
    const foundOn = opens[0]!.atMs / DAY_MS - day0;
    expect(foundOn).toBeGreaterThan(40);
    expect(foundOn).toBeLessThanOrEqual(40 + 14);
    expect(opens[0]!.values['cusum(body-weight)']).toBeGreaterThan(6);

    const engine = new RuleEngine(defaultRules(), [hf('w')]);
    const readingRules = engine.ingest(days.flat().map((r) => ({ ...r, id: `${r.timeMs}` })));
    expect(readingRules.filter((a) => a.type === 'open' && ['hf-rapid-weight-gain', 'hf-weight-gain-7-days'].includes(a.ruleId))).toEqual([]);
  });

  it('a weight jump of 2 kg is found by the CUSUM within 2 days, as one alert', async () => {
    const rand = seeded(8);
    const days = Array.from({ length: 60 }, (_, d) => [weightDay('j', d, rand, d >= 40 ? 82 : 80)]);
    const opens = (await feedDaily(days, [rule(WEIGHT)], hf)).filter((a) => a.type === 'open');
    expect(opens.map((a) => a.atMs / DAY_MS - day0)).toHaveLength(1);
    expect(opens[0]!.atMs / DAY_MS - day0).toBeLessThanOrEqual(41);
    // a patient without heart failure is not judged by the heart-failure rule
    expect((await feedDaily(days, [rule(WEIGHT)], emptyContext)).length).toBe(0);
  });

  it('alarm-fatigue: nothing is judged before the minimum baseline days, and a second episode waits for the cooldown', async () => {
    // 16 ordinary days, then a clear episode: judged with a 14-day minimum, not with a 21-day one
    const early = wearablePatient('e', 3, 20, (d) => (d >= 16 ? { hrShift: 12, hrvFactor: 0.6 } : {}));
    const withMin = (days: number) => {
      const r = rule(HR_HRV);
      return parseRule({ ...r, condition: { ...r.condition, conditions: (r.condition as { conditions: object[] }).conditions.map((c) => ({ ...c, minBaselineDays: days })) } });
    };
    expect((await feedDaily(early, [withMin(14)], emptyContext)).filter((a) => a.type === 'open')).toHaveLength(1);
    expect(await feedDaily(early, [withMin(21)], emptyContext)).toEqual([]);
    // two episodes 5 days apart: the second is inside the 7-day cooldown
    const twice = wearablePatient('c', 4, 60, (d) => ((d >= 40 && d < 43) || (d >= 45 && d < 48) ? { hrShift: 10, hrvFactor: 0.7 } : {}));
    const opens = (await feedDaily(twice, [rule(HR_HRV)], emptyContext)).filter((a) => a.type === 'open');
    expect(opens.map((a) => a.atMs / DAY_MS - day0)).toEqual([41]);
    const noCooldown = parseRule({ ...rule(HR_HRV), condition: { ...rule(HR_HRV).condition, conditions: (rule(HR_HRV).condition as { conditions: object[] }).conditions.map((c) => ({ ...c, cooldownDays: 0 })) } });
    const both = (await feedDaily(twice, [noCooldown], emptyContext)).filter((a) => a.type === 'open');
    expect(both.map((a) => a.atMs / DAY_MS - day0)).toEqual([41, 46]);
  });

  it('evaluation is deterministic: the same readings give the same actions, in one batch or day by day', async () => {
    const days = wearablePatient('d', 21, 55, (d) => (d >= 40 && d < 44 ? { hrShift: 9, hrvFactor: 0.75 } : {}));
    const rules = [rule(HR_HRV)];
    const dayByDay = await feedDaily(days, rules, emptyContext);
    const again = await feedDaily(days, rules, emptyContext);
    expect(again).toEqual(dayByDay);
    const oneBatch = await feedDaily([days.flat()], rules, emptyContext);
    expect(oneBatch.filter((a) => a.type === 'open')).toEqual(dayByDay.filter((a) => a.type === 'open'));
  });
});
