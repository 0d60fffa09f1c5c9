import type { Appointment, AppointmentStatus, Modality } from '../schedule/appointment';
import { sequenceOf } from './sequence';

/**
 * What a calendar is told about one appointment. A calendar leaves the app (phones, shared
 * mailboxes, other companies' servers), so it carries the minimum necessary: no patient
 * name, no reason for the visit; initials only when the clinic turns them on.
 */
export interface CalendarVisit {
  /** The appointment id: the event's UID is derived from it, so it never changes. */
  id: string;
  startMs: number;
  endMs: number;
  status: AppointmentStatus;
  modality: Modality;
  /** Grows with every significant change (see sequenceOf). */
  sequence: number;
  videoUrl?: string;
  /** The room, for an in-person visit. */
  roomName?: string;
  /** Only when the clinic's setting allows initials in clinicians' calendars. */
  patientInitials?: string;
  clinicianName?: string;
}

const MODALITY_LABEL: Record<Modality, string> = { 'in-person': 'in person', video: 'video', phone: 'phone' };

/** "J.D." from a given and a family name (first letters only). */
export function initialsOf(givenName: string, familyName: string): string {
  return [givenName, familyName]
    .map((n) => n.trim().charAt(0).toUpperCase())
    .filter(Boolean)
    .map((c) => `${c}.`)
    .join('');
}

/** The event title in a clinician's calendar: "Visit (video)", or "Visit (video) – J.D." with initials on. */
export function clinicianSummary(v: Pick<CalendarVisit, 'modality' | 'patientInitials'>): string {
  const base = `Visit (${MODALITY_LABEL[v.modality]})`;
  return v.patientInitials ? `${base} – ${v.patientInitials}` : base;
}

/** The event title in the patient's own calendar. */
export function patientSummary(v: Pick<CalendarVisit, 'modality'>, clinicName: string): string {
  return `${v.modality === 'video' ? 'Video visit' : v.modality === 'phone' ? 'Telephone appointment' : 'Appointment'} – ${clinicName}`;
}

/** Where the visit happens: the meeting link, the room at the clinic, or the telephone. */
export function locationOf(v: Pick<CalendarVisit, 'modality' | 'videoUrl' | 'roomName'>, clinicName: string): string {
  if (v.modality === 'video') return v.videoUrl ?? 'Video visit (link to follow)';
  if (v.modality === 'phone') return 'Telephone';
  return v.roomName ? `${clinicName}, ${v.roomName}` : clinicName;
}

/** Whether a calendar should still show the visit as happening. */
export function isCancelled(status: AppointmentStatus): boolean {
  return status === 'cancelled';
}

/** The calendar view of an appointment row; names come from the caller, only when they may be shown. */
export function visitOf(a: Pick<Appointment, 'id' | 'startMs' | 'endMs' | 'status' | 'modality' | 'videoUrl' | 'stamps'>, extras: { roomName?: string; patientInitials?: string; clinicianName?: string } = {}): CalendarVisit {
  return {
    id: a.id,
    startMs: a.startMs,
    endMs: a.endMs,
    status: a.status,
    modality: a.modality,
    sequence: sequenceOf(a.stamps),
    ...(a.videoUrl ? { videoUrl: a.videoUrl } : {}),
    ...(extras.roomName ? { roomName: extras.roomName } : {}),
    ...(extras.patientInitials ? { patientInitials: extras.patientInitials } : {}),
    ...(extras.clinicianName ? { clinicianName: extras.clinicianName } : {}),
  };
}
