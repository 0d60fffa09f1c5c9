// Runs in Chromium (bundled by test/bench/in-browser.ts): population views over a 10,000-patient clinic with a year of summaries.
import type { Table } from 'dexie';
import type { ConsentDecision } from '../../../common/consent/consent';
import { PatientInput } from '../../../common/patient/patient';
import type { Enrolment } from '../../../common/programs/program';
import type { Observation } from '../../../common/readings/observation';
import type { CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { storeObservations } from '../../../renderer/src/db/observations';
import { derived } from '../../../renderer/src/db/patients';
import { computePopulation, type PopulationOptions } from '../../../renderer/src/db/population';
import { forgetPopulationCache } from '../../../renderer/src/db/population-cache';
import { ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { applyBlockUpdate, planBlockUpdates, type PopulationYearRow, type SummarizableReading } from '../../../renderer/src/engine/population/year-block';
import { seededRandom } from '../../../renderer/src/engine/demo/random';

export interface PopulationBenchResult {
  patients: number;
  rawPatients: number;
  syntheticReadings: number;
  observations: number;
  summaryRows: number;
  seedMs: number;
  views: { name: string; runsMs: number[]; included: number; groups: number; steps: string }[];
}

const DAY = 86_400_000;
const PATIENTS = 10_000;
/** Patients whose last 30 days are stored as real observations (the risk tiers read those). */
const RAW_PATIENTS = 2_000;
const RAW_DAYS = 30;
const YEAR_DAYS = 365;

/** The demo's seeded generator (mulberry32), so every run seeds the same clinic. */
const rng = seededRandom;

async function run(): Promise<PopulationBenchResult> {
  const t0 = performance.now();
  const db = new CareLoopDb(`bench-population-${Date.now()}`) as unknown as CrmDb;
  await db.open();
  const ctx = { actor: 'Bench', workstation: 'bench', clinicId: 'c1', clock: await openClock(db, 'bench') };
  const nowMs = Date.UTC(2026, 10, 25, 18);
  const rand = rng(11);
  const base = { clinicId: 'c1', createdAt: '', updatedAt: '', deleted: false, stamps: {} };
  const conditionsOf = (i: number) => [
    ...(i % 10 < 6 ? [{ display: 'Essential hypertension', code: 'I10' }] : []),
    ...(i % 4 === 1 ? [{ display: 'Type 2 diabetes mellitus', code: 'E11.9' }] : []),
    ...(i % 10 === 3 ? [{ display: 'Heart failure', code: 'I50.2' }] : []),
  ];
  const rows: PatientRow[] = Array.from({ length: PATIENTS }, (_, i) => {
    const fields = PatientInput.parse({ givenName: `Given${i}`, familyName: `Family${i}`, birthDate: `${1930 + (i % 70)}-0${1 + (i % 9)}-1${i % 10}`, sex: i % 2 ? 'female' : 'male', mrn: `POP-${i}`, phone: '+1 555 0100 0000', conditions: conditionsOf(i) });
    return { ...base, ...fields, ...derived(fields), id: `p${String(i).padStart(5, '0')}`, status: 'active' } as PatientRow;
  });
  await db.patients.bulkAdd(rows);
  // Analytics consent: 90 % given, 5 % withdrawn, 5 % never asked.
  const consents: ConsentDecision[] = rows.flatMap((p, i) => (i % 20 === 19 ? [] : [{ id: `c${i}`, clinicId: 'c1', patientId: p.id, purpose: 'analytics' as const, status: i % 20 === 18 ? ('withdrawn' as const) : ('given' as const), recordedMs: nowMs - 400 * DAY, recordedBy: 'Bench', method: 'electronic' as const }]));
  await db.consents.bulkAdd(consents);
  await ensureDefaultPrograms(db, ctx);
  const programs = await listPrograms(db);
  const programFor = (code: string) => programs.find((p) => p.key === ({ I10: 'hypertension', 'E11.9': 'diabetes', 'I50.2': 'heart-failure' } as Record<string, string>)[code]);
  const enrolments: Enrolment[] = rows.flatMap((p, i) =>
    (p.conditions ?? []).flatMap((c, k) => {
      const prog = programFor(c.code ?? '');
      return prog ? [{ ...base, id: `e${i}-${k}`, patientId: p.id, programId: prog.id, startMs: nowMs - Math.floor(30 + rand() * 300) * DAY, status: 'active' as const, enrolledBy: 'Bench', reason: 'bench' }] : [];
    }),
  );
  await db.enrolments.bulkAdd(enrolments);

  // A year of synthetic daily home readings per patient: BP twice a day for everyone, glucose for
  // diabetes, weight for heart failure, each patient with their own level and adherence.
  const summaries = (db as unknown as { populationYears: Table<PopulationYearRow, string> }).populationYears;
  let syntheticReadings = 0;
  let observations = 0;
  let pending: PopulationYearRow[] = [];
  const firstDay = Math.floor(nowMs / DAY) - YEAR_DAYS + 1;
  for (let i = 0; i < PATIENTS; i++) {
    const p = rows[i]!;
    const adherence = 0.35 + rand() * 0.63;
    const sys = 115 + rand() * 40;
    const dia = 68 + rand() * 20;
    const glucose = 100 + rand() * 80;
    const weight = 60 + rand() * 50;
    const diabetic = i % 4 === 1;
    const hf = i % 10 === 3;
    const older: SummarizableReading[] = [];
    const recent: Observation[] = [];
    const raw = i < RAW_PATIENTS;
    for (let d = 0; d < YEAR_DAYS; d++) {
      if (rand() > adherence) continue;
      const day = (firstDay + d) * DAY;
      const list: [string, number, string, number][] = [];
      for (const [h, bump] of [[7.5, 3], [20, -2]] as const) {
        const t = day + Math.round(h * 3_600_000 + rand() * 1_800_000);
        list.push(['blood-pressure-systolic', Math.round(sys + bump + (rand() - 0.5) * 14), 'mm[Hg]', t], ['blood-pressure-diastolic', Math.round(dia + (rand() - 0.5) * 10), 'mm[Hg]', t], ['pulse-rate', Math.round(70 + (rand() - 0.5) * 12), '/min', t]);
      }
      if (diabetic) list.push(['glucose', Math.round(glucose + (rand() - 0.5) * 60), 'mg/dL', day + 6.5 * 3_600_000]);
      if (hf) list.push(['body-weight', Math.round((weight + (rand() - 0.5)) * 10) / 10, 'kg', day + 7 * 3_600_000]);
      for (const [metric, value, unit, timeMs] of list) {
        if (timeMs > nowMs) continue;
        syntheticReadings++;
        if (raw && d >= YEAR_DAYS - RAW_DAYS) recent.push({ id: `${p.id}:${metric}:${timeMs}`, clinicId: 'c1', patientId: p.id, metric: metric as Observation['metric'], value, unit, timeMs, source: { kind: 'demo', grade: 'clinical' }, flags: [], receivedMs: timeMs });
        else older.push({ patientId: p.id, metric, value, unit, timeMs });
      }
    }
    // The older eleven months go through the maintenance code directly (what the middleware
    // runs on every write); the last 30 days of some patients are stored as observations, the
    // middleware summarising them in the same transaction.
    pending.push(...[...planBlockUpdates(older).values()].map((u) => applyBlockUpdate(undefined, u)));
    if (pending.length >= 2000) {
      await summaries.bulkPut(pending);
      pending = [];
    }
    if (recent.length) observations += (await db.transaction('rw', db.observations, () => storeObservations(db, recent))).added;
  }
  await summaries.bulkPut(pending);
  const seedMs = performance.now() - t0;
  const summaryRows = await summaries.count();

  const common = { nowMs, metric: 'blood-pressure-systolic' as const };
  const plans: { name: string; o: PopulationOptions }[] = [
    { name: 'systolic distribution, trend and before/after enrolment, by program', o: { ...common, groupBy: 'program', sections: ['distribution'] } },
    { name: 'control rates (BP at target, glucose time in range), by program', o: { ...common, groupBy: 'program', sections: ['control'] } },
    { name: 'adherence (16 of 30 days), by program', o: { ...common, groupBy: 'program', sections: ['adherence'] } },
    { name: 'systolic distribution and trend, by age band', o: { ...common, groupBy: 'age-band', sections: ['distribution'] } },
    { name: 'systolic distribution and trend, by condition', o: { ...common, groupBy: 'condition', sections: ['distribution'] } },
    { name: 'systolic distribution and trend, by risk tier (the dashboard rules over daily summaries)', o: { ...common, groupBy: 'risk-tier', sections: ['distribution'] } },
    { name: 'all three sections at once, by program', o: { ...common, groupBy: 'program', sections: ['distribution', 'control', 'adherence'] } },
  ];
  const views: PopulationBenchResult['views'] = [];
  for (const plan of plans) {
    const runsMs: number[] = [];
    let included = 0;
    let groups = 0;
    let steps = '';
    // Runs: the first (packing the clinic-wide cache of a metric not asked for before), a new
    // session (the in-memory copy dropped, the stored cache read back), and a warm one.
    for (let r = 0; r < 3; r++) {
      if (r === 1) forgetPopulationCache(db);
      const s = performance.now();
      const parts: string[] = [];
      const v = await computePopulation(db, { ...plan.o, onStep: (name, ms) => parts.push(`${name} ${Math.round(ms)} ms`) });
      if (r === 1) steps = parts.join('; ');
      runsMs.push(performance.now() - s);
      included = v.included.suppressed ? 0 : v.included.value;
      groups = v.groups.length;
    }
    views.push({ name: plan.name, runsMs, included, groups, steps });
  }
  db.close();
  return { patients: PATIENTS, rawPatients: RAW_PATIENTS, syntheticReadings, observations, summaryRows, seedMs, views };
}

(window as unknown as { __populationBench: typeof run }).__populationBench = run;
