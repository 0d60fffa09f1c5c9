import { isRestricted } from '../../../common/consent/rights';
import type { MessageChannel, MessageTemplate } from '../../../common/messaging/message';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';
import { appendAudit, type WriteContext } from './journal';
import { ConsentRequiredError, MessageInputError, renderFor, sendMessage, templateValuesFor } from './messages';

/**
 * "Message this segment" (issue 7, Segmentation: segments as message audiences). Each patient
 * gets their own message through sendMessage, the path a single message takes, so consent,
 * addresses and the withheld record work exactly as in the inbox. Patients who cannot be
 * messaged are reported with the reason; the send as a whole is audited once.
 */

/** Channels a message to a segment may go out on (they all reach the patient). */
export const AUDIENCE_CHANNELS = ['sms', 'email', 'portal', 'in-app'] as const;
export type AudienceChannel = (typeof AUDIENCE_CHANNELS)[number];

/** Each patient's preferred channel, or one channel for everybody. */
export type ChannelPolicy = { kind: 'preferred' } | { kind: 'fixed'; channel: AudienceChannel };

export const SKIP_KINDS = ['no-consent', 'no-address', 'restricted', 'archived', 'missing-values', 'not-found'] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

export class AudienceSendError extends Error {
  override readonly name = 'AudienceSendError';
}

/**
 * The channel for one patient. A preferred phone call becomes SMS, as in the workflows
 * (a call cannot be queued); consent for SMS is then still required.
 */
export function channelFor(p: Pick<PatientRow, 'preferredChannel'>, policy: ChannelPolicy): AudienceChannel {
  if (policy.kind === 'fixed') return policy.channel;
  return p.preferredChannel === 'phone' ? 'sms' : p.preferredChannel;
}

export interface AudienceTemplateInput {
  templateId: string;
  policy: ChannelPolicy;
  clinicName: string;
  nowMs?: number;
}

export interface PatientMessagePreview {
  patientId: string;
  name: string;
  channel: AudienceChannel;
  body: string;
  subject?: string;
  /** Why the message cannot go out, when that is known before sending. */
  skip?: { kind: SkipKind; reason: string };
}

function checkPolicy(policy: ChannelPolicy): void {
  if (policy.kind === 'fixed' && !AUDIENCE_CHANNELS.includes(policy.channel)) throw new AudienceSendError(`Choose one of ${AUDIENCE_CHANNELS.join(', ')} as the channel.`);
}

async function loadTemplate(db: CrmDb, id: string): Promise<MessageTemplate> {
  const t = await db.messageTemplates.get(id);
  if (!t || t.deleted || !t.active) throw new AudienceSendError('Choose an active message template.');
  return t;
}

const fullName = (p: PatientRow) => `${p.givenName} ${p.familyName}`;

/** Reasons known from the record alone (archived, restricted); consent and addresses are sendMessage's to judge. */
function recordSkip(p: PatientRow | undefined): { kind: SkipKind; reason: string } | undefined {
  if (!p || p.deleted) return { kind: 'not-found', reason: 'no longer on this workstation' };
  if (p.status === 'archived') return { kind: 'archived', reason: 'the record is archived' };
  // Restriction of processing (GDPR Art. 18): not even a withheld message is written.
  if (isRestricted(p)) return { kind: 'restricted', reason: 'processing of this patient’s data is restricted' };
  return undefined;
}

async function render(db: CrmDb, template: MessageTemplate, p: PatientRow, o: AudienceTemplateInput) {
  const rendered = renderFor(template, await templateValuesFor(db, p, o.clinicName, o.nowMs ?? Date.now()));
  const skip = rendered.missing.length ? { kind: 'missing-values' as const, reason: `the record has no ${rendered.missing.join(', ')} for this template` } : undefined;
  return { rendered, skip };
}

