import { MONITORING_TAG } from '../../../../common/programs/program';
import type { StaffMember } from '../../../../common/schedule/appointment';
import type { CrmDb } from '../../db/crm-tables';
import type { PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { TaskRepository } from '../../db/tasks';
import { logTimeMany } from '../../db/time-log';
import type { TimeLogInput } from '../../../../common/billing/time-log';
import { planRpmWork, serviceDate, type PlannedTime } from './plan-rpm-work';
import { seededRandom, seedFor } from './random';

const DAY = 86_400_000;

/** The nurse who works a patient's monitoring: the care team's nurse on staff, else any active nurse. */
export function nurseFor(p: PatientRow, staff: readonly StaffMember[]): StaffMember | undefined {
  const nurses = staff.filter((s) => s.active && !s.deleted && s.role === 'nurse');
  return nurses.find((s) => p.careTeam.some((m) => m.name === s.name)) ?? nurses[0];
}

/**
 * The remote-monitoring worklist's history for the monitored demo patients: the time staff
 * logged (through the time-log repository) and the tasks still to do (through the task
 * repository), many patients per transaction. Returns the calls made, per patient, so the
 * message thread can show them as logged phone calls.
 */
export async function recordDemoWorklist(
  db: CrmDb,
  ctx: WriteContext,
  patients: readonly PatientRow[],
  o: { seed: number; historyStartMs: number; endMs: number },
  progress: (done: number, total: number) => void,
): Promise<{ timeEntries: number; tasks: number; calls: Map<string, PlannedTime[]> }> {
  const staff = (await db.staff.toArray()).filter((s) => s.active && !s.deleted);
  const tasks = new TaskRepository(db, ctx);
  const monitored = patients.filter((p) => p.tags.includes(MONITORING_TAG));
  const calls = new Map<string, PlannedTime[]>();
  let timeEntries = 0;
  let taskCount = 0;
  const CHUNK = 100;
  for (let i = 0; i < monitored.length; i += CHUNK) {
    const chunk = monitored.slice(i, i + CHUNK);
    // The repositories' own transactions join this one: one commit per chunk.
    await db.transaction('rw', [db.timeLog, db.tasks, db.patients, db.staff, db.audit, db.outbox, db.meta], async () => {
      const logged: TimeLogInput[] = [];
      for (const p of chunk) {
        const nurse = nurseFor(p, staff);
        if (!nurse) continue;
        const plan = planRpmWork(p.mrn, o.seed, o.historyStartMs, o.endMs);
        logged.push(...plan.time.map((t): TimeLogInput => ({ patientId: p.id, staffId: nurse.id, staffName: nurse.name, minutes: t.minutes, date: serviceDate(t.atMs), activity: t.activity, note: t.note })));
        calls.set(p.id, plan.time.filter((t) => t.activity === 'interactive-call'));
        const rand = seededRandom(seedFor(o.seed, `tasks:${p.mrn}`));
        await tasks.create({ patientId: p.id, title: 'Monthly remote-monitoring review', details: 'Review the home readings of this period and log the time.', assigneeStaffId: nurse.id, dueMs: o.endMs + Math.floor(rand() * 14) * DAY, priority: 'medium' });
        taskCount++;
        if (plan.behind) {
          await tasks.create({ patientId: p.id, title: 'Call the patient: few readings and no call this month', assigneeStaffId: nurse.id, dueMs: o.endMs - Math.floor(1 + rand() * 5) * DAY, priority: 'high' });
          taskCount++;
        }
      }
      timeEntries += (await logTimeMany(db, ctx, logged)).length;
    });
    progress(Math.min(i + CHUNK, monitored.length), monitored.length);
  }
  return { timeEntries, tasks: taskCount, calls };
}
