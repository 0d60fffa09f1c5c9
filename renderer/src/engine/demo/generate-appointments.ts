import type { PatientRow } from '../../db/database';
import { BookingConflictError, type ScheduleRepository, type ScheduleResources } from '../../db/schedule';
import { seededRandom } from './random';

/**
 * Demo appointments from two weeks ago to three weeks ahead on weekdays, 08:00–17:00
 * local time, booked through the real repository so conflicts are refused as they would
 * be for staff; past ones are completed or a no-show.
 */
export async function bookDemoAppointments(
  repo: ScheduleRepository,
  resources: ScheduleResources,
  patients: readonly PatientRow[],
  count: number,
  seed: number,
  nowMs: number,
  progress: (done: number, total: number) => void,
): Promise<number> {
  const rand = seededRandom(seed);
  const clinicians = resources.staff.filter((s) => s.role === 'physician' || s.role === 'nurse');
  if (!clinicians.length || !patients.length) return 0;
  let booked = 0;
  for (let i = 0; i < count * 2 && booked < count; i++) {
    const day = new Date(nowMs);
    day.setHours(0, 0, 0, 0);
    day.setDate(day.getDate() + Math.floor(rand() * 35) - 14);
    if (day.getDay() === 0 || day.getDay() === 6) continue;
    const startMs = day.getTime() + (8 * 60 + Math.floor(rand() * 36) * 15) * 60_000;
    const type = resources.types[Math.floor(rand() * resources.types.length)]!;
    const patient = patients[Math.floor(rand() * patients.length)]!;
    try {
      const a = await repo.book({
        patientId: patient.id,
        staffId: clinicians[Math.floor(rand() * clinicians.length)]!.id,
        roomId: type.modality === 'in-person' ? resources.rooms[Math.floor(rand() * resources.rooms.length)]!.id : undefined,
        typeId: type.id,
        startMs,
        durationMin: type.durationMin,
        modality: type.modality,
        reason: type.name === 'Remote monitoring review' ? 'Monthly review of home readings' : undefined,
      });
      if (a.endMs < nowMs) await repo.setStatus(a.id, rand() < 0.9 ? 'checked-in' : 'no-show').then((x) => (x.status === 'checked-in' ? repo.setStatus(a.id, 'completed') : x));
      booked++;
      progress(booked, count);
    } catch (err) {
      if (!(err instanceof BookingConflictError)) throw err;
    }
  }
  return booked;
}
