import { assessRisk, DEFAULT_RISK_THRESHOLDS, type AlertPriority, type RiskAssessment, type RiskThresholds } from '../insights/risk-tier';
import type { TimedValue } from '../signal/trends';
import { DAY_MS, dayNumber, yearAndDay } from './calendar';
import type { BlocksByYear } from './year-block';

/**
 * The dashboard's risk tier (insights/risk-tier.ts, the same rules and thresholds) judged from
 * the population summaries instead of raw readings, so a breakdown by tier of 10,000 patients
 * does not read a month of every patient's readings. Each day with data becomes one point at
 * midday UTC carrying the day's mean, so: 7-day means weigh days rather than readings, slopes
 * and 3-day weight changes run over daily means, and adherence counts UTC days. A patient near
 * a limit can therefore land in a neighbouring tier here and on the dashboard.
 */

const HALF_DAY = DAY_MS / 2;
const DAYS_BACK = 31;

/** One point per day with readings between two day numbers: the day's mean at midday (or now, today). */
export function dailyMeans(blocks: BlocksByYear | undefined, fromDay: number, toDay: number, nowMs: number): TimedValue[] {
  const out: TimedValue[] = [];
  if (!blocks) return out;
  for (let day = fromDay; day <= toDay; day++) {
    const { year, dayOfYear } = yearAndDay(day);
    const row = blocks.get(year);
    const n = row?.dayCount[dayOfYear] ?? 0;
    if (!row || n === 0) continue;
    const value = row.daySum.length ? row.daySum[dayOfYear]! / n : 0;
    out.push({ timeMs: Math.min(day * DAY_MS + HALF_DAY, nowMs), value });
  }
  return out;
}

export interface SummaryRiskInput {
  nowMs: number;
  openAlerts: readonly AlertPriority[];
  heartFailure: boolean;
  monitored: boolean;
  systolic: BlocksByYear | undefined;
  diastolic: BlocksByYear | undefined;
  weight: BlocksByYear | undefined;
  anyReading: BlocksByYear | undefined;
}

export function summaryRiskTier(i: SummaryRiskInput, thresholds: Readonly<RiskThresholds> = DEFAULT_RISK_THRESHOLDS): RiskAssessment {
  const to = dayNumber(i.nowMs);
  const from = to - DAYS_BACK;
  return assessRisk(
    {
      nowMs: i.nowMs,
      timeZone: 'UTC',
      openAlertPriorities: i.openAlerts,
      heartFailure: i.heartFailure,
      monitored: i.monitored,
      weight: dailyMeans(i.weight, to - 8, to, i.nowMs),
      systolic: dailyMeans(i.systolic, to - 15, to, i.nowMs),
      diastolic: dailyMeans(i.diastolic, to - 8, to, i.nowMs),
      readingTimesMs: dailyMeans(i.anyReading, from, to, i.nowMs).map((p) => p.timeMs),
    },
    thresholds,
  );
}
