import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import { DEFAULT_PROGRAMS } from '../../../common/programs/defaults';
import { EndEnrolmentInput, EnrolInput, MONITORING_TAG, type CareProgram, type Enrolment } from '../../../common/programs/program';
import type { CrmDb } from './crm-tables';
import type { WriteContext } from './journal';
import { PatientRepository } from './patients';
import { insertRow, updateRow } from './synced-rows';

export class EnrolmentValidationError extends Error {
  override readonly name = 'EnrolmentValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

export class EnrolmentStateError extends Error {
  override readonly name = 'EnrolmentStateError';
}

/** Seeds the default care programs in a clinic that has none; idempotent. */
export async function ensureDefaultPrograms(db: CrmDb, ctx: WriteContext): Promise<void> {
  await db.transaction('rw', [db.carePrograms, db.audit, db.outbox, db.meta], async () => {
    if ((await db.carePrograms.count()) > 0) return;
    for (const p of DEFAULT_PROGRAMS) await insertRow<CareProgram>(db, ctx, db.carePrograms, structuredClone(p), { action: 'program.create', entity: 'care-program' });
  });
}

/** Active programs, by name. */
export async function listPrograms(db: CrmDb): Promise<CareProgram[]> {
  return (await db.carePrograms.orderBy('name').toArray()).filter((p) => p.active && !p.deleted);
}

/**
 * Enrols a patient in a program. The enrolment's start is the start of the patient's
 * remote-monitoring period, and the patient is tagged 'remote-monitoring' through the
 * patient repository (so the change is audited and synced), all in one transaction.
 */
export async function enrol(db: CrmDb, ctx: WriteContext, input: EnrolInput): Promise<Enrolment> {
  const parsed = EnrolInput.safeParse(input);
  if (!parsed.success) throw new EnrolmentValidationError(fieldErrors(parsed.error));
  const e = parsed.data;
  return db.transaction('rw', [db.enrolments, db.carePrograms, db.patients, db.audit, db.outbox, db.meta], async () => {
    const program = await db.carePrograms.get(e.programId);
    if (!program || program.deleted || !program.active) throw new EnrolmentValidationError({ programId: 'is not an active care program' });
    const patients = new PatientRepository(db, ctx);
    const patient = await patients.get(e.patientId);
    if (!patient) throw new EnrolmentValidationError({ patientId: 'is not a patient on this workstation' });
    if (patient.status === 'archived') throw new EnrolmentStateError('An archived patient cannot be enrolled; restore the record first.');
    const current = await db.enrolments.where('[patientId+startMs]').between([e.patientId, -Infinity], [e.patientId, Infinity]).toArray();
    if (current.some((x) => x.programId === e.programId && x.status === 'active' && !x.deleted)) throw new EnrolmentStateError(`${patient.givenName} ${patient.familyName} is already enrolled in ${program.name}.`);
    const enrolment = await insertRow<Enrolment>(
      db,
      ctx,
      db.enrolments,
      { patientId: e.patientId, programId: e.programId, startMs: e.startMs, status: 'active', enrolledBy: ctx.actor, reason: e.reason } as Omit<Enrolment, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>,
      { action: 'program.enrol', entity: 'enrolment', patientId: e.patientId },
    );
    if (!patient.tags.includes(MONITORING_TAG)) {
      const fields = PatientRepository.editable(patient);
      await patients.update(patient.id, { ...fields, tags: [...fields.tags, MONITORING_TAG] });
    }
    return enrolment;
  });
}

/** Ends an active enrolment (the patient keeps the tag: devices may still be sending). */
export async function endEnrolment(db: CrmDb, ctx: WriteContext, id: string, input: EndEnrolmentInput): Promise<Enrolment> {
  const parsed = EndEnrolmentInput.safeParse(input);
  if (!parsed.success) throw new EnrolmentValidationError(fieldErrors(parsed.error));
  const x = parsed.data;
  return db.transaction('rw', [db.enrolments, db.audit, db.outbox, db.meta], async () => {
    const before = await db.enrolments.get(id);
    if (!before || before.deleted) throw new EnrolmentStateError('That enrolment no longer exists.');
    if (before.status !== 'active') throw new EnrolmentStateError('That enrolment has already ended.');
    if (x.endMs < before.startMs) throw new EnrolmentValidationError({ endMs: 'cannot be before the enrolment started' });
    return updateRow(db, ctx, db.enrolments, before, { status: 'ended', endMs: x.endMs, endReason: x.reason }, { action: 'program.end', entity: 'enrolment', patientId: before.patientId, reason: x.reason });
  });
}

export interface EnrolmentView {
  enrolment: Enrolment;
  program: CareProgram | undefined;
}

/** A patient's enrolments with their programs, active ones first, then newest first. */
export async function enrolmentsFor(db: CrmDb, patientId: string): Promise<EnrolmentView[]> {
  const rows = (await db.enrolments.where('[patientId+startMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray()).filter((e) => !e.deleted);
  const programs = await db.carePrograms.bulkGet([...new Set(rows.map((r) => r.programId))]);
  const byId = new Map(programs.filter((p): p is CareProgram => !!p).map((p) => [p.id, p]));
  return rows
    .sort((a, b) => (a.status === b.status ? b.startMs - a.startMs : a.status === 'active' ? -1 : 1))
    .map((enrolment) => ({ enrolment, program: byId.get(enrolment.programId) }));
}
