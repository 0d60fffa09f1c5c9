import { rulesInForce, type DeviceSupplyRule, type ManagementRule, type RpmRule } from '../../../../../common/billing/rpm';
import type { IsoDate } from '../../../../../common/time/local-days';
import { programsInMonth, summarizeAlerts, summarizeMinutes, tasksDone, type AlertsSummary, type DoneTask, type MinutesSummary, type ReportAlertInput, type ReportEnrolmentInput, type ReportProgram, type ReportTaskInput, type ReportTimeEntry } from './activity';
import { glucoseSection, type GlucoseSection } from './glucose';
import { bpTargetOf, homeBpSection, type HomeBpSection, type ProgramTargetInput } from './home-bp';
import { readingDaysOf, type ReportMonth } from './month';
import { inReportUnits, metricCharts, summarizeMetrics, type MetricSummary, type ReportChart, type ReportReading, type WaveformRecording } from './readings';

/**
 * One patient's monthly remote-monitoring report (issue 10 "Reports", issue 11 "Reports
 * clinicians already read"), computed from the month's rows: no storage, no clock, no DOM.
 * renderer/src/db/monthly-report.ts gathers the rows.
 */

export interface MonthlyReportInput {
  month: ReportMonth;
  /** When the report is made; a month still running is reported up to here. */
  asOfMs: number;
  /** Point readings and dense-series samples in the month. */
  readings: readonly ReportReading[];
  /** Recorded waveforms, counted from their stored blocks: when each block starts. */
  waveforms: readonly { metric: string; label: string; blockStartsMs: readonly number[]; blockSeconds: number }[];
  timeLog: readonly ReportTimeEntry[];
  alerts: readonly ReportAlertInput[];
  tasks: readonly ReportTaskInput[];
  enrolments: readonly ReportEnrolmentInput[];
  /** Targets of the programs the patient is enrolled in (the blood-pressure target comes from them). */
  programTargets: readonly ProgramTargetInput[];
  /** The clinic's RPM thresholds: days with readings for device supply (16), minutes for management (20). */
  thresholds: { days: number; minutes: number };
}

export interface DaysWithReadings {
  /** One flag per day of the month. */
  strip: boolean[];
  firstDay: IsoDate;
  count: number;
  threshold: number;
  met: boolean;
}

export interface MonthlyReport {
  month: ReportMonth;
  asOfMs: number;
  /** The month had not ended when the report was made. */
  partial: boolean;
  metrics: MetricSummary[];
  charts: ReportChart[];
  waveforms: WaveformRecording[];
  /** Readings in a unit that could not be converted to the report's, left out. */
  unconvertible: number;
  days: DaysWithReadings;
  minutes: MinutesSummary;
  alerts: AlertsSummary;
  tasksDone: DoneTask[];
  programs: ReportProgram[];
  glucose?: GlucoseSection;
  homeBp?: HomeBpSection;
}

export function buildMonthlyReport(input: MonthlyReportInput): MonthlyReport {
  const { month } = input;
  const { readings, unconvertible } = inReportUnits(input.readings.filter((r) => r.timeMs >= month.startMs && r.timeMs < month.endMs));
  const waveforms = input.waveforms
    .map((w) => ({ ...w, starts: w.blockStartsMs.filter((t) => t >= month.startMs && t < month.endMs) }))
    .filter((w) => w.starts.length > 0);
  const strip = readingDaysOf(month, [...readings.map((r) => r.timeMs), ...waveforms.flatMap((w) => w.starts)]);
  const count = strip.filter(Boolean).length;
  const { target } = bpTargetOf(input.programTargets);
  const glucose = glucoseSection(
    readings.filter((r) => r.metric === 'glucose').map((r) => ({ time: r.timeMs, mgdl: r.value, consumer: r.grade === 'consumer' })),
    month,
    input.asOfMs,
  );
  const homeBp = homeBpSection(readings, month, input.programTargets);
  return {
    month,
    asOfMs: input.asOfMs,
    partial: input.asOfMs < month.endMs,
    metrics: summarizeMetrics(readings),
    charts: metricCharts(readings, target),
    waveforms: waveforms.map((w) => ({ metric: w.metric, label: w.label, blocks: w.starts.length, blockSeconds: w.blockSeconds, days: readingDaysOf(month, w.starts).filter(Boolean).length })),
    unconvertible,
    days: { strip, firstDay: month.firstDay, count, threshold: input.thresholds.days, met: count >= input.thresholds.days },
    minutes: summarizeMinutes(input.timeLog, month, input.thresholds.minutes),
    alerts: summarizeAlerts(input.alerts, month),
    tasksDone: tasksDone(input.tasks, month),
    programs: programsInMonth(input.enrolments, month),
    ...(glucose ? { glucose } : {}),
    ...(homeBp ? { homeBp } : {}),
  };
}

/** Used when the rule table has no code of a kind in force. */
export const DEFAULT_REPORT_THRESHOLDS = { days: 16, minutes: 20 } as const;

/**
 * The thresholds a monthly report marks, from the clinic's RPM table in force on `date`:
 * the device-supply code needing the most days (99454, 16 days) and the first management
 * code that is not a lower tier (99457, 20 minutes; 99470's 10 minutes gives way to it).
 * Device supply is billed per 30-day period, not per calendar month: the report marks the
 * threshold as a guide to the month, the worklist has the periods.
 */
export function reportThresholds(rules: readonly RpmRule[], date: IsoDate): { days: number; minutes: number } {
  const live = rulesInForce(rules, date);
  const days = live.filter((r): r is DeviceSupplyRule => r.kind === 'device-supply').map((r) => r.minDays);
  const minutes = live.filter((r): r is ManagementRule => r.kind === 'management' && r.belowMinutes === undefined).map((r) => r.minMinutes);
  return { days: days.length ? Math.max(...days) : DEFAULT_REPORT_THRESHOLDS.days, minutes: minutes.length ? Math.min(...minutes) : DEFAULT_REPORT_THRESHOLDS.minutes };
}
