import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { firstFreeSlot } from '../../../common/schedule/appointment';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import {
  AppointmentStateError,
  BookingConflictError,
  BookingValidationError,
  ScheduleRepository,
  ensureScheduleDefaults,
  loadScheduleResources,
  type ScheduleResources,
} from '../../../renderer/src/db/schedule';

let db: CareLoopDb;
let repo: ScheduleRepository;
let res: ScheduleResources;
let n = 0;
const NINE = Date.UTC(2026, 11, 1, 9, 0);
const MIN = 60_000;

beforeEach(async () => {
  db = new CareLoopDb(`sched-${n++}`);
  await db.open();
  const ctx: WriteContext = { actor: 'Front desk', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  await ensureScheduleDefaults(db, ctx, [
    { name: 'Dr. Okafor', role: 'physician' },
    { name: 'Dr. Santos', role: 'physician' },
  ]);
  res = await loadScheduleResources(db);
  repo = new ScheduleRepository(db, ctx);
});

const followUp = () => res.types.find((t) => t.name === 'Follow-up')!;
const booking = (over: Partial<Parameters<ScheduleRepository['book']>[0]> = {}) => ({
  patientId: 'p1',
  staffId: res.staff[0]!.id,
  roomId: res.rooms[0]!.id,
  typeId: followUp().id,
  startMs: NINE,
  durationMin: 20,
  modality: 'in-person' as const,
  ...over,
});

describe('schedule', () => {
  it('creates defaults once', async () => {
    expect(res.types.map((t) => t.name)).toContain('Remote monitoring review');
    expect(res.rooms).toHaveLength(4);
    expect(res.staff.map((s) => s.name)).toEqual(['Dr. Okafor', 'Dr. Santos']);
  });

  it('books, and refuses a clinician, room or patient conflict without writing', async () => {
    const a = await repo.book(booking());
    expect(a).toMatchObject({ status: 'booked', endMs: NINE + 20 * MIN });
    const clinician = await repo.book(booking({ patientId: 'p2', roomId: res.rooms[1]!.id, startMs: NINE + 10 * MIN })).catch((e: unknown) => e);
    expect(clinician).toBeInstanceOf(BookingConflictError);
    expect((clinician as BookingConflictError).message).toMatch(/clinician is busy/);
    const room = await repo.book(booking({ patientId: 'p2', staffId: res.staff[1]!.id, startMs: NINE + 15 * MIN })).catch((e: unknown) => e);
    expect((room as BookingConflictError).conflicts[0]!.kind).toBe('room');
    const patient = await repo.book(booking({ staffId: res.staff[1]!.id, roomId: res.rooms[2]!.id, startMs: NINE + 5 * MIN })).catch((e: unknown) => e);
    expect((patient as BookingConflictError).conflicts[0]!.kind).toBe('patient');
    // Back-to-back is fine.
    await repo.book(booking({ patientId: 'p3', startMs: NINE + 20 * MIN }));
    expect(await db.appointments.count()).toBe(2);
  });

  it('validates bookings with per-field messages', async () => {
    const err = await repo.book(booking({ roomId: undefined, startMs: NINE + 3 * MIN })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BookingValidationError);
    expect((err as BookingValidationError).fields).toMatchObject({ startMs: 'start on a 5-minute mark', roomId: 'an in-person visit needs a room' });
  });

  it('moves an appointment, refusing a move onto a taken slot', async () => {
    const a = await repo.book(booking());
    const b = await repo.book(booking({ patientId: 'p2', startMs: NINE + 60 * MIN }));
    await expect(repo.reschedule(b.id, { startMs: NINE + 10 * MIN })).rejects.toBeInstanceOf(BookingConflictError);
    const moved = await repo.reschedule(a.id, { startMs: NINE + 120 * MIN });
    expect(moved.startMs).toBe(NINE + 120 * MIN);
    expect(moved.endMs).toBe(NINE + 140 * MIN);
    const audit = await db.audit.where('action').equals('appointment.reschedule').toArray();
    expect(audit[0]!.changes!.startMs).toEqual({ before: NINE, after: NINE + 120 * MIN });
  });

  it('frees the slot on cancel and on no-show; follows allowed transitions only', async () => {
    const a = await repo.book(booking());
    await repo.setStatus(a.id, 'cancelled', 'patient unwell');
    expect((await db.appointments.get(a.id))!.cancelReason).toBe('patient unwell');
    const b = await repo.book(booking({ patientId: 'p2' }));
    await expect(repo.setStatus(a.id, 'booked')).rejects.toBeInstanceOf(BookingConflictError);
    await expect(repo.setStatus(a.id, 'checked-in')).rejects.toBeInstanceOf(AppointmentStateError);
    await repo.setStatus(b.id, 'checked-in');
    await repo.setStatus(b.id, 'completed');
    await expect(repo.reschedule(b.id, { startMs: NINE + 60 * MIN })).rejects.toThrow(/completed appointment cannot be moved/);
  });

  it('finds the first free slot within working hours', async () => {
    const staffId = res.staff[0]!.id;
    await repo.book(booking({ startMs: NINE }));
    await repo.book(booking({ patientId: 'p2', startMs: NINE + 20 * MIN, roomId: res.rooms[1]!.id }));
    const all = await db.appointments.toArray();
    const hours = (day: number): [number, number] => [day + 9 * 60 * MIN, day + 17 * 60 * MIN];
    expect(firstFreeSlot(staffId, 20, NINE, NINE + 86_400_000, all, hours)).toBe(NINE + 45 * MIN);
  });
});
