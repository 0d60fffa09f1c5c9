import type { Transaction } from 'dexie';
import { applyBlockUpdate, planBlockUpdates, type PopulationYearRow, type SummarizableReading } from '../../engine/population/year-block';
import { SUMMARY_SEQ_KEY } from '../population-summaries';
import type { Migration } from './index';

/** Summaries of the readings stored before this version, one patient at a time (bounded memory). */
async function summarizeExisting(tx: Transaction): Promise<void> {
  const patientIds = (await tx.table('patients').toCollection().primaryKeys()) as string[];
  for (const id of patientIds) {
    const readings = (await tx.table('observations').where('[patientId+timeMs]').between([id, -Infinity], [id, Infinity]).toArray()) as SummarizableReading[];
    if (!readings.length) continue;
    const rows: PopulationYearRow[] = [...planBlockUpdates(readings).values()].map((u) => ({ ...applyBlockUpdate(undefined, u), seq: 1 }));
    await tx.table('populationYears').bulkPut(rows);
  }
  await tx.table('populationYears').put({ key: SUMMARY_SEQ_KEY, seq: 1 });
}

export const migration011: Migration = {
  version: 11,
  description: 'population summaries: per patient × metric × year, day counts and sums kept as readings are stored',
  stores: {
    // Views read one metric's blocks for a year ([metric+year]) or those changed since a cache was
    // built ([metric+seq]); erasure and rebuilds find a patient's (patientId).
    populationYears: 'key, [metric+year], patientId, [metric+seq]',
    // One row per metric × year packing every patient's block: what views read (population-cache.ts).
    populationCache: 'key',
  },
  upgrade: summarizeExisting,
};
