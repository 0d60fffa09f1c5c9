import {
  BookingInput,
  canTransition,
  findConflicts,
  type Appointment,
  type AppointmentStatus,
  type AppointmentType,
  type Conflict,
  type Room,
  type StaffMember,
} from '../../../common/schedule/appointment';
import { expandVideoUrl, VideoTemplateError } from '../../../common/calendar/video-link';
import { newId } from '../../../common/ids';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CareLoopDb } from './database';
import type { WriteContext } from './journal';
import { insertRow, updateRow } from './synced-rows';

const MAX_APPOINTMENT_MS = 8 * 3_600_000;

/** The clinic's video provider URL template (a settings key: writing it needs 'manage settings'). */
export const VIDEO_URL_TEMPLATE_KEY = 'settings:video-url-template';

export async function videoUrlTemplate(db: CareLoopDb): Promise<string | undefined> {
  const v = (await db.meta.get(VIDEO_URL_TEMPLATE_KEY))?.value;
  return typeof v === 'string' && v ? v : undefined;
}

/** The meeting link of a new video visit, or undefined while no valid provider template is set. */
async function meetingLinkFor(db: CareLoopDb, appointmentId: string, clinicId: string): Promise<string | undefined> {
  const template = await videoUrlTemplate(db);
  if (!template) return undefined;
  try {
    return expandVideoUrl(template, { appointmentId, clinicId });
  } catch (err) {
    if (err instanceof VideoTemplateError) return undefined;
    throw err;
  }
}

export class BookingValidationError extends Error {
  override readonly name = 'BookingValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

/** The slot is taken: nothing was booked. `conflicts` says by what. */
export class BookingConflictError extends Error {
  override readonly name = 'BookingConflictError';
  constructor(readonly conflicts: Conflict[]) {
    const kinds = [...new Set(conflicts.map((c) => c.kind))];
    super(`That time is taken: ${kinds.map((k) => (k === 'clinician' ? 'the clinician is busy' : k === 'room' ? 'the room is in use' : 'the patient has another appointment')).join(', ')}.`);
  }
}

export class AppointmentStateError extends Error {
  override readonly name = 'AppointmentStateError';
}

/** Appointments: validated, conflict-checked in the same transaction that writes, audited and queued for sync. */
export class ScheduleRepository {
  constructor(
    private readonly db: CareLoopDb,
    private readonly ctx: WriteContext,
  ) {}

  private get tables() {
    const { db } = this;
    return [db.appointments, db.appointmentTypes, db.audit, db.outbox, db.meta];
  }

  private async around(index: '[staffId+startMs]' | '[roomId+startMs]' | '[patientId+startMs]', key: string, startMs: number, endMs: number) {
    return this.db.appointments.where(index).between([key, startMs - MAX_APPOINTMENT_MS], [key, endMs], true, false).toArray();
  }

  private async conflictsFor(b: { id?: string; patientId: string; staffId: string; roomId?: string; startMs: number; endMs: number }): Promise<Conflict[]> {
    const nearby = new Map<string, Appointment>();
    for (const list of await Promise.all([
      this.around('[staffId+startMs]', b.staffId, b.startMs, b.endMs),
      b.roomId ? this.around('[roomId+startMs]', b.roomId, b.startMs, b.endMs) : Promise.resolve([]),
      this.around('[patientId+startMs]', b.patientId, b.startMs, b.endMs),
    ])) {
      for (const a of list) nearby.set(a.id, a);
    }
    return findConflicts(b, [...nearby.values()]);
  }

