import { currentConsents, type ConsentDecision } from '../../common/consent/consent';
import { isErased, restrictionOf } from '../../common/consent/rights';
import type { FieldMap } from '../../common/sync/protocol';
import type { Queryable } from '../db/database';

/**
 * The sender's own consent check, right before a message leaves (issue 9): a workstation
 * queued the message with the patient's consent, but the patient may have withdrawn it since
 * on another desk, or the record may have been restricted or erased. Reads the synced consent
 * decisions and patient rows for a batch of messages in two queries.
 */

export interface OutboundRef {
  messageId: string;
  patientId: string | undefined;
  channel: string | undefined;
}

const valuesOf = (fields: FieldMap): Record<string, unknown> => Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.value]));

/** Why each message must not be sent now (message id → reason); messages not named may go. */
export async function withholdReasons(db: Queryable, clinicId: string, messages: readonly OutboundRef[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const patientIds = [...new Set(messages.map((m) => m.patientId).filter((p): p is string => !!p))];
  if (!patientIds.length) return out;
  const [consentRows, patientRows] = await Promise.all([
    db.query<{ row_id: string; fields: FieldMap }>(
      "SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'consents' AND fields -> 'patientId' ->> 'value' = ANY($2::text[])",
      [clinicId, patientIds],
    ),
    db.query<{ row_id: string; fields: FieldMap }>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND row_id = ANY($2::text[])", [clinicId, patientIds]),
  ]);
  const decisions = new Map<string, ConsentDecision[]>();
  for (const r of consentRows) {
    const d = { ...valuesOf(r.fields), id: r.row_id } as unknown as ConsentDecision;
    decisions.set(d.patientId, [...(decisions.get(d.patientId) ?? []), d]);
  }
  const patients = new Map(patientRows.map((r) => [r.row_id, valuesOf(r.fields)]));
  for (const m of messages) {
    if (!m.patientId) continue;
    const patient = patients.get(m.patientId);
    if (patient && isErased(patient)) out.set(m.messageId, 'the patient record was erased');
    else if (patient && restrictionOf(patient)) out.set(m.messageId, "processing of this patient's data is restricted, so no messages are sent");
    else if (m.channel && currentConsents(decisions.get(m.patientId) ?? [])[m.channel as ConsentDecision['purpose']]?.status === 'withdrawn') {
      out.set(m.messageId, `consent for ${m.channel} withdrawn`);
    }
  }
  return out;
}
