import type { Observation } from '../../../common/readings/observation';
import type { CareLoopDb } from './database';

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
