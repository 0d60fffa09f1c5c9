import { ConsentInput, currentConsents, type ConsentDecision, type ConsentPurpose, type ConsentState } from '../../../common/consent/consent';
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
