import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus, type ICalEventData } from 'ical-generator';
import { clinicianSummary, isCancelled, locationOf, patientSummary, type CalendarVisit } from './visit';

/**
 * iCalendar text (RFC 5545) for CareLoop's appointments: a clinician's feed (METHOD:PUBLISH)
 * and a patient's invitation (METHOD:REQUEST, or METHOD:CANCEL — RFC 5546 iTIP). Times are
 * written in UTC (DTSTART:…Z), which every client reads the same; the clinic's zone is named
 * in X-WR-TIMEZONE for clients that show a calendar's home zone.
 */

export const PRODUCT_ID = { company: 'CareLoop', product: 'Schedule', language: 'EN' } as const;
/** The UID domain part (RFC 5545 §3.8.4.7 recommends id@host). */
const UID_DOMAIN = 'careloop.appointment';

export class CalendarInputError extends Error {
  override readonly name = 'CalendarInputError';
}

export function uidOf(appointmentId: string): string {
  return `${appointmentId}@${UID_DOMAIN}`;
}

function checkVisit(v: CalendarVisit): void {
  if (!v.id) throw new CalendarInputError('an appointment without an id cannot go into a calendar');
  if (!Number.isFinite(v.startMs) || !Number.isFinite(v.endMs) || v.endMs <= v.startMs) throw new CalendarInputError(`appointment ${v.id} has no valid time span`);
  if (!Number.isInteger(v.sequence) || v.sequence < 0) throw new CalendarInputError(`appointment ${v.id} has no valid sequence`);
}

function eventOf(v: CalendarVisit, summary: string, clinicName: string, stampMs: number): ICalEventData {
  checkVisit(v);
  const cancelled = isCancelled(v.status);
  const lines = [v.modality === 'video' && v.videoUrl ? `Join the video visit: ${v.videoUrl}` : undefined, v.clinicianName ? `With ${v.clinicianName}` : undefined, cancelled ? 'This appointment is cancelled.' : undefined];
  const description = lines.filter(Boolean).join('\n');
  return {
    id: uidOf(v.id),
    sequence: v.sequence,
    stamp: new Date(stampMs),
    start: new Date(v.startMs),
    end: new Date(v.endMs),
    summary,
    location: locationOf(v, clinicName),
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(description ? { description } : {}),
    ...(v.modality === 'video' && v.videoUrl ? { url: v.videoUrl } : {}),
  };
}

export interface FeedOptions {
  /** The calendar's display name, e.g. "CareLoop – Dr Rivera". */
  name: string;
  clinicName: string;
  /** IANA zone of the clinic (X-WR-TIMEZONE). */
  zone?: string;
  /** DTSTAMP: when this calendar was generated. */
  generatedMs: number;
  /** How often subscribers should fetch the feed again (REFRESH-INTERVAL, RFC 7986). */
  refreshMinutes?: number;
}

/** A clinician's calendar: one VEVENT per appointment, cancelled ones kept as STATUS:CANCELLED. */
export function buildClinicianFeed(visits: readonly CalendarVisit[], o: FeedOptions): string {
  const cal = ical({ prodId: PRODUCT_ID, name: o.name, method: ICalCalendarMethod.PUBLISH });
  if (o.zone) cal.x('X-WR-TIMEZONE', o.zone);
  if (o.refreshMinutes) cal.ttl(o.refreshMinutes * 60);
  for (const v of [...visits].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id))) {
    cal.createEvent(eventOf(v, clinicianSummary(v), o.clinicName, o.generatedMs));
  }
  return cal.toString();
}

export interface InvitationOptions {
  clinicName: string;
  /** The clinic's sending address: the organizer of the event (required by RFC 5546 for REQUEST and CANCEL). */
  organizerEmail: string;
  /** The patient's address the email goes to. */
  attendeeEmail: string;
  zone?: string;
  generatedMs: number;
}

export type InvitationMethod = 'REQUEST' | 'CANCEL';

/** REQUEST for a visit that happens, CANCEL for a cancelled one. */
export function invitationMethodOf(v: Pick<CalendarVisit, 'status'>): InvitationMethod {
  return isCancelled(v.status) ? 'CANCEL' : 'REQUEST';
}

/** An invitation to the patient for one visit (iTIP, RFC 5546 §3.2.2 REQUEST / §3.2.5 CANCEL). */
export function buildInvitation(v: CalendarVisit, o: InvitationOptions): { method: InvitationMethod; ics: string } {
  if (!o.organizerEmail.includes('@') || !o.attendeeEmail.includes('@')) throw new CalendarInputError('an invitation needs the clinic and the patient email addresses');
  const method = invitationMethodOf(v);
  const cal = ical({ prodId: PRODUCT_ID, method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST });
  if (o.zone) cal.x('X-WR-TIMEZONE', o.zone);
  cal.createEvent({
    ...eventOf(v, patientSummary(v, o.clinicName), o.clinicName, o.generatedMs),
    organizer: { name: o.clinicName, email: o.organizerEmail },
    attendees: [{ email: o.attendeeEmail, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.NEEDSACTION, rsvp: false }],
  });
  return { method, ics: cal.toString() };
}
