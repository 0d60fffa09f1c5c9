import type { ConsentDecision } from '../../../../common/consent/consent';
import type { ClinicalNote } from '../../../../common/notes/note';
import type { Observation } from '../../../../common/readings/observation';
import { ACTIVE_STATUSES } from '../../db/alerts';
import { consentState, recordDisclosure } from '../../db/consents';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { notesFor } from '../../db/notes';
import { latestObservations, observationsBetween } from '../../db/observations';
import { enrolmentsFor } from '../../db/programs';

/**
 * What the printable patient summary shows (issue 10 "Reports", issue 9 "Access and
 * portability"): the record's essentials gathered in one read, so the page renders once and
 * prints whole. Only what a reader of the summary needs; the full record is the FHIR export.
 */
export const SUMMARY_DAYS = 30;
const DAY = 86_400_000;
const RECENT_NOTES = 5;
const UPCOMING_APPOINTMENTS = 5;

/** The vital signs the summary charts, in print order, with how each reads. */
export const SUMMARY_VITALS = [
  { metric: 'blood-pressure-systolic', label: 'Systolic BP', unit: 'mmHg' },
  { metric: 'blood-pressure-diastolic', label: 'Diastolic BP', unit: 'mmHg' },
  { metric: 'pulse-rate', label: 'Pulse', unit: '/min' },
  { metric: 'spo2', label: 'SpO₂', unit: '%' },
  { metric: 'glucose', label: 'Glucose', unit: 'mg/dL' },
  { metric: 'body-weight', label: 'Weight', unit: 'kg' },
  { metric: 'body-temperature', label: 'Temperature', unit: '°C' },
] as const;

export interface LatestVital {
  metric: string;
  label: string;
  value: number;
  unit: string;
  timeMs: number;
  /** The last SUMMARY_DAYS of readings, for the small chart. */
  points: { x: number; y: number }[];
}

export interface SummaryProgram {
  label: string;
  status: string;
  startMs: number;
}

export interface SummaryAlert {
  ruleName: string;
  priority: string;
  status: string;
  openedAtMs: number;
}

export interface SummaryAppointment {
  startMs: number;
  type: string;
  clinician: string;
  modality: string;
}

export interface PatientSummary {
  patient: PatientRow;
  consents: ConsentDecision[];
  programs: SummaryProgram[];
  vitals: LatestVital[];
  alerts: SummaryAlert[];
  appointments: SummaryAppointment[];
  notes: ClinicalNote[];
  fromMs: number;
  generatedMs: number;
}

const finitePoints = (rows: readonly Observation[]) => rows.filter((r) => Number.isFinite(r.value)).map((r) => ({ x: r.timeMs, y: r.value }));

/** The summary of a patient as of `nowMs`; undefined when the patient is not on this workstation. */
export async function loadPatientSummary(db: CareLoopDb, patientId: string, nowMs: number): Promise<PatientSummary | undefined> {
  const patient = await db.patients.get(patientId);
  if (!patient || patient.deleted) return undefined;
  const fromMs = nowMs - SUMMARY_DAYS * DAY;
  const latest = await latestObservations(db, patientId, SUMMARY_VITALS.map((v) => v.metric));
  const vitals: LatestVital[] = [];
  for (const v of SUMMARY_VITALS) {
    const last = latest.get(v.metric);
    if (!last || !Number.isFinite(last.value)) continue;
    vitals.push({ metric: v.metric, label: v.label, value: last.value, unit: v.unit, timeMs: last.timeMs, points: finitePoints(await observationsBetween(db, patientId, v.metric, fromMs, nowMs + 1)) });
  }
  const consents = Object.values(await consentState(db, patientId)).filter((c): c is ConsentDecision => !!c).sort((a, b) => a.purpose.localeCompare(b.purpose));
  const programs = (await enrolmentsFor(db, patientId)).map(({ enrolment, program }) => ({ label: program?.name ?? 'Unknown program', status: enrolment.status, startMs: enrolment.startMs }));
  const active: readonly string[] = ACTIVE_STATUSES;
  const alerts = (await db.alerts.where('[patientId+openedAtMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray())
    .filter((a) => !a.deleted && active.includes(a.status))
    .sort((a, b) => b.openedAtMs - a.openedAtMs)
    .map((a) => ({ ruleName: a.ruleName, priority: a.priority, status: a.status, openedAtMs: a.openedAtMs }));
  const staff = new Map((await db.staff.toArray()).map((s) => [s.id, s.name]));
  const types = new Map((await db.appointmentTypes.toArray()).map((t) => [t.id, t.name]));
  const appointments = (await db.appointments.where('[patientId+startMs]').between([patientId, nowMs], [patientId, Infinity]).toArray())
    .filter((a) => !a.deleted && a.status !== 'cancelled' && a.status !== 'no-show')
    .slice(0, UPCOMING_APPOINTMENTS)
    .map((a) => ({ startMs: a.startMs, type: types.get(a.typeId) ?? 'Appointment', clinician: staff.get(a.staffId) ?? '', modality: a.modality }));
  const notes = (await notesFor(db, patientId)).sort((a, b) => b.createdMs - a.createdMs).slice(0, RECENT_NOTES);
  return { patient, consents, programs, vitals, alerts, appointments, notes, fromMs, generatedMs: nowMs };
}

/**
 * Printing or saving the summary as PDF is a disclosure (issue 9: accounting of disclosures):
 * audited as 'print' with the format, through the same gate as every export.
 */
export function recordSummaryDisclosure(db: CareLoopDb, ctx: WriteContext, patientId: string, format: 'printed-summary' | 'pdf-summary'): Promise<void> {
  return recordDisclosure(db, ctx, { patientId, kind: 'print', to: { kind: 'patient' }, format, encrypted: false });
}

/** A file name for the PDF: the MRN made safe, never the patient's name. */
export function summaryFileName(mrn: string, nowMs: number): string {
  return `${mrn.replace(/[^A-Za-z0-9\-_.]/g, '_') || 'patient'}-summary-${new Date(nowMs).toISOString().slice(0, 10)}`;
}
