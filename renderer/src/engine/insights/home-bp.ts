/**
 * Home blood pressure over a 7-day series: the first day is discarded (readings on the first day
 * of home monitoring run high) and days 2–7 are averaged, morning and evening separately and
 * together. Whelton PK, Carey RM, et al. 2017 ACC/AHA Guideline for the Prevention, Detection,
 * Evaluation, and Management of High Blood Pressure in Adults. Hypertension 2018;71:e13–e115:
 * section 4.2 and Table 11 (home monitoring protocol and home values corresponding to clinic
 * values: 120/80 ↔ 120/80, 130/80 ↔ 130/80, 140/90 ↔ 135/85, 160/100 ↔ 145/90).
 *
 * Morning is a reading before 12:00 local time, evening one from 12:00. Averages are printed in
 * whole mmHg and the category is taken from the printed averages, so the two always agree.
 */
import { daysBetween, localTime } from './local-time';

export interface HomeBpReading {
  /** Epoch milliseconds. */
  time: number;
  systolic: number;
  diastolic: number;
}

export interface BpTarget {
  systolic: number;
  diastolic: number;
}

/** The guideline's target for most treated adults, < 130/80 mmHg (home equivalent 130/80). */
export const DEFAULT_HOME_BP_TARGET: BpTarget = { systolic: 130, diastolic: 80 };

export type HomeBpCategory = 'normal' | 'elevated' | 'stage-1' | 'stage-2';

export interface BpAverage {
  readings: number;
  /** mmHg, whole */
  systolic: number;
  /** mmHg, whole */
  diastolic: number;
}

export interface HomeBpReport {
  /** YYYY-MM-DD local date of day 1 (discarded). */
  firstDay: string;
  /** Days 2–7 that had at least one reading. */
  daysWithReadings: number;
  /** Readings on day 1, left out of every average. */
  firstDayReadingsExcluded: number;
  morning: BpAverage | null;
  evening: BpAverage | null;
  overall: BpAverage;
  category: HomeBpCategory;
  target: BpTarget;
  /** Both averages below the target. */
  atTarget: boolean;
}

export interface HomeBpOptions {
  timeZone: string;
  /** Day 1 of the series, YYYY-MM-DD local. Default: the day of the earliest reading. */
  firstDay?: string;
  target?: BpTarget;
}

export class HomeBpInputError extends Error {
  override readonly name = 'HomeBpInputError';
}

/** ACC/AHA 2017 categories with the home-equivalent stage thresholds (Table 11). */
export function homeBpCategory(systolic: number, diastolic: number): HomeBpCategory {
  if (systolic >= 135 || diastolic >= 85) return 'stage-2';
  if (systolic >= 130 || diastolic >= 80) return 'stage-1';
  if (systolic >= 120) return 'elevated';
  return 'normal';
}

function checkReading(r: HomeBpReading, index: number): void {
  if (!Number.isFinite(r.time)) throw new HomeBpInputError(`reading ${index}: time is not a real time`);
  if (!Number.isFinite(r.systolic) || r.systolic < 50 || r.systolic > 300) {
    throw new HomeBpInputError(`reading ${index}: systolic ${r.systolic} is outside 50–300 mmHg`);
  }
  if (!Number.isFinite(r.diastolic) || r.diastolic < 20 || r.diastolic > 200) {
    throw new HomeBpInputError(`reading ${index}: diastolic ${r.diastolic} is outside 20–200 mmHg`);
  }
  if (r.diastolic >= r.systolic) throw new HomeBpInputError(`reading ${index}: diastolic must be below systolic`);
}

function average(readings: readonly HomeBpReading[]): BpAverage | null {
  if (readings.length === 0) return null;
  const sum = readings.reduce((s, r) => ({ sys: s.sys + r.systolic, dia: s.dia + r.diastolic }), { sys: 0, dia: 0 });
  return {
    readings: readings.length,
    systolic: Math.round(sum.sys / readings.length),
    diastolic: Math.round(sum.dia / readings.length),
  };
}

const NOON = 12 * 60;

export function homeBpReport(readings: readonly HomeBpReading[], options: HomeBpOptions): HomeBpReport {
  readings.forEach(checkReading);
  if (readings.length === 0) throw new HomeBpInputError('there are no readings');
  const located = readings.map((r) => ({ r, local: localTime(r.time, options.timeZone) }));
  const firstDay = options.firstDay ?? located.reduce((min, x) => (x.local.date < min ? x.local.date : min), located[0]!.local.date);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay) || Number.isNaN(Date.parse(`${firstDay}T00:00:00Z`))) {
    throw new HomeBpInputError(`first day '${firstDay}' is not a YYYY-MM-DD date`);
  }
  const dayNumber = (date: string) => daysBetween(firstDay, date) + 1;
  const used = located.filter((x) => dayNumber(x.local.date) >= 2 && dayNumber(x.local.date) <= 7);
  const overall = average(used.map((x) => x.r));
  if (!overall) throw new HomeBpInputError('there are no readings on days 2–7 of the series');
  const target = options.target ?? DEFAULT_HOME_BP_TARGET;
  return {
    firstDay,
    daysWithReadings: new Set(used.map((x) => x.local.date)).size,
    firstDayReadingsExcluded: located.filter((x) => dayNumber(x.local.date) === 1).length,
    morning: average(used.filter((x) => x.local.minuteOfDay < NOON).map((x) => x.r)),
    evening: average(used.filter((x) => x.local.minuteOfDay >= NOON).map((x) => x.r)),
    overall,
    category: homeBpCategory(overall.systolic, overall.diastolic),
    target,
    atTarget: overall.systolic < target.systolic && overall.diastolic < target.diastolic,
  };
}
