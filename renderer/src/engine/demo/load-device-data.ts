import type { CareLoopDb, PatientRow } from '../../db/database';
import { storeObservations } from '../../db/observations';
import { SeriesStore } from '../../db/series/series-store';
import { generateDemoReadings, generateMinuteHeartRate } from './generate-readings';

export interface DemoDeviceOptions {
  historyDays: number;
  wearables: number;
  seed: number;
  endMs: number;
}

/** Writes demo home-device readings and wearable minute heart rate for the monitored demo patients. */
export async function loadDemoDeviceData(
  db: CareLoopDb,
  patients: readonly PatientRow[],
  o: DemoDeviceOptions,
  progress: (phase: 'readings' | 'wearables', done: number, total: number) => void,
  onStored: (observations: Parameters<typeof storeObservations>[1]) => Promise<unknown> = async () => undefined,
): Promise<{ readings: number; wearableSamples: number }> {
  const monitored = patients.filter((p) => p.tags.includes('remote-monitoring'));
  let readings = 0;
  let batch: Parameters<typeof storeObservations>[1][number][] = [];
  const flush = async () => {
    if (!batch.length) return;
    const toWrite = batch;
    batch = [];
    readings += (await db.transaction('rw', db.observations, () => storeObservations(db, toWrite))).added;
    await onStored(toWrite);
  };
  for (let i = 0; i < monitored.length; i++) {
    const p = monitored[i]!;
    batch.push(
      ...generateDemoReadings(
        { id: p.id, clinicId: p.clinicId, mrn: p.mrn, conditionCodes: p.conditions.map((c) => c.code ?? ''), monitored: true },
        o.historyDays,
        o.endMs,
        o.seed * 7919 + i,
      ),
    );
    if (batch.length >= 5000) await flush();
    progress('readings', i + 1, monitored.length);
  }
  await flush();

  const series = new SeriesStore(db);
  const wearers = monitored.slice(0, o.wearables);
  let wearableSamples = 0;
  const totalDays = wearers.length * o.historyDays;
  let doneDays = 0;
  for (let w = 0; w < wearers.length; w++) {
    const p = wearers[w]!;
    const days = generateMinuteHeartRate(o.historyDays, o.endMs, o.seed * 104729 + w);
    // A week per write keeps transactions short while the UI reads.
    for (let d = 0; d < days.length; d += 7) {
      const week = days.slice(d, d + 7);
      const times = week.flatMap((x) => Array.from(x.times));
      const values = week.flatMap((x) => Array.from(x.values));
      wearableSamples += await series.appendPoints(p.id, 'heart-rate', times, values);
      doneDays += week.length;
      progress('wearables', doneDays, totalDays);
    }
  }
  return { readings, wearableSamples };
}