/** The message each of the first `limit` patients would get, rendered from their record. */
export async function previewAudienceMessages(db: CrmDb, patientIds: readonly string[], o: AudienceTemplateInput & { limit?: number }): Promise<PatientMessagePreview[]> {
  checkPolicy(o.policy);
  const template = await loadTemplate(db, o.templateId);
  const patients = await db.patients.bulkGet(patientIds.slice(0, o.limit ?? 5));
  const out: PatientMessagePreview[] = [];
  for (const p of patients) {
    if (!p) continue;
    const channel = channelFor(p, o.policy);
    const { rendered, skip } = await render(db, template, p, o);
    const known = recordSkip(p) ?? skip;
    out.push({ patientId: p.id, name: fullName(p), channel, body: rendered.body, ...(rendered.subject && channel === 'email' ? { subject: rendered.subject } : {}), ...(known ? { skip: known } : {}) });
  }
  return out;
}

export interface AudienceSendInput extends AudienceTemplateInput {
  segment: { id: string; name: string };
  /** The segment's patients, as evaluated for this send (archived ones are reported as skipped). */
  patientIds: readonly string[];
  onProgress?: (done: number, total: number) => void;
  /** Stops before the next patient; those not reached are counted as not attempted. */
  signal?: AbortSignal;
}

export interface AudienceSendReport {
  audience: number;
  queued: { patientId: string; messageId: string; channel: MessageChannel }[];
  skipped: { patientId: string; name: string; kind: SkipKind; reason: string }[];
  /** Patients not reached because the send was stopped. */
  notAttempted: number;
  auditId: string;
}

/** One message per patient, through sendMessage; audited once with the audience size and the outcome. */
export async function sendToAudience(db: CrmDb, ctx: WriteContext, input: AudienceSendInput): Promise<AudienceSendReport> {
  checkPolicy(input.policy);
  if (!input.patientIds.length) throw new AudienceSendError('The segment has no patients to message.');
  const template = await loadTemplate(db, input.templateId);
  const total = input.patientIds.length;
  const queued: AudienceSendReport['queued'] = [];
  const skipped: AudienceSendReport['skipped'] = [];
  let done = 0;
  for (const id of input.patientIds) {
    if (input.signal?.aborted) break;
    const p = await db.patients.get(id);
    const name = p ? fullName(p) : 'unknown patient';
    const channel = p ? channelFor(p, input.policy) : 'sms';
    const known = recordSkip(p);
    if (known || !p) {
      skipped.push({ patientId: id, name, ...(known ?? { kind: 'not-found', reason: 'no longer on this workstation' }) });
    } else {
      const { rendered, skip } = await render(db, template, p, input);
      if (skip) skipped.push({ patientId: id, name, ...skip });
      else {
        try {
          const m = await sendMessage(db, ctx, { patientId: id, channel, body: rendered.body, ...(rendered.subject && channel === 'email' ? { subject: rendered.subject } : {}), templateId: template.id });
          queued.push({ patientId: id, messageId: m.id, channel });
        } catch (err) {
          if (err instanceof ConsentRequiredError) {
            // sendMessage recorded the message as withheld (visible in the thread) and said why.
            const reason = err.message.replace(/^Not sent: /, '').replace(/\.$/, '');
            skipped.push({ patientId: id, name, kind: /restricted/.test(reason) ? 'restricted' : /consent/.test(reason) ? 'no-consent' : 'no-address', reason });
          } else if (err instanceof MessageInputError) {
            skipped.push({ patientId: id, name, kind: 'not-found', reason: err.message });
          } else throw err;
        }
      }
    }
    done++;
    input.onProgress?.(done, total);
  }
  const notAttempted = total - done;
  const summary = `“${template.name}” to segment “${input.segment.name}”: ${total} patients, ${queued.length} queued, ${skipped.length} skipped${notAttempted ? `, ${notAttempted} not attempted (stopped)` : ''}`;
  // One entry for the send as a whole (each message has its own entry from sendMessage).
  const entry = await appendAudit(db, ctx, {
    action: 'message.queue',
    entity: 'segment-message',
    entityId: input.segment.id,
    reason: summary,
    changes: {
      audience: { before: undefined, after: total },
      queued: { before: undefined, after: queued.length },
      skipped: { before: undefined, after: skipped.length },
      notAttempted: { before: undefined, after: notAttempted },
      templateId: { before: undefined, after: template.id },
      channelPolicy: { before: undefined, after: input.policy.kind === 'fixed' ? input.policy.channel : 'preferred' },
    },
  });
  return { audience: total, queued, skipped, notAttempted, auditId: entry.id };
}
