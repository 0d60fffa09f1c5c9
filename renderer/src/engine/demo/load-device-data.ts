import type { Observation } from '../../../../common/readings/observation';
import { MONITORING_TAG } from '../../../../common/programs/program';
import type { CareLoopDb, PatientRow } from '../../db/database';
import { storeObservations } from '../../db/observations';
import { SeriesStore } from '../../db/series/series-store';
import { generateDemoReadings, generateMinuteHeartRate } from './generate-readings';
import { seedFor } from './random';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

export interface DemoDeviceOptions {
  historyDays: number;
  wearables: number;
  seed: number;
  endMs: number;
}

/**
 * Judges a week of readings of a group of patients (already stored, in time order), then lets
 * staff act on what the rules raised up to `untilMs`.
 */
export type WeekJudge = (readings: readonly Observation[], patientIds: ReadonlySet<string>, untilMs: number) => Promise<void>;

/** Patients whose whole history is generated, stored and judged together: bounds the memory held. */
const GROUP = 100;

/** Writes demo home-device readings and wearable minute heart rate for the monitored demo patients. */
export async function loadDemoDeviceData(
  db: CareLoopDb,
  patients: readonly PatientRow[],
  o: DemoDeviceOptions,
  progress: (phase: 'readings' | 'wearables', done: number, total: number) => void,
  judge: WeekJudge = async () => undefined,
): Promise<{ readings: number; wearableSamples: number }> {
  const readings = await loadDemoReadings(db, patients, o, (done, total) => progress('readings', done, total), judge);
  const wearableSamples = await loadDemoWearables(db, patients, o, (done, total) => progress('wearables', done, total));
  return { readings, wearableSamples };
}

/**
 * Home-device readings of the monitored demo patients, stored a group of patients at a time,
 * then replayed through the rules week by week, so alerts open, and staff act on them, in
 * the order they would have.
 */
export async function loadDemoReadings(
  db: CareLoopDb,
  patients: readonly PatientRow[],
  o: DemoDeviceOptions,
  progress: (done: number, total: number) => void,
  judge: WeekJudge = async () => undefined,
): Promise<number> {
  const monitored = patients.filter((p) => p.tags.includes(MONITORING_TAG));
  const historyStart = (Math.floor(o.endMs / DAY) - o.historyDays + 1) * DAY;
  let readings = 0;
  for (let g = 0; g < monitored.length; g += GROUP) {
    const group = monitored.slice(g, g + GROUP);
    const all: Observation[] = [];
    for (const p of group) {
      all.push(...generateDemoReadings({ id: p.id, clinicId: p.clinicId, mrn: p.mrn, conditionCodes: p.conditions.map((c) => c.code ?? ''), monitored: true }, o.historyDays, o.endMs, seedFor(o.seed, `readings:${p.mrn}`)));
    }
    for (let i = 0; i < all.length; i += 5000) {
      const batch = all.slice(i, i + 5000);
      readings += (await db.transaction('rw', db.observations, () => storeObservations(db, batch))).added;
    }
    all.sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1));
    const ids = new Set(group.map((p) => p.id));
    let from = 0;
    for (let weekEnd = historyStart + WEEK; ; weekEnd += WEEK) {
      const until = Math.min(weekEnd, o.endMs + 1);
      let to = from;
      while (to < all.length && all[to]!.timeMs < until) to++;
      await judge(all.slice(from, to), ids, until);
      from = to;
      if (until > o.endMs) break;
    }
    progress(Math.min(g + GROUP, monitored.length), monitored.length);
  }
  return readings;
}

/** A year (the history) of minute heart rate from a watch, for the first `wearables` monitored patients. */
export async function loadDemoWearables(db: CareLoopDb, patients: readonly PatientRow[], o: DemoDeviceOptions, progress: (doneDays: number, totalDays: number) => void): Promise<number> {
  const monitored = patients.filter((p) => p.tags.includes(MONITORING_TAG));
  const series = new SeriesStore(db);
  const wearers = monitored.slice(0, o.wearables);
  let wearableSamples = 0;
  const totalDays = wearers.length * o.historyDays;
  let doneDays = 0;
  for (const p of wearers) {
    const days = generateMinuteHeartRate(o.historyDays, o.endMs, seedFor(o.seed, `wearable:${p.mrn}`));
    // A week per write keeps transactions short while the UI reads.
    for (let d = 0; d < days.length; d += 7) {
      const week = days.slice(d, d + 7);
      const times = week.flatMap((x) => Array.from(x.times));
      const values = week.flatMap((x) => Array.from(x.values));
      wearableSamples += await series.appendPoints(p.id, 'heart-rate', times, values);
      doneDays += week.length;
      progress(doneDays, totalDays);
    }
  }
  return wearableSamples;
}
