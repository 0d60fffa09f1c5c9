import { adherence, changeOverWindow, DAY_MS, slope, windowStats, type TimedValue } from '../signal/trends';

/**
 * An explainable risk tier per patient (issue 7, Segmentation). The tier is the most severe
 * of the reasons found; every reason carries the figure that triggered it and the limit it
 * crossed, so the profile can say why.
 *
 * Limits (defaults, a clinic may pass its own):
 * - HF weight gain: 2 kg or more over 3 days (a common heart-failure self-care threshold,
 *   e.g. ESC Heart Failure guidelines 2021: "sudden unexpected weight gain > 2 kg in 3 days").
 * - BP: 7-day mean at or above the target of 140/90 mmHg (clinic target for home readings
 *   differs by guideline; 135/85 for ESH home BP); 160 systolic or more counts as high.
 * - Adherence: fewer than 16 days with readings in 30 (the device-supply threshold of the
 *   RPM worklist), and a fall of 5 or more days between the two halves of the 30 days.
 */

export const RISK_TIERS = ['high', 'rising', 'moderate', 'low'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export type AlertPriority = 'high' | 'medium' | 'low';

export type RiskReasonCode =
  | 'open-high-alert'
  | 'open-medium-alert'
  | 'hf-weight-gain'
  | 'hf-weight-rising'
  | 'bp-mean-very-high'
  | 'bp-mean-above-target'
  | 'bp-rising'
  | 'low-adherence'
  | 'falling-adherence';

export interface RiskReason {
  code: RiskReasonCode;
  tier: Exclude<RiskTier, 'low'>;
  /** The figure that triggered it (a count, kg, mmHg, mmHg/day or days). */
  value: number;
  /** The limit it reached. */
  limit: number;
  /** What a person reads, e.g. "weight up 2.4 kg in 3 days (limit 2 kg)". */
  text: string;
}

export interface RiskAssessment {
  tier: RiskTier;
  /** Most severe first. */
  reasons: RiskReason[];
}

export interface RiskThresholds {
  hfWeightGainKg: number;
  hfWeightGainDays: number;
  /** kg per day over the last 7 days. */
  hfWeightSlopeKgPerDay: number;
  systolicTarget: number;
  diastolicTarget: number;
  systolicVeryHigh: number;
  /** mmHg per day over the last 14 days. */
  systolicSlopePerDay: number;
  /** Days with readings in 30 below which adherence is low. */
  minDaysWithReadings: number;
  /** Fewer days in the last 15 than in the 15 before, by at least this many. */
  adherenceFallDays: number;
}

export const DEFAULT_RISK_THRESHOLDS: Readonly<RiskThresholds> = Object.freeze({
  hfWeightGainKg: 2,
  hfWeightGainDays: 3,
  hfWeightSlopeKgPerDay: 0.2,
  systolicTarget: 140,
  diastolicTarget: 90,
  systolicVeryHigh: 160,
  systolicSlopePerDay: 1,
  minDaysWithReadings: 16,
  adherenceFallDays: 5,
});

export interface RiskInputs {
  nowMs: number;
  /** IANA zone of the clinic: adherence counts its calendar days. */
  timeZone: string;
  /** Priorities of the patient's active alerts (open, acknowledged, snoozed, escalated). */
  openAlertPriorities: readonly AlertPriority[];
  heartFailure: boolean;
  /** Whether the patient is in a remote-monitoring program (adherence applies only then). */
  monitored: boolean;
  /** Body weight in kg; the last 7 days are enough. */
  weight: readonly TimedValue[];
  /** Systolic and diastolic pressure in mmHg; the last 14 days are enough. */
  systolic: readonly TimedValue[];
  diastolic: readonly TimedValue[];
  /** Times of any readings in the last 30 days (adherence). */
  readingTimesMs: readonly number[];
}

export class RiskTierError extends RangeError {
  override readonly name = 'RiskTierError';
}

const TIER_RANK: Record<RiskTier, number> = { high: 0, rising: 1, moderate: 2, low: 3 };

export function tierRank(t: RiskTier): number {
  return TIER_RANK[t];
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function alertReasons(priorities: readonly AlertPriority[]): RiskReason[] {
  const high = priorities.filter((p) => p === 'high').length;
  const medium = priorities.filter((p) => p === 'medium').length;
  const out: RiskReason[] = [];
  if (high > 0) out.push({ code: 'open-high-alert', tier: 'high', value: high, limit: 1, text: `${high} open high-priority alert${high > 1 ? 's' : ''}` });
  if (medium > 0) out.push({ code: 'open-medium-alert', tier: 'moderate', value: medium, limit: 1, text: `${medium} open medium-priority alert${medium > 1 ? 's' : ''}` });
  return out;
}

function weightReasons(i: RiskInputs, t: RiskThresholds): RiskReason[] {
  if (!i.heartFailure) return [];
  const gain = changeOverWindow(i.weight, { endMs: i.nowMs, windowMs: t.hfWeightGainDays * DAY_MS });
  if (gain && gain.n >= 2 && gain.rise >= t.hfWeightGainKg) {
    return [{ code: 'hf-weight-gain', tier: 'high', value: round1(gain.rise), limit: t.hfWeightGainKg, text: `weight up ${round1(gain.rise)} kg in ${t.hfWeightGainDays} days (limit ${t.hfWeightGainKg} kg)` }];
  }
  const s = slope(i.weight, { endMs: i.nowMs, windowMs: 7 * DAY_MS });
  // Three points over at least 3 days, so one noisy pair does not make a trend.
  if (s && s.n >= 3 && s.spanMs >= 3 * DAY_MS && s.perDay >= t.hfWeightSlopeKgPerDay) {
    const v = Math.round(s.perDay * 100) / 100;
    return [{ code: 'hf-weight-rising', tier: 'rising', value: v, limit: t.hfWeightSlopeKgPerDay, text: `weight rising ${v} kg a day over 7 days (limit ${t.hfWeightSlopeKgPerDay})` }];
  }
  return [];
}

function pressureReasons(i: RiskInputs, t: RiskThresholds): RiskReason[] {
  const week = { endMs: i.nowMs, windowMs: 7 * DAY_MS };
  const sys = windowStats(i.systolic, week);
  const dia = windowStats(i.diastolic, week);
  const out: RiskReason[] = [];
  if (sys && sys.mean >= t.systolicVeryHigh) {
    out.push({ code: 'bp-mean-very-high', tier: 'high', value: round1(sys.mean), limit: t.systolicVeryHigh, text: `7-day mean systolic ${round1(sys.mean)} mmHg (limit ${t.systolicVeryHigh})` });
  } else if ((sys && sys.mean >= t.systolicTarget) || (dia && dia.mean >= t.diastolicTarget)) {
    const bySys = !!sys && sys.mean >= t.systolicTarget;
    const v = bySys ? round1(sys.mean) : round1(dia!.mean);
    const limit = bySys ? t.systolicTarget : t.diastolicTarget;
    out.push({ code: 'bp-mean-above-target', tier: 'moderate', value: v, limit, text: `7-day mean ${bySys ? 'systolic' : 'diastolic'} ${v} mmHg above target ${limit}` });
  }
  const s = slope(i.systolic, { endMs: i.nowMs, windowMs: 14 * DAY_MS });
  if (s && s.n >= 4 && s.spanMs >= 7 * DAY_MS && s.perDay >= t.systolicSlopePerDay) {
    const v = round1(s.perDay);
    out.push({ code: 'bp-rising', tier: 'rising', value: v, limit: t.systolicSlopePerDay, text: `systolic rising ${v} mmHg a day over 14 days (limit ${t.systolicSlopePerDay})` });
  }
  return out;
}

function adherenceReasons(i: RiskInputs, t: RiskThresholds): RiskReason[] {
  if (!i.monitored) return [];
  const points = i.readingTimesMs.map((timeMs) => ({ timeMs, value: 0 }));
  const month = adherence(points, { nowMs: i.nowMs, timeZone: i.timeZone, days: 30 });
  const out: RiskReason[] = [];
  if (month.daysWithReadings < t.minDaysWithReadings) {
    out.push({ code: 'low-adherence', tier: 'moderate', value: month.daysWithReadings, limit: t.minDaysWithReadings, text: `${month.daysWithReadings} of 30 days with readings (target ${t.minDaysWithReadings})` });
  }
  const recent = adherence(points, { nowMs: i.nowMs, timeZone: i.timeZone, days: 15 }).daysWithReadings;
  const earlier = month.daysWithReadings - recent;
  if (earlier - recent >= t.adherenceFallDays) {
    out.push({ code: 'falling-adherence', tier: 'rising', value: earlier - recent, limit: t.adherenceFallDays, text: `readings on ${recent} of the last 15 days, down from ${earlier} (fall of ${earlier - recent} days)` });
  }
  return out;
}

/** The tier and its reasons for one patient. */
export function assessRisk(inputs: RiskInputs, thresholds: Readonly<RiskThresholds> = DEFAULT_RISK_THRESHOLDS): RiskAssessment {
  if (!Number.isFinite(inputs.nowMs)) throw new RiskTierError('now must be a finite time');
  for (const [k, v] of Object.entries(thresholds)) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new RiskTierError(`threshold ${k} must be a positive number`);
  }
  const reasons = [...alertReasons(inputs.openAlertPriorities), ...weightReasons(inputs, thresholds), ...pressureReasons(inputs, thresholds), ...adherenceReasons(inputs, thresholds)];
  reasons.sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier]);
  return { tier: reasons[0]?.tier ?? 'low', reasons };
}

/** Whether a condition list names heart failure (display text or ICD-10 I50 / SNOMED 84114007). */
export function hasHeartFailure(conditions: readonly { display: string; code?: string | undefined }[]): boolean {
  return conditions.some((c) => /heart failure|\bHF\b|cardiac failure/i.test(c.display) || /^I50/i.test(c.code ?? '') || c.code === '84114007');
}
