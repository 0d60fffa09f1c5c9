import 'fake-indexeddb/auto';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { recordConsent } from '../../../renderer/src/db/consents';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { ensureDefaultTemplates } from '../../../renderer/src/db/messages';
import { migration008 } from '../../../renderer/src/db/migrations/008-workflows';
import { migrations } from '../../../renderer/src/db/migrations/index';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { ensureDefaultPrograms } from '../../../renderer/src/db/programs';
import { ensureScheduleDefaults } from '../../../renderer/src/db/schedule';
import { asWorkflowDb, type WorkflowDb } from '../../../renderer/src/engine/workflows/store';

/**
 * CareLoopDb with the workflow tables (version 8). Until migration 008 is registered in
 * migrations/index.ts the test adds it here; afterwards this is CareLoopDb itself.
 */
class WorkflowTestDb extends CareLoopDb {
  constructor(name: string) {
    super(name);
    if (!migrations.some((m) => m.version === migration008.version)) this.version(migration008.version).stores(migration008.stores);
  }
}

let n = 0;

export interface WorkflowFixture {
  db: WorkflowDb;
  ctx: WriteContext;
  /** Consented to SMS, with a care team of a physician and a nurse who are staff. */
  patient: PatientRow;
  /** Same care team, no consent recorded. */
  unconsented: PatientRow;
  nurseId: string;
  doctorId: string;
}

export async function openWorkflowFixture(prefix: string): Promise<WorkflowFixture> {
  const db = asWorkflowDb(new WorkflowTestDb(`${prefix}-${n++}`));
  await db.open();
  const ctx: WriteContext = { actor: 'CareLoop automation', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1e') };
  const careTeam = [
    { name: 'Dr Amara Singh', role: 'Physician' },
    { name: 'Nurse Jordan Lee', role: 'Nurse' },
  ];
  const patients = new PatientRepository(db, ctx);
  const patient = await patients.create({ givenName: 'Ruth', familyName: 'Okafor', birthDate: '1951-05-04', sex: 'female', mrn: 'WF-1', phone: '+1 555 0100 7777', preferredChannel: 'sms', careTeam, medications: [{ name: 'Amlodipine', dose: '5 mg' }], tags: ['medication-reminders'] });
  const unconsented = await patients.create({ givenName: 'Tomas', familyName: 'Berg', birthDate: '1962-11-20', sex: 'male', mrn: 'WF-2', phone: '+1 555 0100 8888', preferredChannel: 'sms', careTeam });
  await recordConsent(db, ctx, { patientId: patient.id, purpose: 'sms', status: 'given', method: 'written' });
  await ensureScheduleDefaults(db, ctx, [
    { name: 'Nurse Jordan Lee', role: 'nurse' },
    { name: 'Dr Amara Singh', role: 'physician' },
  ]);
  await ensureDefaultTemplates(db, ctx);
  await ensureDefaultPrograms(db, ctx);
  const staff = await db.staff.toArray();
  return { db, ctx, patient, unconsented, nurseId: staff.find((s) => s.role === 'nurse')!.id, doctorId: staff.find((s) => s.role === 'physician')!.id };
}
