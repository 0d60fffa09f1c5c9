import { TIME_ACTIVITY_LABEL, type TimeActivity } from '../../../../../common/billing/time-log';
import type { ReportMonth } from './month';

/**
 * The care team's month: monitoring minutes (by whom and on what), alerts raised,
 * acknowledged and resolved, tasks done, programs the patient was enrolled in. Inputs are
 * plain rows so this stays free of storage; the thresholds come from the clinic's RPM table.
 */

export interface ReportTimeEntry {
  /** Service date in the clinic's calendar, YYYY-MM-DD. */
  date: string;
  minutes: number;
  staffName: string;
  activity: TimeActivity;
  interactive: boolean;
}

export interface MinutesSummary {
  total: number;
  interactiveContacts: number;
  /** Minutes at which the first 20-minute management code is met (99457 in the default table). */
  threshold: number;
  met: boolean;
  byStaff: { name: string; minutes: number }[];
  byActivity: { activity: TimeActivity; label: string; minutes: number }[];
  entries: ReportTimeEntry[];
}

const byMinutesThenName = <T extends { minutes: number }>(name: (x: T) => string) => (a: T, b: T) => b.minutes - a.minutes || name(a).localeCompare(name(b));

export function summarizeMinutes(entries: readonly ReportTimeEntry[], month: ReportMonth, threshold: number): MinutesSummary {
  const inMonth = entries.filter((e) => e.date.slice(0, 7) === month.month).sort((a, b) => a.date.localeCompare(b.date));
  const staff = new Map<string, number>();
  const activities = new Map<TimeActivity, number>();
  let total = 0;
  for (const e of inMonth) {
    total += e.minutes;
    staff.set(e.staffName, (staff.get(e.staffName) ?? 0) + e.minutes);
    activities.set(e.activity, (activities.get(e.activity) ?? 0) + e.minutes);
  }
  return {
    total,
    interactiveContacts: inMonth.filter((e) => e.interactive).length,
    threshold,
    met: total >= threshold && inMonth.some((e) => e.interactive),
    byStaff: [...staff].map(([name, minutes]) => ({ name, minutes })).sort(byMinutesThenName((x) => x.name)),
    byActivity: [...activities].map(([activity, minutes]) => ({ activity, label: TIME_ACTIVITY_LABEL[activity], minutes })).sort(byMinutesThenName((x) => x.label)),
    entries: inMonth,
  };
}

export interface ReportAlertInput {
  ruleName: string;
  priority: string;
  status: string;
  openedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
  resolvedAtMs: number | null;
  resolvedBy: string | null;
}

export interface ReportAlertRow {
  ruleName: string;
  priority: string;
  openedAtMs: number;
  /** Set when it happened before the month ended. */
  acknowledgedAtMs?: number;
  acknowledgedBy?: string;
  resolvedAtMs?: number;
  resolvedBy?: string;
  /** Still unresolved when the month ended. */
  openAtMonthEnd: boolean;
}

export interface AlertsSummary {
  /** Opened in the month. */
  raised: number;
  /** Acknowledged in the month (whenever opened). */
  acknowledged: number;
  /** Resolved in the month (whenever opened). */
  resolved: number;
  openAtMonthEnd: number;
  /** Alerts with something in the month, oldest first. */
  rows: ReportAlertRow[];
}

export function summarizeAlerts(alerts: readonly ReportAlertInput[], month: ReportMonth): AlertsSummary {
  const within = (t: number | null): t is number => t !== null && t >= month.startMs && t < month.endMs;
  const beforeEnd = (t: number | null): t is number => t !== null && t < month.endMs;
  const rows: ReportAlertRow[] = [];
  let raised = 0;
  let acknowledged = 0;
  let resolved = 0;
  for (const a of alerts) {
    if (a.openedAtMs >= month.endMs) continue;
    const openAtMonthEnd = !beforeEnd(a.resolvedAtMs);
    if (within(a.openedAtMs)) raised++;
    if (within(a.acknowledgedAtMs)) acknowledged++;
    if (within(a.resolvedAtMs)) resolved++;
    // An alert from an earlier month belongs here if something happened to it now, or it was still open.
    const touched = within(a.openedAtMs) || within(a.acknowledgedAtMs) || within(a.resolvedAtMs) || openAtMonthEnd;
    if (!touched) continue;
    rows.push({
      ruleName: a.ruleName,
      priority: a.priority,
      openedAtMs: a.openedAtMs,
      ...(beforeEnd(a.acknowledgedAtMs) ? { acknowledgedAtMs: a.acknowledgedAtMs, ...(a.acknowledgedBy ? { acknowledgedBy: a.acknowledgedBy } : {}) } : {}),
      ...(beforeEnd(a.resolvedAtMs) ? { resolvedAtMs: a.resolvedAtMs, ...(a.resolvedBy ? { resolvedBy: a.resolvedBy } : {}) } : {}),
      openAtMonthEnd,
    });
  }
  rows.sort((a, b) => a.openedAtMs - b.openedAtMs);
  return { raised, acknowledged, resolved, openAtMonthEnd: rows.filter((r) => r.openAtMonthEnd).length, rows };
}

export interface ReportTaskInput {
  title: string;
  status: string;
  completedMs?: number;
  /** 'manual', 'workflow' or 'alert'. */
  sourceKind: string;
}

export interface DoneTask {
  title: string;
  completedMs: number;
  sourceKind: string;
}

/** Tasks about the patient completed in the month, in the order they were done. */
export function tasksDone(tasks: readonly ReportTaskInput[], month: ReportMonth): DoneTask[] {
  return tasks
    .filter((t): t is ReportTaskInput & { completedMs: number } => t.status === 'done' && t.completedMs !== undefined && t.completedMs >= month.startMs && t.completedMs < month.endMs)
    .map((t) => ({ title: t.title, completedMs: t.completedMs, sourceKind: t.sourceKind }))
    .sort((a, b) => a.completedMs - b.completedMs);
}

export interface ReportEnrolmentInput {
  programName: string;
  startMs: number;
  endMs?: number;
  status: string;
}

export interface ReportProgram {
  name: string;
  startMs: number;
  endMs?: number;
  /** Enrolled for the whole month, or joined or left during it. */
  wholeMonth: boolean;
}

/** Programs the patient was enrolled in at any time in the month. */
export function programsInMonth(enrolments: readonly ReportEnrolmentInput[], month: ReportMonth): ReportProgram[] {
  return enrolments
    .filter((e) => e.startMs < month.endMs && (e.endMs === undefined || e.endMs >= month.startMs))
    .map((e) => ({
      name: e.programName,
      startMs: e.startMs,
      ...(e.endMs !== undefined ? { endMs: e.endMs } : {}),
      wholeMonth: e.startMs <= month.startMs && (e.endMs === undefined || e.endMs >= month.endMs),
    }))
    .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
}
