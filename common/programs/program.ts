import { z } from 'zod';
import type { Metric } from '../readings/observation';
import type { SyncedRow } from '../sync/stamped';

export const DEVICE_KINDS = ['bp-cuff', 'glucose-meter', 'cgm', 'weight-scale', 'pulse-oximeter', 'thermometer', 'wearable', 'ecg-patch'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** How often a patient is asked to take a reading. */
export interface ReadingSchedule {
  metric: Metric;
  label: string;
  timesPerDay?: number;
  daysPerWeek?: number;
  /** For continuous devices (CGM, wearable): worn all day. */
  continuous?: boolean;
}

/** A target the care team tracks; `text` is what a person reads, the numbers are what code checks. */
export interface ProgramTarget {
  metric: Metric | 'time-in-range';
  text: string;
  below?: number;
  above?: number;
  unit?: string;
  /** For a change target: the window the change is measured over, in days. */
  windowDays?: number;
}

export interface MessagePlanItem {
  /** Name of a message template (message templates are looked up by name). */
  template: string;
  when: string;
}

/**
 * A care program as a record staff can edit: what devices a patient gets, how often to
 * measure, the targets, which alert rules watch the readings (ids of the rule engine's
 * rules) and which messages the patient receives.
 */
export interface CareProgram extends SyncedRow {
  /** Stable short name ('hypertension'), unique in the clinic. */
  key: string;
  name: string;
  description: string;
  metrics: Metric[];
  deviceKinds: DeviceKind[];
  schedule: ReadingSchedule[];
  targets: ProgramTarget[];
  ruleIds: string[];
  messagePlan: MessagePlanItem[];
  active: boolean;
}

export type CareProgramFields = Omit<CareProgram, keyof SyncedRow>;

export const ENROLMENT_STATUSES = ['active', 'ended'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/**
 * A patient's enrolment in a program. Its start is the start of the patient's remote
 * monitoring: the 30-day device-supply periods are counted from it.
 */
export interface Enrolment extends SyncedRow {
  patientId: string;
  programId: string;
  startMs: number;
  endMs?: number;
  status: EnrolmentStatus;
  enrolledBy: string;
  reason: string;
  endReason?: string;
}

export const EnrolInput = z.object({
  patientId: z.string().min(1, 'choose a patient'),
  programId: z.string().min(1, 'choose a program'),
  startMs: z.number({ error: 'choose when monitoring starts' }).int('choose when monitoring starts'),
  reason: z.string().trim().min(1, 'say why the patient is enrolled').max(500, 'at most 500 characters'),
});
export type EnrolInput = z.input<typeof EnrolInput>;

export const EndEnrolmentInput = z.object({
  endMs: z.number({ error: 'choose when the enrolment ends' }).int(),
  reason: z.string().trim().min(1, 'say why the enrolment ends').max(500, 'at most 500 characters'),
});
export type EndEnrolmentInput = z.input<typeof EndEnrolmentInput>;

/**
 * When a patient's remote monitoring started: the earliest start among their active
 * enrolments (a second program does not restart the device-supply period).
 */
export function monitoringStartMs(enrolments: readonly Pick<Enrolment, 'startMs' | 'status' | 'deleted'>[]): number | undefined {
  let start: number | undefined;
  for (const e of enrolments) if (e.status === 'active' && !e.deleted && (start === undefined || e.startMs < start)) start = e.startMs;
  return start;
}

/** The tag that marks a patient whose home devices the clinic monitors. */
export const MONITORING_TAG = 'remote-monitoring';
