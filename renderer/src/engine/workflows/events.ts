import type { Priority, RiskTier, StaffRole, WorkflowMetric } from './workflow';

/** A reading as the workflows see it: enough to compare with a limit or a target. */
export interface ReadingFact {
  metric: string;
  value: number;
  timeMs: number;
}

/** One local calendar day: `index` counts days since 1970-01-01 in the clinic's zone. */
export interface LocalDay {
  index: number;
  startMs: number;
  endMs: number;
}

/**
 * Something that happened which a workflow may act on. Every event names its patient and
 * the moment it is considered to happen (`atMs`); together with the workflow, `eventKey`
 * makes the run key that keeps one event from acting twice.
 */
export type WorkflowEvent =
  | { kind: 'alert-opened'; patientId: string; atMs: number; alertId: string; priority: Priority; ruleId: string; ruleName: string }
  | { kind: 'reading-received'; patientId: string; atMs: number; observationId: string; metric: WorkflowMetric | string; value: number; unit: string }
  | { kind: 'appointment-booked'; patientId: string; atMs: number; appointmentId: string; startMs: number }
  | { kind: 'appointment-upcoming'; patientId: string; atMs: number; appointmentId: string; startMs: number }
  | { kind: 'appointment-missed'; patientId: string; atMs: number; appointmentId: string; startMs: number }
  /** `lastReadingMs` null: never a reading; silence is then counted from `monitoringSinceMs`. */
  | { kind: 'no-reading'; patientId: string; atMs: number; lastReadingMs: number | null; monitoringSinceMs: number }
  | { kind: 'enrolment'; patientId: string; atMs: number; enrolmentId: string; programKey: string }
  | { kind: 'birthday'; patientId: string; atMs: number; year: number }
  /** Complete local days up to yesterday (oldest first) and the readings taken on them. */
  | { kind: 'goal-met'; patientId: string; atMs: number; days: LocalDay[]; readings: ReadingFact[] }
  /** A medication time of day came round: `time` is 'HH:MM', `slotMs` when it fell. */
  | { kind: 'medication-schedule'; patientId: string; atMs: number; time: string; slotMs: number };

export type EventKind = WorkflowEvent['kind'];

/** What the workflows know of a patient when they decide. */
export interface PatientFacts {
  patientId: string;
  /** For staff-facing text only (task titles, care-team notes), never for logs. */
  name: string;
  archived: boolean;
  birthDate: string;
  tags: readonly string[];
  conditions: readonly { display: string; code?: string }[];
  medicationCount: number;
  programKeys: readonly string[];
  /** Purposes the patient has currently consented to ('sms', 'email', 'monitoring', …). */
  consents: readonly string[];
  /** The patient's preferred contact channel. */
  preferredChannel: 'sms' | 'email' | 'phone' | 'portal' | 'in-app';
  /** The care team as recorded, joined with the staff table where a member is staff. */
  careTeam: readonly { name: string; staffId?: string; staffRole?: StaffRole }[];
  riskTier?: RiskTier;
}

/** The part of an event that makes it unique: same key, same event (never acts twice). */
export function eventKey(e: WorkflowEvent): string {
  switch (e.kind) {
    case 'alert-opened':
      return `alert-opened:${e.alertId}`;
    case 'reading-received':
      return `reading:${e.observationId}`;
    case 'appointment-booked':
      return `appointment-booked:${e.appointmentId}`;
    case 'appointment-upcoming':
      // A moved appointment is a new occasion for a reminder.
      return `appointment-upcoming:${e.appointmentId}:${e.startMs}`;
    case 'appointment-missed':
      return `appointment-missed:${e.appointmentId}`;
    case 'no-reading':
      // One nudge per silence: a new reading starts a new silence.
      return `no-reading:${e.patientId}:${e.lastReadingMs ?? 'never'}`;
    case 'enrolment':
      return `enrolment:${e.enrolmentId}`;
    case 'birthday':
      return `birthday:${e.patientId}:${e.year}`;
    case 'goal-met':
      return `goal-met:${e.patientId}`;
    case 'medication-schedule':
      return `medication:${e.patientId}:${e.slotMs}`;
  }
}

/** A short description for run records and care-team notes (no readings' history, no contact details). */
export function describeEvent(e: WorkflowEvent): string {
  switch (e.kind) {
    case 'alert-opened':
      return `${e.priority[0]!.toUpperCase()}${e.priority.slice(1)}-priority alert: ${e.ruleName}`;
    case 'reading-received':
      return `Reading ${e.metric} ${Math.round(e.value * 10) / 10} ${e.unit}`;
    case 'appointment-booked':
      return 'Appointment booked';
    case 'appointment-upcoming':
      return 'Appointment coming up';
    case 'appointment-missed':
      return 'Appointment missed (no-show)';
    case 'no-reading':
      return e.lastReadingMs === null ? 'No reading since monitoring started' : 'No recent reading';
    case 'enrolment':
      return `Enrolled in ${e.programKey}`;
    case 'birthday':
      return 'Birthday';
    case 'goal-met':
      return 'Goal met';
    case 'medication-schedule':
      return `Medication time ${e.time}`;
  }
}
