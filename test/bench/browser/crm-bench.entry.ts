// Runs in Chromium on the browser-mode host's origin (bundled by test/bench/crm.bench.ts): seeds the
// app's own database with a 10,000-patient clinic and times patient search against it.
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository, searchPatients } from '../../../renderer/src/db/patients';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { saveWorkstation } from '../../../renderer/src/db/workstation';
import { generateDemoPatients } from '../../../renderer/src/engine/demo/generate-patients';
import { generateDemoReadings, generateMinuteHeartRate } from '../../../renderer/src/engine/demo/generate-readings';

interface Seeded {
  patients: number;
  profileId: string;
  minuteSamples: number;
  readings: number;
  seedMs: number;
}

async function seed(count: number): Promise<Seeded> {
  const t0 = performance.now();
  const db = new CareLoopDb();
  await db.open();
  const ws = await saveWorkstation(db, { clinicName: 'Benchmark Clinic', staffName: 'Nurse Bench', staffRole: 'nurse', start: 'empty' });
  const ctx = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}u`) };
  const rows = await new PatientRepository(db, ctx).createMany(generateDemoPatients(count, 11));
  const p = rows.find((r) => r.tags.includes('remote-monitoring'))!;
  const end = Date.now();
  // A year of this patient's home readings and of minute heart rate from a watch.
  const readings = generateDemoReadings({ id: p.id, clinicId: p.clinicId, mrn: p.mrn, conditionCodes: p.conditions.map((c) => c.code ?? ''), monitored: true }, 365, end, 5);
  await db.transaction('rw', db.observations, () => storeObservations(db, readings));
  const series = new SeriesStore(db);
  let minuteSamples = 0;
  const days = generateMinuteHeartRate(365, end, 9);
  for (let d = 0; d < days.length; d += 7) {
    const week = days.slice(d, d + 7);
    minuteSamples += await series.appendPoints(p.id, 'heart-rate', week.flatMap((x) => Array.from(x.times)), week.flatMap((x) => Array.from(x.values)));
  }
  db.close();
  return { patients: rows.length, profileId: p.id, minuteSamples, readings: readings.length, seedMs: performance.now() - t0 };
}

/** Each query as staff type it: name prefixes, MRNs, phone digits, dates of birth; the time to the first page of answers. */
async function search(queries: string[]): Promise<number[]> {
  const db = new CareLoopDb();
  await db.open();
  const out: number[] = [];
  for (const text of queries) {
    const t0 = performance.now();
    await searchPatients(db, { text, status: 'active', limit: 200 });
    out.push(performance.now() - t0);
  }
  db.close();
  return out;
}

async function sampleQueries(n: number): Promise<string[]> {
  const db = new CareLoopDb();
  await db.open();
  const all = await db.patients.limit(5000).toArray();
  db.close();
  const q: string[] = [];
  for (let i = 0; q.length < n; i++) {
    const p = all[(i * 7919) % all.length]!;
    const kind = i % 5;
    q.push(kind === 0 ? p.familyName.slice(0, 3) : kind === 1 ? p.mrn : kind === 2 ? `${p.givenName.slice(0, 2)} ${p.familyName.slice(0, 2)}` : kind === 3 ? (p.phone ?? p.mrn).replace(/\D/g, '').slice(-4) : p.birthDate);
  }
  return q;
}

Object.assign(window, { __crmSeed: seed, __crmSearch: search, __crmQueries: sampleQueries });
