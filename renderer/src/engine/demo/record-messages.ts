import { hasConsent, type ConsentPurpose, type ConsentState } from '../../../../common/consent/consent';
import { isRestricted } from '../../../../common/consent/rights';
import { PATIENT_CHANNELS, type Message, type MessageChannel, type MessageTemplate } from '../../../../common/messaging/message';
import { MONITORING_TAG } from '../../../../common/programs/program';
import { consentState } from '../../db/consents';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { ensureDefaultTemplates, renderFor, RESTRICTED_MESSAGING } from '../../db/messages';
import { insertRows, type NewRow } from '../../db/synced-rows';
import { planDemoMessages, type MessagePlanInput, type PlannedMessage } from './plan-messages';

/**
 * Why a message to this patient on this channel may not go out: the same checks, in the
 * same order and words, as sendMessage (renderer/src/db/messages.ts) — restriction of
 * processing, consent for a patient channel, then an address for SMS and email. Undefined
 * when it may go.
 */
export function refusalFor(p: PatientRow, consents: ConsentState, channel: MessageChannel): string | undefined {
  if (PATIENT_CHANNELS.has(channel) && isRestricted({ restriction: (p as unknown as Record<string, unknown>)['restriction'] })) return RESTRICTED_MESSAGING;
  if (PATIENT_CHANNELS.has(channel) && !hasConsent(consents, channel as ConsentPurpose)) return `${p.givenName} ${p.familyName} has not consented to ${channel} messages`;
  if (channel === 'sms' && !p.phone) return 'no phone number on file';
  if (channel === 'email' && !p.email) return 'no email address on file';
  return undefined;
}

export interface DemoMessageContext {
  clinicName: string;
  seed: number;
  historyStartMs: number;
  endMs: number;
  nurseOf: (p: PatientRow) => string;
  appointmentsOf: (patientId: string) => readonly { startMs: number; status: string }[];
  callsOf: (patientId: string) => MessagePlanInput['calls'];
}

/**
 * Records each demo patient's planned thread as sendMessage would have at the time: a
 * message on a channel the patient has not consented to (or without an address) is kept as
 * withheld with the reason and never sent; the others carry what became of them. Each row
 * is written, audited and queued for sync by insertRows, many patients per transaction.
 * (sendMessage stamps the present time; a year of history needs the past times it cannot take.)
 */
export async function recordDemoMessages(
  db: CareLoopDb,
  ctx: WriteContext,
  patients: readonly PatientRow[],
  c: DemoMessageContext,
  progress: (done: number, total: number) => void,
): Promise<{ messages: number; withheld: number }> {
  await ensureDefaultTemplates(db, ctx);
  const templates = new Map((await db.messageTemplates.toArray()).filter((t) => t.active && !t.deleted).map((t) => [t.name, t]));
  let messages = 0;
  let withheld = 0;
  const CHUNK = 100;
  for (let i = 0; i < patients.length; i += CHUNK) {
    const chunk = patients.slice(i, i + CHUNK);
    await db.transaction('rw', [db.patients, db.consents, db.messages, db.audit, db.outbox, db.meta], async () => {
      const rows: NewRow<Message>[] = [];
      for (const p of chunk) {
        const consents = await consentState(db, p.id);
        const plan = planDemoMessages({
          mrn: p.mrn,
          givenName: p.preferredName ?? p.givenName,
          familyName: p.familyName,
          preferredChannel: p.preferredChannel,
          monitored: p.tags.includes(MONITORING_TAG),
          clinicName: c.clinicName,
          nurse: c.nurseOf(p),
          physician: p.careTeam[0]?.name ?? c.nurseOf(p),
          appointments: c.appointmentsOf(p.id),
          calls: c.callsOf(p.id),
          historyStartMs: c.historyStartMs,
          endMs: c.endMs,
          seed: c.seed,
        });
        const reached: boolean[] = [];
        for (const m of plan) {
          if (m.inReplyTo !== undefined && !reached[m.inReplyTo]) {
            reached.push(false);
            continue;
          }
          const row = messageRow(p, consents, m, templates.get(m.template ?? ''), c.clinicName);
          rows.push(row);
          reached.push(row.fields.status !== 'withheld' && row.fields.status !== 'failed');
          if (row.fields.status === 'withheld') withheld++;
        }
      }
      messages += (await insertRows<Message>(db, ctx, db.messages, rows)).length;
    });
    progress(Math.min(i + CHUNK, patients.length), patients.length);
  }
  return { messages, withheld };
}

/** The message row a planned message becomes, with its audit action: logged, withheld for want of consent, or queued. */
function messageRow(p: PatientRow, consents: ConsentState, m: PlannedMessage, template: MessageTemplate | undefined, clinicName: string): NewRow<Message> {
  let body = m.body;
  let subject = m.subject;
  if (template) {
    const rendered = renderFor(template, { 'patient.givenName': p.preferredName ?? p.givenName, 'patient.familyName': p.familyName, 'clinic.name': clinicName, ...m.values });
    body = rendered.body;
    subject = rendered.subject ?? subject;
  }
  const base = {
    patientId: p.id,
    channel: m.channel,
    body: m.channel === 'phone-log' && template ? `Phoned: ${body}` : body,
    ...(subject && m.channel === 'email' ? { subject } : {}),
    ...(template ? { templateId: template.id } : {}),
    authorName: m.authorName,
    createdMs: m.createdMs,
  };
  if (m.direction !== 'outbound' || !PATIENT_CHANNELS.has(m.channel)) {
    return { fields: { ...base, direction: m.direction, status: m.direction === 'inbound' ? m.outcome : 'logged' }, audit: { action: 'message.log', entity: 'message', patientId: p.id } };
  }
  const refusal = refusalFor(p, consents, m.channel);
  if (refusal) return { fields: { ...base, direction: 'outbound', status: 'withheld', error: refusal }, audit: { action: 'message.withhold', entity: 'message', patientId: p.id } };
  const to = m.channel === 'sms' ? p.phone : m.channel === 'email' ? p.email : undefined;
  return {
    fields: { ...base, direction: 'outbound', status: m.outcome, ...(to ? { to } : {}), ...(m.sentMs !== undefined ? { sentMs: m.sentMs } : {}), ...(m.error ? { error: m.error } : {}) },
    audit: { action: 'message.queue', entity: 'message', patientId: p.id },
  };
}
