import { TimeLogInput, type TimeLogEntry } from '../../../common/billing/time-log';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CrmDb } from './crm-tables';
import type { WriteContext } from './journal';
import { insertRow, insertRows, updateRow } from './synced-rows';

export class TimeLogValidationError extends Error {
  override readonly name = 'TimeLogValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

export class TimeLogStateError extends Error {
  override readonly name = 'TimeLogStateError';
}

/** An entry as validation leaves it (defaults filled in). */
type ValidTimeLog = ReturnType<typeof TimeLogInput.parse>;

function entryFields(t: ValidTimeLog): Omit<TimeLogEntry, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'> {
  return {
    patientId: t.patientId,
    ...(t.staffId ? { staffId: t.staffId } : {}),
    staffName: t.staffName,
    minutes: t.minutes,
    date: t.date,
    activity: t.activity,
    interactive: t.interactive,
    ...(t.note ? { note: t.note } : {}),
  } as Omit<TimeLogEntry, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>;
}

function validInput(input: TimeLogInput): ValidTimeLog {
  const parsed = TimeLogInput.safeParse(input);
  if (!parsed.success) throw new TimeLogValidationError(fieldErrors(parsed.error));
  return parsed.data;
}

/** Checks that the entries' patients and staff are on this workstation (one read of each). */
async function checkReferences(db: CrmDb, entries: readonly ValidTimeLog[]): Promise<void> {
  const patientIds = [...new Set(entries.map((t) => t.patientId))];
  const staffIds = [...new Set(entries.flatMap((t) => (t.staffId ? [t.staffId] : [])))];
  const [patients, staff] = await Promise.all([db.patients.bulkGet(patientIds), db.staff.bulkGet(staffIds)]);
  if (patients.some((p) => !p || p.deleted)) throw new TimeLogValidationError({ patientId: 'is not a patient on this workstation' });
  if (staff.some((s) => !s || s.deleted)) throw new TimeLogValidationError({ staffId: 'is not a member of staff' });
}

/** Logs staff time on a patient's remote monitoring: validated, audited, queued for sync. */
export async function logTime(db: CrmDb, ctx: WriteContext, input: TimeLogInput): Promise<TimeLogEntry> {
  const t = validInput(input);
  return db.transaction('rw', [db.timeLog, db.patients, db.staff, db.audit, db.outbox, db.meta], async () => {
    await checkReferences(db, [t]);
    return insertRow<TimeLogEntry>(db, ctx, db.timeLog, entryFields(t), { action: 'time-log.add', entity: 'time-log', patientId: t.patientId });
  });
}

/**
 * Many entries at once, all or none (the demo's year of logged time): each validated as
 * logTime validates it, then written in bulk, each still audited and queued for sync.
 */
export async function logTimeMany(db: CrmDb, ctx: WriteContext, inputs: readonly TimeLogInput[]): Promise<TimeLogEntry[]> {
  const entries = inputs.map(validInput);
  return db.transaction('rw', [db.timeLog, db.patients, db.staff, db.audit, db.outbox, db.meta], async () => {
    await checkReferences(db, entries);
    return insertRows<TimeLogEntry>(db, ctx, db.timeLog, entries.map((t) => ({ fields: entryFields(t), audit: { action: 'time-log.add', entity: 'time-log', patientId: t.patientId } })));
  });
}

/** Withdraws an entry logged in error (a tombstone: the audit keeps what it was and why). */
export async function removeTime(db: CrmDb, ctx: WriteContext, id: string, reason: string): Promise<TimeLogEntry> {
  const why = reason.trim();
  if (!why) throw new TimeLogValidationError({ reason: 'say why the entry is removed' });
  return db.transaction('rw', [db.timeLog, db.audit, db.outbox, db.meta], async () => {
    const before = await db.timeLog.get(id);
    if (!before || before.deleted) throw new TimeLogStateError('That time entry no longer exists.');
    return updateRow(db, ctx, db.timeLog, before, { deleted: true } as Partial<TimeLogEntry>, { action: 'time-log.remove', entity: 'time-log', patientId: before.patientId, reason: why });
  });
}

/** A patient's entries with service dates in [fromDate, toDate] (inclusive, YYYY-MM-DD), oldest first. */
export async function timeLogBetween(db: CrmDb, patientId: string, fromDate: string, toDate: string): Promise<TimeLogEntry[]> {
  const rows = await db.timeLog.where('[patientId+date]').between([patientId, fromDate], [patientId, toDate], true, true).toArray();
  return rows.filter((r) => !r.deleted);
}

/** A calendar month's entries ('YYYY-MM'). */
export function timeLogInMonth(db: CrmDb, patientId: string, month: string): Promise<TimeLogEntry[]> {
  return timeLogBetween(db, patientId, `${month}-01`, `${month}-31`);
}
