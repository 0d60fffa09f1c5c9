import { appointmentPlaceValues } from '../../../common/calendar/reminder-values';
import { hasConsent, type ConsentPurpose } from '../../../common/consent/consent';
import { isRestricted } from '../../../common/consent/rights';
import { PATIENT_CHANNELS, type Message, type MessageChannel, type MessageTemplate } from '../../../common/messaging/message';
import { renderTemplate, type TemplateValues } from '../../../common/messaging/template';
import { consentState } from './consents';
import type { CareLoopDb, PatientRow } from './database';
import type { WriteContext } from './journal';
import { latestObservations } from './observations';
import { insertRow } from './synced-rows';

/** The patient has not consented to this channel: the message was recorded as withheld, not sent. */
export class ConsentRequiredError extends Error {
  override readonly name = 'ConsentRequiredError';
  constructor(
    readonly channel: MessageChannel,
    message: string,
  ) {
    super(message);
  }
}

export class MessageInputError extends Error {
  override readonly name = 'MessageInputError';
}

export interface SendInput {
  patientId: string;
  channel: MessageChannel;
  body: string;
  subject?: string;
  templateId?: string;
  /** The appointment the message is about, when it is about one. */
  appointmentId?: string;
  automation?: Message['automation'];
}

/** Why messages to a patient under restriction of processing (GDPR Art. 18) are withheld. */
export const RESTRICTED_MESSAGING = 'processing of this patient\'s data is restricted, so no messages are sent';

function addressFor(p: PatientRow, channel: MessageChannel): string | undefined {
  if (channel === 'sms') return p.phone;
  if (channel === 'email') return p.email;
  return undefined;
}

/**
 * Outbound messages, phone-call logs and staff notes. A message to the patient is queued
 * only with the patient's consent for that channel and an address to send to; otherwise
 * it is recorded as withheld with the reason, audited, and the caller is told why. Queued
 * messages leave through the cloud instance when the workstation syncs.
 */
export async function sendMessage(db: CareLoopDb, ctx: WriteContext, input: SendInput): Promise<Message> {
  const body = input.body.trim();
  if (!body) throw new MessageInputError('Write a message first.');
  if (body.length > 5000) throw new MessageInputError('Messages are limited to 5,000 characters.');
  const outcome = await db.transaction('rw', [db.patients, db.consents, db.messages, db.audit, db.outbox, db.meta], async (): Promise<{ message: Message; refusal?: string }> => {
    const patient = await db.patients.get(input.patientId);
    if (!patient || patient.deleted) throw new MessageInputError('That patient does not exist on this workstation.');
    const base = {
      patientId: input.patientId,
      channel: input.channel,
      body,
      ...(input.subject ? { subject: input.subject } : {}),
      ...(input.templateId ? { templateId: input.templateId } : {}),
      ...(input.appointmentId ? { appointmentId: input.appointmentId } : {}),
      ...(input.automation ? { automation: input.automation } : {}),
      authorName: ctx.actor,
      createdMs: Date.now(),
    };
    if (input.channel === 'staff-note' || input.channel === 'phone-log') {
      return { message: await insertRow<Message>(db, ctx, db.messages, { ...base, direction: input.channel === 'staff-note' ? 'internal' : 'outbound', status: 'logged' }, { action: 'message.log', entity: 'message', patientId: input.patientId }) };
    }
    let refusal: string | undefined;
    if (PATIENT_CHANNELS.has(input.channel) && isRestricted(patient)) refusal = RESTRICTED_MESSAGING;
    else if (PATIENT_CHANNELS.has(input.channel) && !hasConsent(await consentState(db, input.patientId), input.channel as ConsentPurpose)) {
      refusal = `${patient.givenName} ${patient.familyName} has not consented to ${input.channel} messages`;
    }
    const to = addressFor(patient, input.channel);
    if (!refusal && (input.channel === 'sms' || input.channel === 'email') && !to) refusal = `no ${input.channel === 'sms' ? 'phone number' : 'email address'} on file`;
    if (refusal) {
      // The refusal is kept (visible in the thread, audited); the error is raised after commit.
      const message = await insertRow<Message>(db, ctx, db.messages, { ...base, direction: 'outbound', status: 'withheld', error: refusal }, { action: 'message.withhold', entity: 'message', patientId: input.patientId });
      return { message, refusal };
    }
    return { message: await insertRow<Message>(db, ctx, db.messages, { ...base, direction: 'outbound', status: 'queued', ...(to ? { to } : {}) }, { action: 'message.queue', entity: 'message', patientId: input.patientId }) };
  });
  if (outcome.refusal) throw new ConsentRequiredError(input.channel, `Not sent: ${outcome.refusal}.`);
  return outcome.message;
}

