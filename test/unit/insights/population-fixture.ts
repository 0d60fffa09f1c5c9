import 'fake-indexeddb/auto';
import type { Observation } from '../../../common/readings/observation';
import type { StoredAlert } from '../../../renderer/src/db/alerts';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { migration009 } from '../../../renderer/src/db/migrations/009-segments';
import { migrations } from '../../../renderer/src/db/migrations/index';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { enrol, ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { recordConsent } from '../../../renderer/src/db/consents';
import { ensureScheduleDefaults } from '../../../renderer/src/db/schedule';
import { asSegmentsDb, type SegmentsDb } from '../../../renderer/src/db/segments';
import { TaskRepository } from '../../../renderer/src/db/tasks';
import type { CrmDb } from '../../../renderer/src/db/crm-tables';

/** CareLoopDb with the segments table (version 9) until migration 009 is registered. */
class SegmentsTestDb extends CareLoopDb {
  constructor(name: string) {
    super(name);
    if (!migrations.some((m) => m.version === migration009.version)) this.version(migration009.version).stores(migration009.stores);
  }
}

export const DAY = 86_400_000;
export const NOW = Date.parse('2026-06-15T12:00:00Z');
export const ZONE = 'UTC';

export interface Population {
  db: SegmentsDb;
  ctx: WriteContext;
  /** Heart failure, gaining weight: high. */
  ruth: PatientRow;
  /** Hypertension, 7-day mean systolic 150: moderate; SMS consent given. */
  tom: PatientRow;
  /** No program, an open medium alert: moderate; analytics consent withdrawn. */
  ana: PatientRow;
  /** No program, no readings, an open low alert: low; SMS consent withdrawn. */
  lee: PatientRow;
  programs: { hypertension: string; heartFailure: string };
}

let n = 0;

const reading = (patientId: string, metric: Observation['metric'], timeMs: number, value: number): Observation => ({
  id: `o:${patientId}:${metric}:${timeMs}`, clinicId: 'c1', patientId, metric, value, unit: metric === 'body-weight' ? 'kg' : 'mm[Hg]', timeMs, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: timeMs,
});

function alertRow(patientId: string, priority: StoredAlert['priority'], i: number): StoredAlert {
  return {
    id: `alert-${i}`, alertKey: `r${i}|${patientId}|${NOW}`, clinicId: 'c1', patientId, ruleId: `r${i}`, ruleVersion: 1, ruleName: 'rule', priority, status: 'open', openedAtMs: NOW - DAY,
    readingIds: [], values: {}, escalationLevel: 0, refireCount: 0, deleted: false, stamps: {}, createdAt: '', updatedAt: '',
  } as unknown as StoredAlert;
}

export async function openPopulation(): Promise<Population> {
  const raw = new SegmentsTestDb(`population-${n++}`);
  await raw.open();
  const db = asSegmentsDb(raw as unknown as CrmDb);
  const ctx: WriteContext = { actor: 'Nurse Jordan Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  const repo = new PatientRepository(db, ctx);
  const ruth = await repo.create({ givenName: 'Ruth', familyName: 'Okafor', birthDate: '1950-01-10', sex: 'female', mrn: 'P-1', phone: '+1 555 0100 0001', tags: ['hf-clinic'], conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }] });
  const tom = await repo.create({ givenName: 'Tom', familyName: 'Baker', birthDate: '1980-03-02', sex: 'male', mrn: 'P-2', phone: '+1 555 0100 0002', conditions: [{ display: 'Essential hypertension', code: 'I10' }] });
  const ana = await repo.create({ givenName: 'Ana', familyName: 'Silva', birthDate: '1990-07-20', sex: 'female', mrn: 'P-3', phone: '+1 555 0100 0003' });
  const lee = await repo.create({ givenName: 'Lee', familyName: 'Chen', birthDate: '1940-02-01', sex: 'male', mrn: 'P-4', phone: '+1 555 0100 0004' });
  await ensureDefaultPrograms(db, ctx);
  const programs = await listPrograms(db);
  const hypertension = programs.find((p) => p.key === 'hypertension')!.id;
  const heartFailure = programs.find((p) => p.key === 'heart-failure')!.id;
  await enrol(db, ctx, { patientId: ruth.id, programId: heartFailure, startMs: NOW - 60 * DAY, reason: 'HF follow-up' });
  await enrol(db, ctx, { patientId: tom.id, programId: hypertension, startMs: NOW - 60 * DAY, reason: 'home BP' });

  const obs: Observation[] = [];
  // Ruth: systolic 125 every day for 12 weeks, weight 80 kg then up 2.5 kg over the last 2 days.
  for (let d = 0; d < 84; d++) obs.push(reading(ruth.id, 'blood-pressure-systolic', NOW - d * DAY, 125));
  for (let d = 2; d < 7; d++) obs.push(reading(ruth.id, 'body-weight', NOW - d * DAY - 3600_000, 80));
  obs.push(reading(ruth.id, 'body-weight', NOW, 82.5));
  // Tom: systolic 150 on each of the last 20 days, and a reading 40 days ago.
  for (let d = 0; d < 20; d++) obs.push(reading(tom.id, 'blood-pressure-systolic', NOW - d * DAY, 150));
  obs.push(reading(tom.id, 'blood-pressure-systolic', NOW - 40 * DAY, 120));
  // Ana: one old reading, 10 days ago.
  obs.push(reading(ana.id, 'blood-pressure-systolic', NOW - 10 * DAY, 118));
  await db.transaction('rw', db.observations, () => storeObservations(db, obs));

  await db.alerts.bulkAdd([alertRow(ana.id, 'medium', 1), alertRow(lee.id, 'low', 2), { ...alertRow(tom.id, 'high', 3), status: 'resolved' }]);

  await recordConsent(db, ctx, { patientId: tom.id, purpose: 'sms', status: 'given', method: 'written' });
  await recordConsent(db, ctx, { patientId: lee.id, purpose: 'sms', status: 'given', method: 'written' });
  await recordConsent(db, ctx, { patientId: lee.id, purpose: 'sms', status: 'withdrawn', method: 'verbal' });
  await recordConsent(db, ctx, { patientId: ana.id, purpose: 'analytics', status: 'withdrawn', method: 'written' });

  await ensureScheduleDefaults(db, ctx, [{ name: 'Nurse Jordan Lee', role: 'nurse' }]);
  const nurse = (await db.staff.toArray())[0]!;
  const tasks = new TaskRepository(db, ctx);
  await tasks.create({ patientId: tom.id, title: 'Call about BP', assigneeStaffId: nurse.id, dueMs: NOW - DAY, priority: 'high' });
  await tasks.create({ patientId: ana.id, title: 'Follow up', assigneeStaffId: nurse.id, dueMs: NOW - DAY, priority: 'low' });
  await tasks.create({ patientId: ruth.id, title: 'Weigh-in review', assigneeStaffId: nurse.id, dueMs: NOW + DAY, priority: 'medium' });

  return { db, ctx, ruth, tom, ana, lee, programs: { hypertension, heartFailure } };
}
