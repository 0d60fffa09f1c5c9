import { addDays } from '../../../../../common/time/local-days';
import { DEFAULT_HOME_BP_TARGET, homeBpReport, type BpTarget, type HomeBpReading, type HomeBpReport } from '../home-bp';
import { localTime } from '../local-time';
import type { ReportMonth } from './month';
import type { ChartPoint, ReportReading } from './readings';

/**
 * The home blood-pressure page of the monthly report (issue 11): the protocol's 7-day
 * average without its first day, morning and evening (home-bp.ts, 2017 ACC/AHA guideline
 * section 4.2), against the patient's target, with the month's readings charted.
 *
 * Which 7 days: the month's last series — the 7 local days ending on the last day of the
 * month with a reading — since a clinician reads the report to decide what to do next, and
 * the latest week says where the patient is now.
 */

export interface HomeBpSection {
  /** The protocol's figures for the 7 days ending on `lastDay`. */
  week: HomeBpReport;
  lastDay: string;
  /** Every paired reading of the month, averaged plainly (whole mmHg). */
  month: { readings: number; systolic: number; diastolic: number };
  /** Pairs left out: a value no cuff measures (outside 50–300 / 20–200 mmHg, or diastolic not below systolic). */
  implausible: number;
  targetFromProgram: boolean;
  systolic: ChartPoint[];
  diastolic: ChartPoint[];
  consumerCount: number;
}

export interface ProgramTargetInput {
  metric: string;
  below?: number;
}

/**
 * The patient's home target: the strictest systolic and diastolic "below" among the
 * programs they are enrolled in, else the guideline's 130/80 for most treated adults.
 */
export function bpTargetOf(targets: readonly ProgramTargetInput[]): { target: BpTarget; fromProgram: boolean } {
  const lowest = (metric: string) => targets.filter((t) => t.metric === metric && typeof t.below === 'number' && t.below > 0).reduce<number | undefined>((m, t) => (m === undefined ? t.below : Math.min(m, t.below!)), undefined);
  const systolic = lowest('blood-pressure-systolic');
  const diastolic = lowest('blood-pressure-diastolic');
  return {
    target: { systolic: systolic ?? DEFAULT_HOME_BP_TARGET.systolic, diastolic: diastolic ?? DEFAULT_HOME_BP_TARGET.diastolic },
    fromProgram: systolic !== undefined || diastolic !== undefined,
  };
}

interface Pair extends HomeBpReading {
  consumer: boolean;
}

/** Systolic and diastolic taken together: by their group, else by the same instant. */
export function pairBloodPressure(readings: readonly ReportReading[]): Pair[] {
  const groups = new Map<string, { sys?: ReportReading; dia?: ReportReading }>();
  for (const r of readings) {
    if (r.metric !== 'blood-pressure-systolic' && r.metric !== 'blood-pressure-diastolic') continue;
    const key = r.groupId ?? `t:${r.timeMs}`;
    const g = groups.get(key) ?? {};
    if (r.metric === 'blood-pressure-systolic') g.sys = r;
    else g.dia = r;
    groups.set(key, g);
  }
  const pairs: Pair[] = [];
  for (const { sys, dia } of groups.values()) {
    if (!sys || !dia) continue;
    pairs.push({ time: sys.timeMs, systolic: sys.value, diastolic: dia.value, consumer: sys.grade === 'consumer' || dia.grade === 'consumer' });
  }
  return pairs.sort((a, b) => a.time - b.time);
}

/** The bounds home-bp.ts accepts; a pair outside them is a failed measurement, not a reading. */
const plausible = (p: HomeBpReading) => p.systolic >= 50 && p.systolic <= 300 && p.diastolic >= 20 && p.diastolic <= 200 && p.diastolic < p.systolic;

export function homeBpSection(readings: readonly ReportReading[], month: ReportMonth, targets: readonly ProgramTargetInput[]): HomeBpSection | undefined {
  const all = pairBloodPressure(readings).filter((p) => p.time >= month.startMs && p.time < month.endMs);
  const pairs = all.filter(plausible);
  if (pairs.length === 0) return undefined;
  const lastDay = localTime(pairs[pairs.length - 1]!.time, month.zone).date;
  const { target, fromProgram } = bpTargetOf(targets);
  const week = homeBpReport(pairs, { timeZone: month.zone, firstDay: addDays(lastDay, -6), target });
  const sum = pairs.reduce((s, p) => ({ sys: s.sys + p.systolic, dia: s.dia + p.diastolic }), { sys: 0, dia: 0 });
  return {
    week,
    lastDay,
    month: { readings: pairs.length, systolic: Math.round(sum.sys / pairs.length), diastolic: Math.round(sum.dia / pairs.length) },
    implausible: all.length - pairs.length,
    targetFromProgram: fromProgram,
    systolic: pairs.map((p) => ({ x: p.time, y: p.systolic })),
    diastolic: pairs.map((p) => ({ x: p.time, y: p.diastolic })),
    consumerCount: pairs.filter((p) => p.consumer).length,
  };
}
