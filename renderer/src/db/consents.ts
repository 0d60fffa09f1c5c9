import { ConsentInput, currentConsents, type ConsentDecision, type ConsentPurpose, type ConsentState } from '../../../common/consent/consent';
import { sharingRefusal } from '../../../common/consent/rights';
import { newId } from '../../../common/ids';
import type { MessageChannel } from '../../../common/messaging/message';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CareLoopDb } from './database';
import { appendAudit, appendAuditMany, outboxEntry, stampWrite, type WriteContext } from './journal';
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
  return (await recordConsents(db, ctx, [input]))[0]!;
}

function validConsent(input: ConsentInput): ValidConsent {
  const parsed = ConsentInput.safeParse(input);
  if (!parsed.success) throw new ConsentValidationError(fieldErrors(parsed.error));
  return parsed.data;
}

type ValidConsent = ReturnType<typeof ConsentInput.parse>;

/**
 * Several decisions at once, all or none (a registration's consents, the demo clinic's): each
 * validated, stored, queued for sync and audited as recordConsent does, the writes in bulk.
 */
export async function recordConsents(db: CareLoopDb, ctx: WriteContext, inputs: readonly ConsentInput[]): Promise<ConsentDecision[]> {
  const valid = inputs.map(validConsent);
  if (!valid.length) return [];
  return db.transaction('rw', [db.consents, db.messages, db.audit, db.outbox, db.meta], async () => {
    const now = Date.now();
    const decisions: ConsentDecision[] = valid.map((c) => ({
      id: newId(),
      clinicId: ctx.clinicId,
      patientId: c.patientId,
      purpose: c.purpose,
      status: c.status,
      recordedMs: now,
      recordedBy: ctx.actor,
      method: c.method,
      ...(c.document ? { document: c.document } : {}),
      ...(c.note ? { note: c.note } : {}),
    }));
    await db.consents.bulkAdd(decisions);
    const stamp = await stampWrite(db, ctx.clock);
    await db.outbox.bulkAdd(decisions.map((d) => outboxEntry('consents', d.id, d as unknown as Record<string, unknown>, Object.keys(d).filter((k) => k !== 'id'), stamp)));
    await appendAuditMany(
      db,
      ctx,
      decisions.map((d) => ({ action: 'consent.change', entity: 'consent', entityId: d.id, patientId: d.patientId, changes: { [d.purpose]: { before: undefined, after: d.status } } })),
    );
    for (const d of decisions) await withholdQueuedOnWithdrawal(db, ctx, d);
    return decisions;
  });
}

/** A withdrawn consent stops what is queued on its channel: each such message is withheld, audited. */
async function withholdQueuedOnWithdrawal(db: CareLoopDb, ctx: WriteContext, c: ConsentDecision): Promise<void> {
  const channel = CHANNEL_OF[c.purpose];
  if (c.status !== 'withdrawn' || !channel) return;
  const queued = (await db.messages.where('[patientId+createdMs]').between([c.patientId, -Infinity], [c.patientId, Infinity]).toArray()).filter(
    (m) => m.channel === channel && (m.status === 'queued' || m.status === 'draft'),
  );
  for (const m of queued) {
    await updateRow(db, ctx, db.messages, m, { status: 'withheld', error: `consent for ${channel} withdrawn` }, { action: 'message.withhold', entity: 'message', patientId: m.patientId, reason: 'consent withdrawn' });
  }
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
