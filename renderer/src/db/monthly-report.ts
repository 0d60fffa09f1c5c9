import { buildMonthlyReport, reportThresholds, type MonthlyReport, type MonthlyReportInput } from '../engine/insights/monthly-report/report';
import { metricLabel, type ReportReading } from '../engine/insights/monthly-report/readings';
import { reportMonth } from '../engine/insights/monthly-report/month';
import { recordDisclosure } from './consents';
import type { CareLoopDb, PatientRow } from './database';
import type { WriteContext } from './journal';
import { asCrmDb } from './crm-tables';
import { enrolmentsFor } from './programs';
import { loadRpmRules, SERIES_METRICS } from './rpm-worklist';
import { seriesBlockMs } from './series/layout';
import { SeriesStore } from './series/series-store';
import { timeLogInMonth } from './time-log';

/**
 * Gathers one patient's calendar month for the monthly remote-monitoring report (issue 10
 * "Reports"): the month's point readings, dense series samples and recorded waveform blocks,
 * time log, alerts, tasks and programs. The figures themselves are computed by the
 * environment-free engine/insights/monthly-report.
 */

/** Recorded as waveforms (10-second blocks): counted from index keys, never read sample by sample. */
const WAVEFORM_METRICS: ReadonlySet<string> = new Set(['ecg']);
/** Dense series stored in day blocks: the worklist's, HRV and the wearables' resting heart rate. */
const DENSE_METRICS = [...SERIES_METRICS.filter((m) => !WAVEFORM_METRICS.has(m)), 'hrv-rmssd', 'hrv-sdnn', 'resting-heart-rate'];

export interface PatientMonthlyReport {
  patient: PatientRow;
  report: MonthlyReport;
}

/** Throws MonthlyReportInputError for a month or zone that is not one; undefined when the patient is not here. */
export async function loadMonthlyReport(appDb: CareLoopDb, patientId: string, month: string, o: { zone: string; nowMs: number }): Promise<PatientMonthlyReport | undefined> {
  const bounds = reportMonth(month, o.zone);
  const db = asCrmDb(appDb);
  const patient = await db.patients.get(patientId);
  if (!patient || patient.deleted) return undefined;
  const { startMs, endMs } = bounds;

  const [observations, dense, waveforms, timeLog, alerts, tasks, enrolments, rules] = await Promise.all([
    db.observations.where('[patientId+timeMs]').between([patientId, startMs], [patientId, endMs], true, false).toArray(),
    denseSamples(db, patientId, startMs, endMs),
    waveformBlocks(db, patientId, startMs, endMs),
    timeLogInMonth(db, patientId, month),
    db.alerts.where('[patientId+openedAtMs]').between([patientId, -Infinity], [patientId, endMs], true, false).toArray(),
    db.tasks.where('[patientId+dueMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray(),
    enrolmentsFor(db, patientId),
    loadRpmRules(db),
  ]);

  const readings: ReportReading[] = observations.map((r) => ({
    metric: r.metric,
    value: r.value,
    timeMs: r.timeMs,
    grade: r.source.grade,
    unit: r.unit,
    ...(r.groupId ? { groupId: r.groupId } : {}),
  }));
  // A sample both judged as an observation and kept in a series is one reading.
  const seen = new Set(readings.map((r) => `${r.metric}|${r.timeMs}`));
  for (const s of dense) if (!seen.has(`${s.metric}|${s.timeMs}`)) readings.push(s);

  const live = enrolments.filter((e) => !e.enrolment.deleted);
  const report = buildMonthlyReport({
    month: bounds,
    asOfMs: o.nowMs,
    readings,
    waveforms,
    timeLog: timeLog.map((e) => ({ date: e.date, minutes: e.minutes, staffName: e.staffName, activity: e.activity, interactive: e.interactive })),
    alerts: alerts
      .filter((a) => !a.deleted)
      .map((a) => ({
        ruleName: a.ruleName,
        priority: a.priority,
        status: a.status,
        openedAtMs: a.openedAtMs,
        acknowledgedAtMs: a.acknowledgedAtMs ?? null,
        acknowledgedBy: a.acknowledgedBy ?? null,
        resolvedAtMs: a.resolvedAtMs ?? null,
        resolvedBy: a.resolvedBy ?? null,
      })),
    tasks: tasks.filter((t) => !t.deleted).map((t) => ({ title: t.title, status: t.status, ...(t.completedMs !== undefined ? { completedMs: t.completedMs } : {}), sourceKind: t.source.kind })),
    enrolments: live.map(({ enrolment, program }) => ({ programName: program?.name ?? 'Unknown program', startMs: enrolment.startMs, ...(enrolment.endMs !== undefined ? { endMs: enrolment.endMs } : {}), status: enrolment.status })),
    // Targets of the programs the patient is in now or was in during the month.
    programTargets: live
      .filter(({ enrolment }) => enrolment.startMs < endMs && (enrolment.endMs === undefined || enrolment.endMs >= startMs))
      .flatMap(({ program }) => program?.targets ?? [])
      .map((t) => ({ metric: t.metric, ...(t.below !== undefined ? { below: t.below } : {}) })),
    thresholds: reportThresholds(rules, bounds.lastDay),
  });
  return { patient, report };
}

/** Wearable samples of the dense metrics in [fromMs, toMs): consumer-grade, in their metric's stored unit. */
async function denseSamples(db: CareLoopDb, patientId: string, fromMs: number, toMs: number): Promise<ReportReading[]> {
  const store = new SeriesStore(db);
  const out: ReportReading[] = [];
  for (const metric of DENSE_METRICS) {
    const { times, values } = await store.readPoints(patientId, metric, fromMs, toMs);
    for (let i = 0; i < times.length; i++) out.push({ metric, value: values[i]!, timeMs: times[i]!, grade: 'consumer' });
  }
  return out;
}

/** Start times of the recorded waveform blocks in the window, from index keys alone. */
async function waveformBlocks(db: CareLoopDb, patientId: string, fromMs: number, toMs: number): Promise<MonthlyReportInput['waveforms'][number][]> {
  const blockMs = seriesBlockMs('waveform');
  const out: MonthlyReportInput['waveforms'][number][] = [];
  for (const metric of WAVEFORM_METRICS) {
    const keys = (await db.seriesBlocks
      .where('[patientId+metric+startMs]')
      .between([patientId, metric, fromMs], [patientId, metric, toMs], true, false)
      .keys()) as unknown as [string, string, number][];
    const starts = keys.map(([, , startMs]) => startMs);
    if (starts.length) out.push({ metric, label: metricLabel(metric), blockStartsMs: starts, blockSeconds: blockMs / 1000 });
  }
  return out;
}

/**
 * Printing the report or saving it as PDF is a disclosure, like the summary's (issue 9:
 * accounting of disclosures): audited as 'print' with the format.
 */
export function recordReportDisclosure(db: CareLoopDb, ctx: WriteContext, patientId: string, format: 'printed-monthly-report' | 'pdf-monthly-report'): Promise<void> {
  return recordDisclosure(db, ctx, { patientId, kind: 'print', to: { kind: 'patient' }, format, encrypted: false });
}

/** A file name for the PDF: the MRN made safe and the month, never the patient's name. */
export function reportFileName(mrn: string, month: string): string {
  return `${mrn.replace(/[^A-Za-z0-9\-_.]/g, '_') || 'patient'}-monthly-report-${month}`;
}
