import { buildInvitation, type InvitationMethod } from '../../common/calendar/ics';
import { visitOf } from '../../common/calendar/visit';
import type { FieldMap } from '../../common/sync/protocol';
import { appointmentById, clinicName, messageTemplate, nextBookedAppointment, roomNames, type SyncedAppointment } from '../calendar/synced-appointments';
import type { Queryable } from '../db/database';

/**
 * The calendar invitation that goes with an appointment email (RFC 5546 iTIP over email,
 * RFC 6047): METHOD:REQUEST for a visit that happens, METHOD:CANCEL for a cancelled one.
 *
 * Which appointment an email is about: the message's `appointmentId` field when the
 * workstation set one; otherwise, for a message written from a template that names
 * {{appointment.time}}, the patient's first booked appointment at or after the time the
 * message was written — the one the workstation put into the text. Other emails get none.
 */

export interface Invitation {
  method: InvitationMethod;
  ics: string;
}

const APPOINTMENT_VARIABLE = /\{\{\s*appointment\.[\w.-]+\s*\}\}/;

const text = (f: FieldMap, k: string): string | undefined => (typeof f[k]?.value === 'string' && f[k]!.value ? (f[k]!.value as string) : undefined);

async function appointmentOfMessage(db: Queryable, clinicId: string, f: FieldMap): Promise<SyncedAppointment | undefined> {
  const patientId = text(f, 'patientId');
  const linked = text(f, 'appointmentId');
  if (linked) {
    const a = await appointmentById(db, clinicId, linked);
    return a && a.patientId === patientId ? a : undefined;
  }
  const templateId = text(f, 'templateId');
  const createdMs = f.createdMs?.value;
  if (!patientId || !templateId || typeof createdMs !== 'number') return undefined;
  const template = await messageTemplate(db, clinicId, templateId);
  if (!template || !APPOINTMENT_VARIABLE.test(`${template.subject ?? ''}\n${template.body ?? ''}`)) return undefined;
  return nextBookedAppointment(db, clinicId, patientId, createdMs);
}

/** The invitation for a queued email message, or undefined when it is not about an appointment. */
export async function invitationForMessage(db: Queryable, clinicId: string, fields: FieldMap, o: { organizerEmail: string; nowMs: number }): Promise<Invitation | undefined> {
  const to = text(fields, 'to');
  if (text(fields, 'channel') !== 'email' || !to) return undefined;
  const appointment = await appointmentOfMessage(db, clinicId, fields);
  if (!appointment) return undefined;
  const [rooms, clinic] = await Promise.all([roomNames(db, clinicId), clinicName(db, clinicId)]);
  const roomName = appointment.roomId ? rooms.get(appointment.roomId) : undefined;
  return buildInvitation(visitOf(appointment, roomName ? { roomName } : {}), { clinicName: clinic, organizerEmail: o.organizerEmail, attendeeEmail: to, generatedMs: o.nowMs });
}
