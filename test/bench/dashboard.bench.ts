import 'fake-indexeddb/auto';
import type { Observation } from '../../common/readings/observation';
import type { Enrolment } from '../../common/programs/program';
import type { StoredAlert } from '../../renderer/src/db/alerts';
import type { CrmDb } from '../../renderer/src/db/crm-tables';
import { computeDashboard } from '../../renderer/src/db/dashboard';
import { CareLoopDb, type PatientRow } from '../../renderer/src/db/database';
import { openClock } from '../../renderer/src/db/journal';
import { derived } from '../../renderer/src/db/patients';
import { ensureDefaultPrograms, listPrograms } from '../../renderer/src/db/programs';
import { PatientInput } from '../../common/patient/patient';
import type { BenchSection } from './report';

const DAY = 86_400_000;
const DAYS = 84;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The population dashboard over a 10,000-patient clinic, in Node over fake-indexeddb (the
 * engine worker's code path without Chromium: figures are indicative, not Chromium's).
 */
export async function benchDashboard(PATIENTS = 10_000, MONITORED = 500): Promise<BenchSection> {
  const started = performance.now();
  const phase = (name: string) => console.error(`  dashboard bench: ${name} at ${Math.round(performance.now() - started)} ms`);
  const db = new CareLoopDb(`bench-dashboard-${Date.now()}`) as unknown as CrmDb;
  await db.open();
  const ctx = { actor: 'Bench', workstation: 'bench', clinicId: 'c1', clock: await openClock(db, 'bench') };
  const nowMs = Date.UTC(2026, 10, 25, 18);
  const base = { clinicId: 'c1', createdAt: '', updatedAt: '', deleted: false, stamps: {} };
  const rows: PatientRow[] = Array.from({ length: PATIENTS }, (_, i) => {
    const fields = PatientInput.parse({ givenName: `Given${i}`, familyName: `Family${i}`, birthDate: `19${40 + (i % 50)}-01-01`, sex: i % 2 ? 'female' : 'male', mrn: `D-${i}`, phone: '+1 555 0100 0000', conditions: i % 5 === 0 ? [{ display: 'Heart failure', code: 'I50.9' }] : [] });
    return { ...base, ...fields, ...derived(fields), id: `p${String(i).padStart(5, '0')}`, status: 'active' } as PatientRow;
  });
  await db.patients.bulkAdd(rows);
  phase('patients stored');
  await ensureDefaultPrograms(db, ctx);
  const htn = (await listPrograms(db)).find((p) => p.key === 'hypertension')!;
  const enrolments: Enrolment[] = rows.slice(0, MONITORED).map((p, i) => ({ ...base, id: `e${i}`, patientId: p.id, programId: htn.id, startMs: nowMs - 120 * DAY, status: 'active', enrolledBy: 'Bench', reason: 'bench' }));
  await db.enrolments.bulkAdd(enrolments);
  // Systolic and diastolic once a day on about 80 % of 84 days for the monitored patients.
  let observations = 0;
  for (let i = 0; i < MONITORED; i++) {
    const p = rows[i]!;
    const batch: Observation[] = [];
    for (let d = 0; d < DAYS; d++) {
      if ((i * 7 + d * 13) % 10 < 2) continue;
      const t = nowMs - d * DAY - 3_600_000;
      const sys = 120 + ((i * 31 + d) % 45);
      for (const [metric, value] of [['blood-pressure-systolic', sys], ['blood-pressure-diastolic', sys - 45]] as const) {
        batch.push({ id: `o${i}-${d}-${metric}`, clinicId: 'c1', patientId: p.id, metric, value, unit: 'mm[Hg]', timeMs: t, source: { kind: 'demo', grade: 'clinical' }, flags: [], receivedMs: t });
      }
    }
    observations += batch.length;
    await db.observations.bulkAdd(batch);
  }
  const alerts = rows.slice(0, 600).map((p, i) => ({ ...base, id: `a${i}`, alertKey: `r|${p.id}|${i}`, patientId: p.id, ruleId: 'r', ruleVersion: 1, ruleName: 'r', priority: (['high', 'medium', 'low'] as const)[i % 3], status: 'open', openedAtMs: nowMs - DAY, readingIds: [], values: {}, escalationLevel: 0, refireCount: 0 }) as unknown as StoredAlert);
  await db.alerts.bulkAdd(alerts);
  phase('readings and alerts stored');

  const wholeMs: number[] = [];
  let tiers = '';
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const d = await computeDashboard(db, { nowMs, zone: 'America/Chicago' });
    wholeMs.push(performance.now() - t0);
    tiers = `high ${d.byTier.high}, rising ${d.byTier.rising}, moderate ${d.byTier.moderate}, low ${d.byTier.low}`;
  }
  const t1 = performance.now();
  await computeDashboard(db, { nowMs, zone: 'America/Chicago', filter: { riskTiers: ['high'] } });
  const filteredMs = performance.now() - t1;
  db.close();
  return {
    title: `Population dashboard, ${PATIENTS.toLocaleString('en-US')} patients (issue #7), Node + fake-indexeddb`,
    method: `${PATIENTS.toLocaleString('en-US')} active patients, ${MONITORED.toLocaleString('en-US')} enrolled in hypertension with ${observations.toLocaleString('en-US')} BP observations over ${DAYS} days, ${alerts.length} open alerts. computeDashboard() (the engine's 'dashboard.compute'): analytics consent, risk tiers from alerts, 30-day readings in one read of the timeMs index (a read per patient below 1,000 patients), programs, adherence, overdue tasks, 12-week BP-at-target trend. Run in Node over fake-indexeddb, not Chromium IndexedDB, so the figures are indicative only. Tiers: ${tiers}.`,
    figures: [
      { name: 'whole clinic, first run', value: Math.round(wholeMs[0]!), unit: 'ms' },
      { name: 'whole clinic, median of 3', value: Math.round(median(wholeMs)), unit: 'ms' },
      { name: 'filtered to the high tier (segment evaluation + figures)', value: Math.round(filteredMs), unit: 'ms' },
    ],
  };
}
