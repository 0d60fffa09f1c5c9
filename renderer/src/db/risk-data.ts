import type { Observation } from '../../../common/readings/observation';
import { assessRisk, DEFAULT_RISK_THRESHOLDS, hasHeartFailure, type AlertPriority, type RiskAssessment, type RiskThresholds } from '../engine/insights/risk-tier';
import { adherence, DAY_MS, type TimedValue } from '../engine/signal/trends';
import { ACTIVE_STATUSES } from './alerts';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';

/**
 * Loads what the risk tiers need for many patients at once and assesses them: the clinic's
 * active alerts and active enrolments (one read each), then each batch of patients' last 30
 * days of point readings from the [patientId+timeMs] index, a batch of patients at a time.
 */

export interface PatientRisk {
  assessment: RiskAssessment;
  /** Days with readings in the last 30; undefined when the patient is not monitored. */
  daysWithReadings?: number;
  monitored: boolean;
  openAlerts: AlertPriority[];
}

export interface RiskOptions {
  nowMs: number;
  zone: string;
  thresholds?: Readonly<RiskThresholds>;
  /** From this many patients the clinic's recent readings are read at once (default 1,000). */
  clinicWideFrom?: number;
}

const WINDOW_DAYS = 30;
/** Patients whose readings are read together: bounds the rows held at once. */
const BATCH = 250;

/** Active alerts per patient (priorities only), from the status index. */
export async function activeAlertsByPatient(db: CrmDb): Promise<Map<string, AlertPriority[]>> {
  const out = new Map<string, AlertPriority[]>();
  for (const a of await db.alerts.where('status').anyOf([...ACTIVE_STATUSES]).toArray()) {
    if (a.deleted) continue;
    const list = out.get(a.patientId) ?? [];
    list.push(a.priority);
    out.set(a.patientId, list);
  }
  return out;
}

/** Program ids of each patient's active enrolments. */
export async function activeProgramsByPatient(db: CrmDb): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const e of await db.enrolments.where('status').equals('active').toArray()) {
    if (e.deleted) continue;
    const list = out.get(e.patientId) ?? [];
    if (!list.includes(e.programId)) list.push(e.programId);
    out.set(e.patientId, list);
  }
  return out;
}

/**
 * Point readings of many patients between fromMs (included) and toMs (excluded), grouped by
 * patient: one index range read (a getAll) per patient, issued together. A single multi-range
 * cursor (inAnyRange) would step once per row, which is slower in Chromium and far slower in
 * fake-indexeddb.
 */
export async function readingsByPatient(db: CrmDb, ids: readonly string[], fromMs: number, toMs: number, metric?: string): Promise<Map<string, Observation[]>> {
  const lists = await Promise.all(
    ids.map((id) =>
      metric
        ? db.observations.where('[patientId+metric+timeMs]').between([id, metric, fromMs], [id, metric, toMs], true, false).toArray()
        : db.observations.where('[patientId+timeMs]').between([id, fromMs], [id, toMs], true, false).toArray(),
    ),
  );
  const out = new Map<string, Observation[]>();
  ids.forEach((id, i) => {
    if (lists[i]!.length) out.set(id, lists[i]!);
  });
  return out;
}

/** Patients from which one clinic-wide read of recent readings is used instead of one read per patient. */
const CLINIC_WIDE_FROM = 1000;

/** Every point reading between fromMs (included) and toMs (excluded) of the given patients, by patient. */
async function recentReadings(db: CrmDb, ids: ReadonlySet<string>, fromMs: number, toMs: number): Promise<Map<string, Observation[]>> {
  const out = new Map<string, Observation[]>();
  for (const o of await db.observations.where('timeMs').between(fromMs, toMs, true, false).toArray()) {
    if (!ids.has(o.patientId)) continue;
    const list = out.get(o.patientId);
    if (list) list.push(o);
    else out.set(o.patientId, [o]);
  }
  return out;
}

const values = (list: readonly Observation[], metric: string): TimedValue[] => list.filter((o) => o.metric === metric).map((o) => ({ timeMs: o.timeMs, value: o.value }));

/** Risk tiers, with reasons, of the given patients now. */
export async function assessPatients(db: CrmDb, patients: readonly PatientRow[], o: RiskOptions): Promise<Map<string, PatientRisk>> {
  const [alerts, programs] = await Promise.all([activeAlertsByPatient(db), activeProgramsByPatient(db)]);
  return assessWith(db, patients, alerts, programs, o);
}

/** One patient's tier (the profile's risk card): reads only their alerts and enrolments. */
export async function assessPatient(db: CrmDb, patient: PatientRow, o: RiskOptions): Promise<PatientRisk> {
  const [alertRows, enrolments] = await Promise.all([
    db.alerts.where('[patientId+openedAtMs]').between([patient.id, -Infinity], [patient.id, Infinity]).toArray(),
    db.enrolments.where('[patientId+startMs]').between([patient.id, -Infinity], [patient.id, Infinity]).toArray(),
  ]);
  const active = new Set<string>(ACTIVE_STATUSES);
  const alerts = new Map([[patient.id, alertRows.filter((a) => !a.deleted && active.has(a.status)).map((a) => a.priority)]]);
  const programIds = enrolments.filter((e) => !e.deleted && e.status === 'active').map((e) => e.programId);
  const programs = new Map(programIds.length ? [[patient.id, programIds]] : []);
  return (await assessWith(db, [patient], alerts, programs, o)).get(patient.id)!;
}

async function assessWith(db: CrmDb, patients: readonly PatientRow[], alerts: ReadonlyMap<string, AlertPriority[]>, programs: ReadonlyMap<string, string[]>, o: RiskOptions): Promise<Map<string, PatientRisk>> {
  const out = new Map<string, PatientRisk>();
  // Readings after now are not counted; the upper bound is just past now so a reading at now is.
  const fromMs = o.nowMs - (WINDOW_DAYS + 1) * DAY_MS;
  // For a large population one read of the clinic's last 30 days (timeMs index) beats a read
  // per patient, most of whom (not monitored) have no readings at all.
  const clinicWide = patients.length >= (o.clinicWideFrom ?? CLINIC_WIDE_FROM) ? await recentReadings(db, new Set(patients.map((p) => p.id)), fromMs, o.nowMs + 1) : undefined;
  for (let i = 0; i < patients.length; i += BATCH) {
    const batch = patients.slice(i, i + BATCH);
    const readings = clinicWide ?? (await readingsByPatient(db, batch.map((p) => p.id), fromMs, o.nowMs + 1));
    for (const p of batch) {
      const list = readings.get(p.id) ?? [];
      const monitored = programs.has(p.id);
      const openAlerts = alerts.get(p.id) ?? [];
      const readingTimesMs = list.map((r) => r.timeMs);
      const assessment = assessRisk(
        {
          nowMs: o.nowMs,
          timeZone: o.zone,
          openAlertPriorities: openAlerts,
          heartFailure: hasHeartFailure(p.conditions ?? []),
          monitored,
          weight: values(list, 'body-weight'),
          systolic: values(list, 'blood-pressure-systolic'),
          diastolic: values(list, 'blood-pressure-diastolic'),
          readingTimesMs,
        },
        o.thresholds ?? DEFAULT_RISK_THRESHOLDS,
      );
      const risk: PatientRisk = { assessment, monitored, openAlerts };
      if (monitored) risk.daysWithReadings = adherence(readingTimesMs.map((timeMs) => ({ timeMs, value: 0 })), { nowMs: o.nowMs, timeZone: o.zone, days: WINDOW_DAYS }).daysWithReadings;
      out.set(p.id, risk);
    }
  }
  return out;
}
