import { FEED_INITIALS_FIELD, FEED_TOKEN_HASH_FIELD, feedTokenClinic, feedTokenHash } from '../../common/calendar/feed-token';
import { buildClinicianFeed } from '../../common/calendar/ics';
import { initialsOf, visitOf } from '../../common/calendar/visit';
import type { FieldMap } from '../../common/sync/protocol';
import type { Queryable } from '../db/database';
import { clinicName, clinicianAppointments, patientNames, roomNames } from './synced-appointments';

const DAY = 86_400_000;
/** What a subscribed calendar holds: the recent past and the months ahead. */
export const FEED_WINDOW = { pastDays: 30, futureDays: 180 } as const;
export const FEED_REFRESH_MINUTES = 15;

/**
 * A clinician's feed for a subscription token, built from the clinic's synced rows; undefined
 * for a token that is malformed, unknown or revoked (the caller cannot tell which).
 */
export async function clinicianFeedFor(db: Queryable, token: string, nowMs: number): Promise<string | undefined> {
  const clinicId = feedTokenClinic(token);
  if (!clinicId) return undefined;
  const hash = await feedTokenHash(token);
  const [staff] = await db.query<{ row_id: string; fields: FieldMap }>(
    `SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'staff' AND fields -> '${FEED_TOKEN_HASH_FIELD}' ->> 'value' = $2`,
    [clinicId, hash],
  );
  if (!staff || staff.fields.deleted?.value === true) return undefined;
  const withInitials = staff.fields[FEED_INITIALS_FIELD]?.value === true;
  const appointments = await clinicianAppointments(db, clinicId, staff.row_id, nowMs - FEED_WINDOW.pastDays * DAY, nowMs + FEED_WINDOW.futureDays * DAY);
  const [rooms, names, clinic] = await Promise.all([
    roomNames(db, clinicId),
    withInitials ? patientNames(db, clinicId, [...new Set(appointments.map((a) => a.patientId))]) : Promise.resolve(new Map<string, { givenName: string; familyName: string }>()),
    clinicName(db, clinicId),
  ]);
  const visits = appointments.map((a) => {
    const name = names.get(a.patientId);
    const initials = name ? initialsOf(name.givenName, name.familyName) : '';
    return visitOf(a, { ...(a.roomId && rooms.has(a.roomId) ? { roomName: rooms.get(a.roomId)! } : {}), ...(initials ? { patientInitials: initials } : {}) });
  });
  const staffName = typeof staff.fields.name?.value === 'string' ? staff.fields.name.value : 'Clinician';
  return buildClinicianFeed(visits, { name: `CareLoop – ${staffName}`, clinicName: clinic, generatedMs: nowMs, refreshMinutes: FEED_REFRESH_MINUTES });
}
