import { APPOINTMENT_STATUSES, MODALITIES, type Appointment } from '../../common/schedule/appointment';
import type { FieldMap } from '../../common/sync/protocol';
import type { Queryable } from '../db/database';

/**
 * Appointments, rooms, patients' initials and clinicians as the cloud instance holds them:
 * synced rows (one FieldMap per row, a value and a clock stamp per field). Rows that are
 * not whole appointments (a partial sync, a field of the wrong type) are left out rather
 * than put in a calendar wrong.
 */

export type SyncedAppointment = Pick<Appointment, 'id' | 'patientId' | 'staffId' | 'roomId' | 'startMs' | 'endMs' | 'status' | 'modality' | 'videoUrl' | 'stamps'>;

interface Row {
  row_id: string;
  fields: FieldMap;
}

const str = (f: FieldMap, k: string): string | undefined => (typeof f[k]?.value === 'string' && f[k]!.value ? (f[k]!.value as string) : undefined);
const num = (f: FieldMap, k: string): number | undefined => (typeof f[k]?.value === 'number' && Number.isFinite(f[k]!.value) ? (f[k]!.value as number) : undefined);

export function appointmentOf(rowId: string, f: FieldMap): SyncedAppointment | undefined {
  if (f.deleted?.value === true) return undefined;
  const patientId = str(f, 'patientId');
  const staffId = str(f, 'staffId');
  const startMs = num(f, 'startMs');
  const endMs = num(f, 'endMs');
  const status = str(f, 'status');
  const modality = str(f, 'modality');
  if (!patientId || !staffId || startMs === undefined || endMs === undefined || endMs <= startMs) return undefined;
  if (!(APPOINTMENT_STATUSES as readonly string[]).includes(status ?? '') || !(MODALITIES as readonly string[]).includes(modality ?? '')) return undefined;
  const roomId = str(f, 'roomId');
  const videoUrl = str(f, 'videoUrl');
  return {
    id: rowId,
    patientId,
    staffId,
    startMs,
    endMs,
    status: status as Appointment['status'],
    modality: modality as Appointment['modality'],
    ...(roomId ? { roomId } : {}),
    ...(videoUrl ? { videoUrl } : {}),
    stamps: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.stamp])),
  };
}

const rows = (list: Row[]) => list.map((r) => appointmentOf(r.row_id, r.fields)).filter((a): a is SyncedAppointment => !!a);

/** A clinician's appointments that start in [fromMs, toMs). */
export async function clinicianAppointments(db: Queryable, clinicId: string, staffId: string, fromMs: number, toMs: number): Promise<SyncedAppointment[]> {
  return rows(
    await db.query<Row>(
      `SELECT row_id, fields FROM sync_rows
       WHERE clinic_id = $1 AND table_name = 'appointments' AND fields -> 'staffId' ->> 'value' = $2
         AND (fields -> 'startMs' ->> 'value')::numeric >= $3 AND (fields -> 'startMs' ->> 'value')::numeric < $4`,
      [clinicId, staffId, fromMs, toMs],
    ),
  );
}

export async function appointmentById(db: Queryable, clinicId: string, id: string): Promise<SyncedAppointment | undefined> {
  return rows(await db.query<Row>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'appointments' AND row_id = $2", [clinicId, id]))[0];
}

/** The patient's first booked appointment at or after `fromMs` (what {{appointment.time}} named when the message was written). */
export async function nextBookedAppointment(db: Queryable, clinicId: string, patientId: string, fromMs: number): Promise<SyncedAppointment | undefined> {
  const list = rows(
    await db.query<Row>(
      `SELECT row_id, fields FROM sync_rows
       WHERE clinic_id = $1 AND table_name = 'appointments' AND fields -> 'patientId' ->> 'value' = $2
         AND fields -> 'status' ->> 'value' = 'booked' AND (fields -> 'startMs' ->> 'value')::numeric >= $3`,
      [clinicId, patientId, fromMs],
    ),
  );
  return list.sort((a, b) => a.startMs - b.startMs)[0];
}

export async function roomNames(db: Queryable, clinicId: string): Promise<Map<string, string>> {
  const list = await db.query<Row>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'rooms'", [clinicId]);
  return new Map(list.flatMap((r) => (str(r.fields, 'name') ? [[r.row_id, str(r.fields, 'name')!] as const] : [])));
}

export async function patientNames(db: Queryable, clinicId: string, ids: readonly string[]): Promise<Map<string, { givenName: string; familyName: string }>> {
  if (!ids.length) return new Map();
  const list = await db.query<Row>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND row_id = ANY($2::text[])", [clinicId, [...ids]]);
  return new Map(list.map((r) => [r.row_id, { givenName: str(r.fields, 'givenName') ?? '', familyName: str(r.fields, 'familyName') ?? '' }]));
}

export async function clinicName(db: Queryable, clinicId: string): Promise<string> {
  const [row] = await db.query<{ name: string }>('SELECT name FROM clinics WHERE clinic_id = $1', [clinicId]);
  return row?.name ?? 'CareLoop';
}

export async function messageTemplate(db: Queryable, clinicId: string, id: string): Promise<{ subject?: string; body?: string } | undefined> {
  const [row] = await db.query<Row>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'messageTemplates' AND row_id = $2", [clinicId, id]);
  if (!row) return undefined;
  const subject = str(row.fields, 'subject');
  const body = str(row.fields, 'body');
  return { ...(subject ? { subject } : {}), ...(body ? { body } : {}) };
}
