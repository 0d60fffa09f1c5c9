import { z } from 'zod';
import type { SyncedRow } from '../sync/stamped';

export const MODALITIES = ['in-person', 'video', 'phone'] as const;
export type Modality = (typeof MODALITIES)[number];

export const APPOINTMENT_STATUSES = ['booked', 'checked-in', 'completed', 'cancelled', 'no-show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Statuses that hold a slot: a cancelled or no-show appointment frees it. */
export const HOLDS_SLOT: ReadonlySet<AppointmentStatus> = new Set(['booked', 'checked-in', 'completed']);

export interface StaffMember extends SyncedRow {
  name: string;
  role: 'physician' | 'nurse' | 'care-coordinator' | 'front-desk';
  active: boolean;
}

export interface Room extends SyncedRow {
  name: string;
  active: boolean;
}

export interface AppointmentType extends SyncedRow {
  name: string;
  durationMin: number;
  modality: Modality;
  active: boolean;
}

export interface Appointment extends SyncedRow {
  patientId: string;
  staffId: string;
  roomId?: string;
  typeId: string;
  modality: Modality;
  startMs: number;
  endMs: number;
  status: AppointmentStatus;
  reason?: string;
  cancelReason?: string;
  checkedInAt?: string;
  /** Meeting link for video visits (from the clinic's provider template). */
  videoUrl?: string;
}

const FIFTEEN_MIN = 15 * 60_000;

export const BookingInput = z
  .object({
    patientId: z.string().min(1, 'choose a patient'),
    staffId: z.string().min(1, 'choose a clinician'),
    roomId: z.string().optional().transform((v) => (v ? v : undefined)),
    typeId: z.string().min(1, 'choose an appointment type'),
    startMs: z.number({ error: 'choose a start time' }).int().refine((v) => v % (5 * 60_000) === 0, 'start on a 5-minute mark'),
    durationMin: z.number().int().min(5, 'at least 5 minutes').max(480, 'at most 8 hours'),
    modality: z.enum(MODALITIES),
    reason: z.string().trim().max(300).optional().transform((v) => (v ? v : undefined)),
  })
  .superRefine((b, ctx) => {
    if (b.modality === 'in-person' && !b.roomId) ctx.addIssue({ code: 'custom', path: ['roomId'], message: 'an in-person visit needs a room' });
  });
export type BookingInput = z.input<typeof BookingInput>;

/** Half-open intervals [a0, a1) and [b0, b1) overlap. */
export function overlaps(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 < b1 && b0 < a1;
}

export type ConflictKind = 'clinician' | 'room' | 'patient';

export interface Conflict {
  kind: ConflictKind;
  appointmentId: string;
  startMs: number;
  endMs: number;
}

/** Which existing appointments a booking would collide with (same clinician, room or patient). */
export function findConflicts(
  booking: { id?: string; patientId: string; staffId: string; roomId?: string; startMs: number; endMs: number },
  existing: readonly Appointment[],
): Conflict[] {
  const out: Conflict[] = [];
  for (const a of existing) {
    if (a.id === booking.id || a.deleted || !HOLDS_SLOT.has(a.status)) continue;
    if (!overlaps(booking.startMs, booking.endMs, a.startMs, a.endMs)) continue;
    if (a.staffId === booking.staffId) out.push({ kind: 'clinician', appointmentId: a.id, startMs: a.startMs, endMs: a.endMs });
    else if (booking.roomId && a.roomId === booking.roomId) out.push({ kind: 'room', appointmentId: a.id, startMs: a.startMs, endMs: a.endMs });
    else if (a.patientId === booking.patientId) out.push({ kind: 'patient', appointmentId: a.id, startMs: a.startMs, endMs: a.endMs });
  }
  return out;
}

/** The first free start for a clinician within working hours, on a 15-minute grid (for automated follow-ups). */
export function firstFreeSlot(
  staffId: string,
  durationMin: number,
  fromMs: number,
  untilMs: number,
  existing: readonly Appointment[],
  workingHours: (dayStartMs: number) => [number, number] | null,
): number | null {
  const taken = existing.filter((a) => a.staffId === staffId && !a.deleted && HOLDS_SLOT.has(a.status)).sort((a, b) => a.startMs - b.startMs);
  const dur = durationMin * 60_000;
  for (let day = Math.floor(fromMs / 86_400_000) * 86_400_000; day < untilMs; day += 86_400_000) {
    const hours = workingHours(day);
    if (!hours) continue;
    const [open, close] = hours;
    for (let t = Math.max(open, Math.ceil(fromMs / FIFTEEN_MIN) * FIFTEEN_MIN); t + dur <= close && t < untilMs; t += FIFTEEN_MIN) {
      if (!taken.some((a) => overlaps(t, t + dur, a.startMs, a.endMs))) return t;
    }
  }
  return null;
}

/** Allowed status changes: staff cannot, for example, check in a cancelled visit. */
const TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  booked: ['checked-in', 'cancelled', 'no-show'],
  'checked-in': ['completed', 'booked'],
  completed: [],
  cancelled: ['booked'],
  'no-show': ['booked'],
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
