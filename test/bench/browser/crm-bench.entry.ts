// Runs in Chromium on the browser-mode host's origin (bundled by test/bench/crm.bench.ts): loads the
// demo clinic into the app's own database through the real demo loader, and times patient search against it.
import { asCrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { searchPatients } from '../../../renderer/src/db/patients';
import { saveWorkstation } from '../../../renderer/src/db/workstation';
import { loadDemoClinic, type DemoClinicResult } from '../../../renderer/src/engine/demo/load-demo-clinic';

interface Seeded {
  result: DemoClinicResult;
  profileId: string;
  totalRows: number;
  rowsByTable: Record<string, number>;
  seedMs: number;
}

/** The demo load as the engine runs it on 'demo.load', with the bench's size and history. */
async function seed(count: number, historyDays: number, deviceDays: number, wearables: number): Promise<Seeded> {
  const t0 = performance.now();
  const db = new CareLoopDb();
  await db.open();
  const ws = await saveWorkstation(db, { clinicName: 'Benchmark Clinic', staffName: 'Nurse Bench', staffRole: 'nurse', start: 'demo' });
  const ctx = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}e`) };
  let last = '';
  const result = await loadDemoClinic(asCrmDb(db), ctx, { count, seed: 1, historyDays, deviceDays, wearables, nowMs: Date.now(), clinicName: ws.clinicName }, (p) => {
    if (p.phase !== last) console.log(`[crm-bench] demo phase ${p.phase} from ${Math.round((performance.now() - t0) / 1000)} s`);
    last = p.phase;
  }).catch((err: unknown) => {
    // Minified class names say little across page.evaluate: keep the message and stack.
    throw new Error(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err));
  });
  const seedMs = performance.now() - t0;
  // The profile opened is a wearer's: monitored (home readings, alerts) with a year of minute heart rate.
  const wearer = (await db.seriesBlocks.limit(1).toArray())[0];
  const rowsByTable: Record<string, number> = {};
  for (const t of db.tables) rowsByTable[t.name] = await t.count();
  db.close();
  return { result, profileId: wearer?.patientId ?? '', totalRows: Object.values(rowsByTable).reduce((s, n) => s + n, 0), rowsByTable, seedMs };
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

/** Whether this origin already holds the app's database (a kept bench profile). */
async function hasDatabase(): Promise<boolean> {
  const name = new CareLoopDb().name;
  return (await indexedDB.databases()).some((d) => d.name === name);
}

Object.assign(window, { __crmSeed: seed, __crmSearch: search, __crmQueries: sampleQueries, __crmHasDatabase: hasDatabase });
