import 'fake-indexeddb/auto';
import type { CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { migration006 } from '../../../renderer/src/db/migrations/006-crm-tasks-programs';
import { migrations } from '../../../renderer/src/db/migrations/index';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { ensureScheduleDefaults } from '../../../renderer/src/db/schedule';

/**
 * CareLoopDb with the CRM schema (version 6). Until migration 006 is registered in
 * migrations/index.ts the test adds it here; afterwards this is CareLoopDb itself.
 */
class CrmTestDb extends CareLoopDb {
  constructor(name: string) {
    super(name);
    if (!migrations.some((m) => m.version === migration006.version)) this.version(migration006.version).stores(migration006.stores);
  }
}

let n = 0;

export interface CrmFixture {
  db: CrmDb;
  ctx: WriteContext;
  patient: PatientRow;
  nurseId: string;
  doctorId: string;
}

export async function openCrmFixture(prefix: string): Promise<CrmFixture> {
  const db = new CrmTestDb(`${prefix}-${n++}`) as unknown as CrmDb;
  await db.open();
  const ctx: WriteContext = { actor: 'Nurse Jordan Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  const patient = await new PatientRepository(db, ctx).create({
    givenName: 'Ruth', familyName: 'Okafor', birthDate: '1951-05-04', sex: 'female', mrn: 'CRM-1', phone: '+1 555 0100 7777', preferredChannel: 'sms', tags: ['diabetes-education'],
  });
  await ensureScheduleDefaults(db, ctx, [
    { name: 'Nurse Jordan Lee', role: 'nurse' },
    { name: 'Dr Amara Singh', role: 'physician' },
  ]);
  const staff = await db.staff.toArray();
  return { db, ctx, patient, nurseId: staff.find((s) => s.name === 'Nurse Jordan Lee')!.id, doctorId: staff.find((s) => s.name === 'Dr Amara Singh')!.id };
}
