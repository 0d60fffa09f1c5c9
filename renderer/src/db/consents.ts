import { ConsentInput, currentConsents, type ConsentDecision, type ConsentPurpose, type ConsentState } from '../../../common/consent/consent';
import { sharingRefusal } from '../../../common/consent/rights';
import { newId } from '../../../common/ids';
import type { MessageChannel } from '../../../common/messaging/message';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CareLoopDb } from './database';
import { appendAudit, queueChange, stampWrite, type WriteContext } from './journal';
import { updateRow } from './synced-rows';

export class ConsentValidationError extends Error {
  override readonly name = 'ConsentValidationError';
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields).join('; '));
  }
}

const CHANNEL_OF: Partial<Record<ConsentPurpose, MessageChannel>> = { sms: 'sms', email: 'email', portal: 'portal', 'in-app': 'in-app' };

export async function consentState(db: CareLoopDb, patientId: string): Promise<ConsentState> {
  return currentConsents(await db.consents.where('patientId').equals(patientId).toArray());
}

export async function consentHistory(db: CareLoopDb, patientId: string): Promise<ConsentDecision[]> {
  const rows = await db.consents.where('patientId').equals(patientId).toArray();
  return rows.sort((a, b) => b.recordedMs - a.recordedMs);
}

/**
 * Records a consent decision (append-only), audited and queued for sync. Withdrawing a
 * messaging channel stops every message still queued on it, at once, in the same transaction.
 */
export async function recordConsent(db: CareLoopDb, ctx: WriteContext, input: ConsentInput): Promise<ConsentDecision> {
  const parsed = ConsentInput.safeParse(input);
  if (!parsed.success) throw new ConsentValidationError(fieldErrors(parsed.error));
  const c = parsed.data;
  return db.transaction('rw', [db.consents, db.messages, db.audit, db.outbox, db.meta], async () => {
    const decision: ConsentDecision = {
      id: newId(),
      clinicId: ctx.clinicId,
      patientId: c.patientId,
      purpose: c.purpose,
      status: c.status,
      recordedMs: Date.now(),
      recordedBy: ctx.actor,
      method: c.method,
      ...(c.document ? { document: c.document } : {}),
      ...(c.note ? { note: c.note } : {}),
    };
    await db.consents.add(decision);
    const stamp = await stampWrite(db, ctx.clock);
    await queueChange(db, 'consents', decision.id, decision as unknown as Record<string, unknown>, Object.keys(decision).filter((k) => k !== 'id'), stamp);
    await appendAudit(db, ctx, {
      action: 'consent.change',
      entity: 'consent',
      entityId: decision.id,
      patientId: c.patientId,
      changes: { [c.purpose]: { before: undefined, after: c.status } },
    });
    const channel = CHANNEL_OF[c.purpose];
    if (c.status === 'withdrawn' && channel) {
      const queued = (await db.messages.where('[patientId+createdMs]').between([c.patientId, -Infinity], [c.patientId, Infinity]).toArray()).filter(
        (m) => m.channel === channel && (m.status === 'queued' || m.status === 'draft'),
      );
      for (const m of queued) {
        await updateRow(db, ctx, db.messages, m, { status: 'withheld', error: `consent for ${channel} withdrawn` }, { action: 'message.withhold', entity: 'message', patientId: m.patientId, reason: 'consent withdrawn' });
      }
    }
    return decision;
  });
}

export const DISCLOSURE_KINDS = ['export', 'print', 'share'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

/**
 * One disclosure of a patient's data. To the patient (access and portability, Art. 15/20)
 * needs no consent; to another provider needs the patient's sharing consent. The recipient
 * is named as the organisation (never patient data).
 */
export interface DisclosureInput {
  patientId: string;
  kind: DisclosureKind;
  to: { kind: 'patient' } | { kind: 'provider'; name: string };
  /** What left: 'fhir-bundle', 'pdf-summary', 'csv', … */
  format: string;
  encrypted: boolean;
}

/** Sharing with another provider was refused: the patient has not consented (or withdrew). */
export class SharingConsentError extends Error {
  override readonly name = 'SharingConsentError';
  readonly code = 'sharing-consent-missing';
}

export class DisclosureInputError extends Error {
  override readonly name = 'DisclosureInputError';
}

/** Why sharing the patient's data with another provider is refused now, or undefined (for enabling a Share button). */
export async function sharingCheck(db: CareLoopDb, patientId: string): Promise<string | undefined> {
  return sharingRefusal(await consentState(db, patientId));
}

/**
 * The gate every export, print and share of a patient's data goes through (FHIR export, PDF
 * summary, shares): checks sharing consent when the recipient is another provider and records
 * the disclosure in the audit log (actions 'export', 'print', 'share'), which is what the
 * accounting of disclosures lists. A refusal is audited ('disclosure.refuse') and thrown.
 */
export async function recordDisclosure(db: CareLoopDb, ctx: WriteContext, input: DisclosureInput): Promise<void> {
  if (!(DISCLOSURE_KINDS as readonly string[]).includes(input.kind)) throw new DisclosureInputError(`unknown disclosure kind ${String(input.kind)}`);
  const format = input.format.trim();
  if (!format || format.length > 40) throw new DisclosureInputError('name the format of what is disclosed (at most 40 characters)');
  const recipient = input.to.kind === 'patient' ? 'the patient' : input.to.name.trim();
  if (!recipient || recipient.length > 120) throw new DisclosureInputError('name the provider the data goes to (at most 120 characters)');
  const refusal = await db.transaction('rw', [db.patients, db.consents, db.audit], async () => {
    const patient = await db.patients.get(input.patientId);
    if (!patient || patient.deleted) throw new DisclosureInputError('That patient does not exist on this workstation.');
    const why = input.to.kind === 'provider' ? sharingRefusal(await consentState(db, input.patientId)) : undefined;
    const details = {
      kind: { before: undefined, after: input.kind },
      recipient: { before: undefined, after: recipient },
      format: { before: undefined, after: format },
      encrypted: { before: undefined, after: input.encrypted },
    };
    await appendAudit(db, ctx, {
      action: why ? 'disclosure.refuse' : input.kind,
      entity: 'patient-data',
      entityId: input.patientId,
      patientId: input.patientId,
      changes: details,
      ...(why ? { reason: why } : {}),
    });
    return why;
  });
  if (refusal) throw new SharingConsentError(`Not shared: ${refusal}`);
}
