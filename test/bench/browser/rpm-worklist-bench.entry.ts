// Runs in Chromium (bundled by test/bench/in-browser.ts): the remote-monitoring worklist over a clinic of enrolled patients.
import type { Observation } from '../../../common/readings/observation';
import type { Enrolment } from '../../../common/programs/program';
import type { TimeLogEntry } from '../../../common/billing/time-log';
import type { CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { migration006 } from '../../../renderer/src/db/migrations/006-crm-tasks-programs';
import { migrations } from '../../../renderer/src/db/migrations/index';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { rpmWorklist } from '../../../renderer/src/db/rpm-worklist';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';

export interface RpmBenchResult {
  patients: number;
  wearers: number;
  observations: number;
  wearableSamples: number;
  chicagoMs: number[];
  utcMs: number[];
  rows: number;
  meanDays: number;
}

class BenchDb extends CareLoopDb {
  constructor(name: string) {
    super(name);
    if (!migrations.some((m) => m.version === migration006.version)) this.version(migration006.version).stores(migration006.stores);
  }
}

const DAY = 86_400_000;
const PATIENTS = 500;
const WEARERS = 50;

async function run(): Promise<RpmBenchResult> {
  const db = new BenchDb(`bench-rpm-${Date.now()}`) as unknown as CrmDb;
  await db.open();
  const ctx = { actor: 'Bench', workstation: 'bench', clinicId: 'c1', clock: await openClock(db, 'bench') };
  const nowMs = Date.UTC(2026, 10, 25, 18);
  const startMs = nowMs - 45 * DAY;
  const patients = await new PatientRepository(db, ctx).createMany(
    Array.from({ length: PATIENTS }, (_, i) => ({ givenName: `Given${i}`, familyName: `Family${i}`, birthDate: '1950-01-01', sex: 'female', mrn: `RPM-${i}`, phone: '+1 555 0100 0000' })),
  );
  await ensureDefaultPrograms(db, ctx);
  const htn = (await listPrograms(db)).find((p) => p.key === 'hypertension')!;
  const base = { clinicId: 'c1', createdAt: '', updatedAt: '', deleted: false, stamps: {} };
  const enrolments: Enrolment[] = patients.map((p, i) => ({ ...base, id: `e${i}`, patientId: p.id, programId: htn.id, startMs, status: 'active', enrolledBy: 'Bench', reason: 'bench' }));
  await db.enrolments.bulkAdd(enrolments);
  const log: TimeLogEntry[] = patients.flatMap((p, i) => [
    { ...base, id: `t${i}a`, patientId: p.id, staffName: 'Bench', minutes: 12, date: '2026-11-03', activity: 'data-review' as const, interactive: false },
    { ...base, id: `t${i}b`, patientId: p.id, staffName: 'Bench', minutes: 10, date: '2026-11-20', activity: 'interactive-call' as const, interactive: true },
  ]);
  await db.timeLog.bulkAdd(log);
  // Blood pressure twice a day on about 70 % of 60 days (systolic, diastolic, pulse).
  let observations = 0;
  for (let i = 0; i < patients.length; i++) {
    const p = patients[i]!;
    const batch: Observation[] = [];
    for (let d = 0; d < 60; d++) {
      if ((i * 31 + d * 17) % 10 >= 7) continue;
      for (const h of [7, 20]) {
        const t = nowMs - d * DAY - h * 3_600_000;
        for (const metric of ['blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate'] as const) {
          batch.push({ id: `${p.id}:${metric}:${t}`, clinicId: 'c1', patientId: p.id, metric, value: 120, unit: 'mm[Hg]', timeMs: t, source: { kind: 'demo', grade: 'clinical' }, flags: [], receivedMs: t });
        }
      }
    }
    observations += (await db.transaction('rw', db.observations, () => storeObservations(db, batch))).added;
  }
  // Minute heart rate from a wearable for 60 days.
  const series = new SeriesStore(db);
  let wearableSamples = 0;
  for (let w = 0; w < WEARERS; w++) {
    for (let d = 0; d < 60; d += 7) {
      const times: number[] = [];
      for (let m = 0; m < 7 * 1440; m++) times.push(nowMs - (d + 7) * DAY + m * 60_000);
      wearableSamples += await series.appendPoints(patients[w]!.id, 'heart-rate', times, times.map((_, k) => 60 + (k % 20)));
    }
  }
  const chicagoMs: number[] = [];
  const utcMs: number[] = [];
  let rows = 0;
  let meanDays = 0;
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now();
    const list = await rpmWorklist(db, { nowMs, zone: 'America/Chicago' });
    chicagoMs.push(performance.now() - t0);
    rows = list.length;
    meanDays = list.reduce((s, x) => s + (x.summary?.daysWithReadings ?? 0), 0) / list.length;
    t0 = performance.now();
    await rpmWorklist(db, { nowMs, zone: 'UTC' });
    utcMs.push(performance.now() - t0);
  }
  db.close();
  return { patients: PATIENTS, wearers: WEARERS, observations, wearableSamples, chicagoMs, utcMs, rows, meanDays };
}

(window as unknown as { __rpmBench: typeof run }).__rpmBench = run;
