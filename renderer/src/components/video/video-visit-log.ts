import type { TimeLogEntry } from '../../../../common/billing/time-log';
import { videoVisitTimeEntry, type VideoVisitSpan } from '../../../../common/calendar/video-visit-time';
import type { CrmDb } from '../../db/crm-tables';
import type { WriteContext } from '../../db/journal';
import { logTime, removeTime } from '../../db/time-log';

/**
 * A finished video visit as monitoring minutes: one 'video-visit' time-log entry (interactive),
 * so it counts in the RPM/CCM minutes of its calendar month like any logged call.
 */
export function logVideoVisit(db: CrmDb, ctx: WriteContext, span: VideoVisitSpan): Promise<TimeLogEntry> {
  return logTime(db, ctx, videoVisitTimeEntry(span));
}

/**
 * Corrects the minutes of a logged visit (the call started late, or someone forgot to end
 * it): the entry is withdrawn with the reason and a corrected one is logged, so the audit
 * keeps both. Both writes are one transaction: a refused correction leaves the first entry.
 */
export async function correctVideoVisitMinutes(db: CrmDb, ctx: WriteContext, entry: TimeLogEntry, minutes: number): Promise<TimeLogEntry> {
  if (minutes === entry.minutes) return entry;
  return db.transaction('rw', [db.timeLog, db.patients, db.staff, db.audit, db.outbox, db.meta], async () => {
    const corrected = await logTime(db, ctx, {
      patientId: entry.patientId,
      ...(entry.staffId ? { staffId: entry.staffId } : {}),
      staffName: entry.staffName,
      minutes,
      date: entry.date,
      activity: entry.activity,
      interactive: entry.interactive,
      ...(entry.note ? { note: entry.note } : {}),
    });
    await removeTime(db, ctx, entry.id, `video visit minutes corrected from ${entry.minutes} to ${minutes}`);
    return corrected;
  });
}