/** Values for template variables from the record: patient, next appointment, latest readings, clinic. */
export async function templateValuesFor(db: CareLoopDb, patient: PatientRow, clinicName: string, nowMs = Date.now(), appointmentId?: string): Promise<TemplateValues> {
  // The appointment a workflow event names, else the patient's next booked one.
  const named = appointmentId ? await db.appointments.get(appointmentId) : undefined;
  const next = named && named.patientId === patient.id && !named.deleted
    ? named
    : (await db.appointments.where('[patientId+startMs]').between([patient.id, nowMs], [patient.id, Infinity]).toArray()).find((a) => a.status === 'booked' && !a.deleted);
  const metrics = ['blood-pressure-systolic', 'blood-pressure-diastolic', 'glucose', 'body-weight', 'spo2', 'pulse-rate'];
  const latest = await latestObservations(db, patient.id, metrics);
  const values: TemplateValues = {
    'patient.givenName': patient.preferredName ?? patient.givenName,
    'patient.familyName': patient.familyName,
    'clinic.name': clinicName,
    'appointment.time': next ? new Date(next.startMs).toLocaleString(patient.preferredLanguage, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }) : undefined,
  };
  Object.assign(values, appointmentPlaceValues(next));
  for (const [metric, o] of latest) values[`reading.latest.${metric}`] = `${o.value} ${o.unit === 'mm[Hg]' ? 'mmHg' : o.unit}`;
  const sys = latest.get('blood-pressure-systolic');
  const dia = latest.get('blood-pressure-diastolic');
  if (sys && dia) values['reading.latest.blood-pressure'] = `${Math.round(sys.value)}/${Math.round(dia.value)} mmHg`;
  return values;
}

export function renderFor(template: Pick<MessageTemplate, 'body' | 'subject'>, values: TemplateValues): { body: string; subject?: string; missing: string[] } {
  const body = renderTemplate(template.body, values);
  const subject = template.subject ? renderTemplate(template.subject, values) : undefined;
  return { body: body.text, ...(subject ? { subject: subject.text } : {}), missing: [...new Set([...body.missing, ...(subject?.missing ?? [])])] };
}

const DEFAULT_TEMPLATES: Omit<MessageTemplate, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>[] = [
  { name: 'Appointment reminder', channel: 'any', subject: 'Your appointment at {{clinic.name}}', body: 'Hello {{patient.givenName}}, this is a reminder of your appointment at {{clinic.name}} on {{appointment.time}}. Reply or call us if you need to change it.', active: true },
  { name: 'No readings for 3 days', channel: 'any', body: 'Hello {{patient.givenName}}, we have not received a reading from your home device for 3 days. Please take a reading today, or let us know if the device is not working. — {{clinic.name}}', active: true },
  { name: 'Blood pressure follow-up', channel: 'any', body: 'Hello {{patient.givenName}}, your latest blood pressure was {{reading.latest.blood-pressure}}. A nurse from {{clinic.name}} will call you today to talk it through.', active: true },
  { name: 'Well done this week', channel: 'any', body: 'Well done, {{patient.givenName}}! You took your readings every day this week and they are on target. Keep it up. — {{clinic.name}}', active: true },
];

export async function ensureDefaultTemplates(db: CareLoopDb, ctx: WriteContext): Promise<void> {
  await db.transaction('rw', [db.messageTemplates, db.audit, db.outbox, db.meta], async () => {
    if ((await db.messageTemplates.count()) > 0) return;
    for (const t of DEFAULT_TEMPLATES) await insertRow<MessageTemplate>(db, ctx, db.messageTemplates, t, { action: 'template.create', entity: 'message-template' });
  });
}
