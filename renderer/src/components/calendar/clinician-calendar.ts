import type { Table } from 'dexie';
import { buildClinicianFeed } from '../../../../common/calendar/ics';
import { FEED_INITIALS_FIELD, FEED_TOKEN_HASH_FIELD, feedPath, feedTokenHash, newFeedToken } from '../../../../common/calendar/feed-token';
import { initialsOf, visitOf } from '../../../../common/calendar/visit';
import type { StaffMember } from '../../../../common/schedule/appointment';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { updateRow } from '../../db/synced-rows';

const DAY = 86_400_000;
/** What a calendar download covers: the recent past (for reference) and the months ahead. */
export const CALENDAR_WINDOW = { pastDays: 30, futureDays: 180 } as const;

export class CalendarExportError extends Error {
  override readonly name = 'CalendarExportError';
}

/**
 * A clinician's appointments as an iCalendar file (RFC 5545), built from this workstation's
 * records. Patient names never go in; initials only when asked for.
 */
export async function clinicianCalendar(db: CareLoopDb, o: { staffId: string; clinicName: string; zone: string; nowMs: number; initials: boolean }): Promise<string> {
  const staff = await db.staff.get(o.staffId);
  if (!staff || staff.deleted) throw new CalendarExportError('That clinician is not on this workstation.');
  const from = o.nowMs - CALENDAR_WINDOW.pastDays * DAY;
  const to = o.nowMs + CALENDAR_WINDOW.futureDays * DAY;
  const rows = (await db.appointments.where('[staffId+startMs]').between([o.staffId, from], [o.staffId, to], true, false).toArray()).filter((a) => !a.deleted);
  const [rooms, patients] = await Promise.all([
    db.rooms.toArray(),
    o.initials ? db.patients.bulkGet([...new Set(rows.map((a) => a.patientId))]) : Promise.resolve<(PatientRow | undefined)[]>([]),
  ]);
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const initials = new Map(patients.filter((p): p is PatientRow => !!p).map((p) => [p.id, initialsOf(p.givenName, p.familyName)]));
  const visits = rows.map((a) =>
    visitOf(a, {
      ...(a.roomId && roomName.has(a.roomId) ? { roomName: roomName.get(a.roomId)! } : {}),
      ...(initials.has(a.patientId) ? { patientInitials: initials.get(a.patientId)! } : {}),
    }),
  );
  return buildClinicianFeed(visits, { name: `CareLoop – ${staff.name}`, clinicName: o.clinicName, zone: o.zone, generatedMs: o.nowMs });
}

/** A safe file name for a clinician's calendar. */
export function calendarFileName(staffName: string): string {
  const slug = staffName.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
  return `careloop-${slug || 'calendar'}.ics`;
}

type FeedStaff = StaffMember & { [FEED_TOKEN_HASH_FIELD]?: string; [FEED_INITIALS_FIELD]?: boolean };

function staffTables(db: CareLoopDb) {
  return [db.staff, db.audit, db.outbox, db.meta];
}

/**
 * Issues a new subscription link for a clinician's feed on the cloud instance and revokes
 * any earlier one. Only the token's hash is stored (synced on the staff row); the link is
 * returned once for the user to copy.
 */
export async function issueFeedLink(db: CareLoopDb, ctx: WriteContext, o: { staffId: string; serverUrl: string; initials: boolean }): Promise<string> {
  const base = o.serverUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/\S+$/.test(base)) throw new CalendarExportError('Connect this workstation to the cloud instance first (Settings → Sync).');
  const token = newFeedToken(ctx.clinicId);
  const hash = await feedTokenHash(token);
  await db.transaction('rw', staffTables(db), async () => {
    const before = (await db.staff.get(o.staffId)) as FeedStaff | undefined;
    if (!before || before.deleted) throw new CalendarExportError('That clinician is not on this workstation.');
    await updateRow<FeedStaff>(db, ctx, db.staff as unknown as Table<FeedStaff, string>, before, { [FEED_TOKEN_HASH_FIELD]: hash, [FEED_INITIALS_FIELD]: o.initials }, { action: 'calendar-feed.issue', entity: 'staff' });
  });
  return `${base}${feedPath(token)}`;
}

/** Revokes the clinician's feed link: the cloud instance answers 404 from its next sync on. */
export async function revokeFeedLink(db: CareLoopDb, ctx: WriteContext, staffId: string): Promise<void> {
  await db.transaction('rw', staffTables(db), async () => {
    const before = (await db.staff.get(staffId)) as FeedStaff | undefined;
    if (!before || before.deleted) throw new CalendarExportError('That clinician is not on this workstation.');
    if (!before[FEED_TOKEN_HASH_FIELD]) return;
    await updateRow<FeedStaff>(db, ctx, db.staff as unknown as Table<FeedStaff, string>, before, { [FEED_TOKEN_HASH_FIELD]: '' }, { action: 'calendar-feed.revoke', entity: 'staff' });
  });
}

export async function hasFeedLink(db: CareLoopDb, staffId: string): Promise<boolean> {
  const s = (await db.staff.get(staffId)) as FeedStaff | undefined;
  return !!s?.[FEED_TOKEN_HASH_FIELD];
}
