import { TimeLogInput, type TimeLogEntry } from '../../../common/billing/time-log';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CrmDb } from './crm-tables';
import type { WriteContext } from './journal';
import { insertRow, updateRow } from './synced-rows';

export class TimeLogValidationError extends Error {
  override readonly name = 'TimeLogValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

export class TimeLogStateError extends Error {
  override readonly name = 'TimeLogStateError';
}

/** Logs staff time on a patient's remote monitoring: validated, audited, queued for sync. */
export async function logTime(db: CrmDb, ctx: WriteContext, input: TimeLogInput): Promise<TimeLogEntry> {
  const parsed = TimeLogInput.safeParse(input);
  if (!parsed.success) throw new TimeLogValidationError(fieldErrors(parsed.error));
  const t = parsed.data;
  return db.transaction('rw', [db.timeLog, db.patients, db.staff, db.audit, db.outbox, db.meta], async () => {
    const patient = await db.patients.get(t.patientId);
    if (!patient || patient.deleted) throw new TimeLogValidationError({ patientId: 'is not a patient on this workstation' });
    if (t.staffId) {
      const staff = await db.staff.get(t.staffId);
      if (!staff || staff.deleted) throw new TimeLogValidationError({ staffId: 'is not a member of staff' });
    }
    return insertRow<TimeLogEntry>(
      db,
      ctx,
      db.timeLog,
      {
        patientId: t.patientId,
        ...(t.staffId ? { staffId: t.staffId } : {}),
        staffName: t.staffName,
        minutes: t.minutes,
        date: t.date,
        activity: t.activity,
        interactive: t.interactive,
        ...(t.note ? { note: t.note } : {}),
      } as Omit<TimeLogEntry, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>,
      { action: 'time-log.add', entity: 'time-log', patientId: t.patientId },
    );
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