  async book(input: BookingInput): Promise<Appointment> {
    const parsed = BookingInput.safeParse(input);
    if (!parsed.success) throw new BookingValidationError(fieldErrors(parsed.error));
    const b = parsed.data;
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const type = await db.appointmentTypes.get(b.typeId);
      if (!type) throw new BookingValidationError({ typeId: 'is not a known appointment type' });
      const candidate = { patientId: b.patientId, staffId: b.staffId, roomId: b.modality === 'in-person' ? b.roomId : undefined, startMs: b.startMs, endMs: b.startMs + b.durationMin * 60_000 };
      const conflicts = await this.conflictsFor(candidate);
      if (conflicts.length) throw new BookingConflictError(conflicts);
      const id = newId();
      const videoUrl = b.modality === 'video' ? await meetingLinkFor(db, id, ctx.clinicId) : undefined;
      return insertRow<Appointment>(db, ctx, db.appointments, {
        ...candidate,
        typeId: b.typeId,
        modality: b.modality,
        status: 'booked',
        ...(b.reason ? { reason: b.reason } : {}),
        ...(videoUrl ? { videoUrl } : {}),
      } as Omit<Appointment, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>, { action: 'appointment.book', entity: 'appointment', patientId: b.patientId }, id);
    });
  }

  async reschedule(id: string, change: { startMs: number; durationMin?: number; staffId?: string; roomId?: string }): Promise<Appointment> {
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const before = await db.appointments.get(id);
      if (!before || before.deleted) throw new AppointmentStateError('That appointment no longer exists.');
      if (before.status !== 'booked') throw new AppointmentStateError(`A ${before.status} appointment cannot be moved.`);
      const duration = change.durationMin !== undefined ? change.durationMin * 60_000 : before.endMs - before.startMs;
      const next = {
        id,
        patientId: before.patientId,
        staffId: change.staffId ?? before.staffId,
        roomId: before.modality === 'in-person' ? (change.roomId ?? before.roomId) : undefined,
        startMs: change.startMs,
        endMs: change.startMs + duration,
      };
      const conflicts = await this.conflictsFor(next);
      if (conflicts.length) throw new BookingConflictError(conflicts);
      return updateRow(db, ctx, db.appointments, before, { staffId: next.staffId, roomId: next.roomId, startMs: next.startMs, endMs: next.endMs }, { action: 'appointment.reschedule', entity: 'appointment', patientId: before.patientId });
    });
  }

  async setStatus(id: string, status: AppointmentStatus, reason?: string): Promise<Appointment> {
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const before = await db.appointments.get(id);
      if (!before || before.deleted) throw new AppointmentStateError('That appointment no longer exists.');
      if (!canTransition(before.status, status)) throw new AppointmentStateError(`A ${before.status} appointment cannot become ${status}.`);
      if (status === 'booked') {
        // Re-booking a cancelled or no-show visit needs its slot to still be free.
        const conflicts = await this.conflictsFor(before);
        if (conflicts.length) throw new BookingConflictError(conflicts);
      }
      const patch: Partial<Appointment> = { status };
      if (status === 'cancelled') patch.cancelReason = reason ?? 'not given';
      if (status === 'checked-in') patch.checkedInAt = new Date().toISOString();
      return updateRow(db, ctx, db.appointments, before, patch, { action: 'appointment.status', entity: 'appointment', patientId: before.patientId, ...(reason ? { reason } : {}) });
    });
  }

  /** Gives a video visit booked before the provider was set up its meeting link. */
  async assignVideoUrl(id: string): Promise<Appointment> {
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const before = await db.appointments.get(id);
      if (!before || before.deleted) throw new AppointmentStateError('That appointment no longer exists.');
      if (before.modality !== 'video') throw new AppointmentStateError('Only a video visit has a meeting link.');
      if (before.videoUrl) return before;
      const videoUrl = await meetingLinkFor(db, id, before.clinicId);
      if (!videoUrl) throw new AppointmentStateError('No video provider is set up: an administrator sets its link in Settings.');
      return updateRow(db, ctx, db.appointments, before, { videoUrl }, { action: 'appointment.reschedule', entity: 'appointment', patientId: before.patientId });
    });
  }

  /** Appointments that start in [fromMs, toMs), oldest first. */
  async between(fromMs: number, toMs: number): Promise<Appointment[]> {
    const rows = await this.db.appointments.where('startMs').between(fromMs, toMs, true, false).toArray();
    return rows.filter((a) => !a.deleted);
  }

  /** The patient's next appointment that holds a slot, if any. */
  async nextFor(patientId: string, nowMs: number): Promise<Appointment | undefined> {
    const rows = await this.db.appointments.where('[patientId+startMs]').between([patientId, nowMs], [patientId, Infinity]).toArray();
    return rows.find((a) => !a.deleted && (a.status === 'booked' || a.status === 'checked-in'));
  }
}

export interface ScheduleResources {
  staff: StaffMember[];
  rooms: Room[];
  types: AppointmentType[];
}

export async function loadScheduleResources(db: CareLoopDb): Promise<ScheduleResources> {
  const [staff, rooms, types] = await Promise.all([db.staff.toArray(), db.rooms.toArray(), db.appointmentTypes.toArray()]);
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    staff: staff.filter((s) => s.active && !s.deleted).sort(byName),
    rooms: rooms.filter((r) => r.active && !r.deleted).sort(byName),
    types: types.filter((t) => t.active && !t.deleted).sort(byName),
  };
}

/** A clinic's starting rooms and appointment types, and its first clinicians; idempotent. */
export async function ensureScheduleDefaults(db: CareLoopDb, ctx: WriteContext, clinicians: { name: string; role: StaffMember['role'] }[]): Promise<void> {
  await db.transaction('rw', [db.staff, db.rooms, db.appointmentTypes, db.audit, db.outbox, db.meta], async () => {
    if ((await db.appointmentTypes.count()) === 0) {
      for (const t of [
        { name: 'Follow-up', durationMin: 20, modality: 'in-person' as const },
        { name: 'New patient', durationMin: 40, modality: 'in-person' as const },
        { name: 'Annual check-up', durationMin: 30, modality: 'in-person' as const },
        { name: 'Remote monitoring review', durationMin: 15, modality: 'video' as const },
        { name: 'Telephone consultation', durationMin: 10, modality: 'phone' as const },
      ]) {
        await insertRow<AppointmentType>(db, ctx, db.appointmentTypes, { ...t, active: true }, { action: 'appointment-type.create', entity: 'appointment-type' });
      }
    }
    if ((await db.rooms.count()) === 0) {
      for (const name of ['Exam room 1', 'Exam room 2', 'Exam room 3', 'Nurse room']) {
        await insertRow<Room>(db, ctx, db.rooms, { name, active: true }, { action: 'room.create', entity: 'room' });
      }
    }
    const known = new Set((await db.staff.toArray()).map((s) => s.name));
    for (const c of clinicians) {
      if (known.has(c.name)) continue;
      await insertRow<StaffMember>(db, ctx, db.staff, { ...c, active: true }, { action: 'staff.create', entity: 'staff' });
    }
  });
}
