import { findConflicts, type Appointment } from '../../../../common/schedule/appointment';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { ScheduleRepository, ScheduleResources } from '../../db/schedule';
import { seededRandom } from './random';

const DAY = 86_400_000;

type Booking = Parameters<ScheduleRepository['book']>[0];

/**
 * Where demo appointments go: weekdays 08:00–17:00 local time from `historyDays` ago (at
 * least two weeks) to three weeks ahead, on a 15-minute grid, never colliding with each
 * other or with what `existing` already holds (clinician, room or patient), by the same
 * conflict rule the schedule repository applies. Deterministic for a seed and `nowMs`.
 */
export function planDemoAppointments(
  resources: ScheduleResources,
  patients: readonly Pick<PatientRow, 'id'>[],
  existing: readonly Appointment[],
  o: { count: number; seed: number; historyDays: number; nowMs: number },
): Booking[] {
  const rand = seededRandom(o.seed);
  const clinicians = resources.staff.filter((s) => s.role === 'physician' || s.role === 'nurse');
  if (!clinicians.length || !patients.length || !resources.types.length) return [];
  const back = Math.max(14, o.historyDays);
  const byDay = new Map<number, Appointment[]>();
  const dayOf = (ms: number) => Math.floor(ms / DAY);
  const hold = (a: Appointment) => {
    const list = byDay.get(dayOf(a.startMs)) ?? [];
    list.push(a);
    byDay.set(dayOf(a.startMs), list);
  };
  existing.forEach(hold);
  const out: Booking[] = [];
  for (let i = 0; i < o.count * 2 && out.length < o.count; i++) {
    const day = new Date(o.nowMs);
    day.setHours(0, 0, 0, 0);
    day.setDate(day.getDate() + Math.floor(rand() * (back + 21)) - back);
    if (day.getDay() === 0 || day.getDay() === 6) continue;
    const startMs = day.getTime() + (8 * 60 + Math.floor(rand() * 36) * 15) * 60_000;
    const type = resources.types[Math.floor(rand() * resources.types.length)]!;
    const patient = patients[Math.floor(rand() * patients.length)]!;
    const staffId = clinicians[Math.floor(rand() * clinicians.length)]!.id;
    const roomId = type.modality === 'in-person' ? resources.rooms[Math.floor(rand() * resources.rooms.length)]!.id : undefined;
    const endMs = startMs + type.durationMin * 60_000;
    const candidate = { id: `planned-${i}`, patientId: patient.id, staffId, ...(roomId ? { roomId } : {}), startMs, endMs };
    // Neighbouring days too: a visit never crosses midnight, but local and UTC days differ.
    const nearby = [dayOf(startMs) - 1, dayOf(startMs), dayOf(startMs) + 1].flatMap((d) => byDay.get(d) ?? []);
    if (findConflicts(candidate, nearby).length) continue;
    hold({ ...candidate, typeId: type.id, modality: type.modality, status: 'booked', clinicId: '', createdAt: '', updatedAt: '', deleted: false, stamps: {} });
    out.push({
      patientId: patient.id,
      staffId,
      roomId,
      typeId: type.id,
      startMs,
      durationMin: type.durationMin,
      modality: type.modality,
      reason: type.name === 'Remote monitoring review' ? 'Monthly review of home readings' : undefined,
    });
  }
  return out;
}

/**
 * Books the planned demo appointments through the real repository (which checks conflicts
 * again), many per transaction; past ones are completed, or a no-show, as the day went.
 */
export async function bookDemoAppointments(
  db: CareLoopDb,
  repo: ScheduleRepository,
  resources: ScheduleResources,
  patients: readonly PatientRow[],
  o: { count: number; seed: number; historyDays: number; nowMs: number },
  progress: (done: number, total: number) => void,
): Promise<number> {
  const from = o.nowMs - (Math.max(14, o.historyDays) + 2) * DAY;
  const existing = await db.appointments.where('startMs').between(from, o.nowMs + 23 * DAY).toArray();
  const plan = planDemoAppointments(resources, patients, existing, o);
  const rand = seededRandom(o.seed ^ 0x5bd1e995);
  const CHUNK = 100;
  for (let i = 0; i < plan.length; i += CHUNK) {
    // The repository's own transactions join this one: one commit per chunk.
    await db.transaction('rw', [db.appointments, db.appointmentTypes, db.audit, db.outbox, db.meta], async () => {
      for (const b of plan.slice(i, i + CHUNK)) {
        const a = await repo.book(b);
        if (a.endMs >= o.nowMs) continue;
        if (rand() < 0.9) {
          await repo.setStatus(a.id, 'checked-in');
          await repo.setStatus(a.id, 'completed');
        } else await repo.setStatus(a.id, 'no-show');
      }
    });
    progress(Math.min(i + CHUNK, plan.length), plan.length);
  }
  return plan.length;
}
