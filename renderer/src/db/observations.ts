import type { Observation } from '../../../common/readings/observation';
import { consentState } from './consents';
import type { CareLoopDb } from './database';
import { runAsSystem } from '../security/current-actor';
import { appendAudit, type WriteContext } from './journal';

export interface StoreOutcome {
  added: number;
  duplicates: number;
}

/**
 * Stores point readings. Observations are immutable and their ids deterministic, so a
 * reading seen before (a repeated download, a replayed import) is counted as a duplicate
 * and nothing is written for it. Call inside a transaction with db.observations to make
 * the batch atomic with other writes (e.g. a device's high-water mark).
 */
export async function storeObservations(db: CareLoopDb, observations: readonly Observation[]): Promise<StoreOutcome> {
  if (observations.length === 0) return { added: 0, duplicates: 0 };
  // The same id twice within one batch is a duplicate too.
  const unique = new Map<string, Observation>();
  for (const o of observations) if (!unique.has(o.id)) unique.set(o.id, o);
  const ids = [...unique.keys()];
  const existing = await db.observations.bulkGet(ids);
  const fresh = ids.filter((_, i) => !existing[i]).map((id) => unique.get(id)!);
  if (fresh.length) await db.observations.bulkAdd(fresh);
  return { added: fresh.length, duplicates: observations.length - fresh.length };
}

/** A patient's readings of one metric in a time window, oldest first. */
export function observationsBetween(db: CareLoopDb, patientId: string, metric: string, fromMs: number, toMs: number): Promise<Observation[]> {
  return db.observations.where('[patientId+metric+timeMs]').between([patientId, metric, fromMs], [patientId, metric, toMs], true, false).toArray();
}

/** The latest reading of each of the given metrics. */
export async function latestObservations(db: CareLoopDb, patientId: string, metrics: readonly string[]): Promise<Map<string, Observation>> {
  const out = new Map<string, Observation>();
  await Promise.all(
    metrics.map(async (m) => {
      const last = await db.observations
        .where('[patientId+metric+timeMs]')
        .between([patientId, m, -Infinity], [patientId, m, Infinity])
        .last();
      if (last) out.set(m, last);
    }),
  );
  return out;
}

/** Why readings of a patient are not stored: monitoring consent withdrawn (issue 9). */
export const MONITORING_WITHDRAWN = 'The patient has withdrawn consent to remote monitoring, so no new device data is stored.';

/** Patients among these whose latest monitoring consent decision is a withdrawal. */
export async function monitoringWithdrawnAmong(db: CareLoopDb, patientIds: Iterable<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const id of new Set(patientIds)) if ((await consentState(db, id)).monitoring?.status === 'withdrawn') out.add(id);
  return out;
}

/**
 * Readings posted to the cloud by a patient's connected devices arrive here by sync, already
 * written by the pulled page. Those of a patient who withdrew monitoring consent are not kept:
 * they are deleted at once (before anything judges or shows them), and each patient's refusal
 * is audited with the count. The cloud instance still holds them in its sync rows; an erasure
 * purges them there. Returns the readings that stay.
 */
export async function discardUnconsentedReadings(db: CareLoopDb, ctx: WriteContext, observations: readonly Observation[]): Promise<{ kept: Observation[]; discarded: number }> {
  if (!observations.length) return { kept: [], discarded: 0 };
  // Sync's own work, also while the session is locked: it acts as the system.
  const withdrawn = await runAsSystem(db, [db.consents], 'check monitoring consent of pulled readings', () => monitoringWithdrawnAmong(db, observations.map((o) => o.patientId)));
  if (!withdrawn.size) return { kept: [...observations], discarded: 0 };
  const refused = observations.filter((o) => withdrawn.has(o.patientId));
  await runAsSystem(db, [db.observations, db.audit], 'readings refused: monitoring consent withdrawn', async () => {
    await db.observations.bulkDelete(refused.map((o) => o.id));
    for (const patientId of withdrawn) {
      const n = refused.filter((o) => o.patientId === patientId).length;
      await appendAudit(db, ctx, { action: 'reading.refuse', entity: 'observation', entityId: patientId, patientId, reason: MONITORING_WITHDRAWN, changes: { discarded: { before: undefined, after: n } } });
    }
  });
  return { kept: observations.filter((o) => !withdrawn.has(o.patientId)), discarded: refused.length };
}
