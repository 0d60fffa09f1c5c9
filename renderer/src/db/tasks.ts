import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { StaffMember } from '../../../common/schedule/appointment';
import { ACTIVE_TASK_STATUSES, canMoveTask, compareWorklist, TaskChange, TaskInput, type Task, type TaskStatus } from '../../../common/tasks/task';
import type { CrmDb } from './crm-tables';
import type { WriteContext } from './journal';
import { insertRow, updateRow } from './synced-rows';

export class TaskValidationError extends Error {
  override readonly name = 'TaskValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

/** The task is gone or cannot make the requested change (e.g. finish a cancelled task). */
export class TaskStateError extends Error {
  override readonly name = 'TaskStateError';
}

/** Tasks: validated, one transaction per write, audited and queued for sync. */
export class TaskRepository {
  constructor(
    private readonly db: CrmDb,
    private readonly ctx: WriteContext,
  ) {}

  private get tables() {
    const { db } = this;
    return [db.tasks, db.staff, db.patients, db.audit, db.outbox, db.meta];
  }

  private async checkRefs(assigneeStaffId: string | undefined, patientId: string | undefined): Promise<void> {
    if (assigneeStaffId !== undefined) {
      const staff = await this.db.staff.get(assigneeStaffId);
      if (!staff || staff.deleted || !staff.active) throw new TaskValidationError({ assigneeStaffId: 'is not an active member of staff' });
    }
    if (patientId !== undefined) {
      const patient = await this.db.patients.get(patientId);
      if (!patient || patient.deleted) throw new TaskValidationError({ patientId: 'is not a patient on this workstation' });
    }
  }

  async create(input: TaskInput): Promise<Task> {
    const parsed = TaskInput.safeParse(input);
    if (!parsed.success) throw new TaskValidationError(fieldErrors(parsed.error));
    const t = parsed.data;
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      await this.checkRefs(t.assigneeStaffId, t.patientId);
      return insertRow<Task>(
        db,
        ctx,
        db.tasks,
        {
          ...(t.patientId ? { patientId: t.patientId } : {}),
          title: t.title,
          ...(t.details ? { details: t.details } : {}),
          assigneeStaffId: t.assigneeStaffId,
          dueMs: t.dueMs,
          priority: t.priority,
          status: 'open',
          source: t.source,
        } as Omit<Task, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>,
        { action: 'task.create', entity: 'task', ...(t.patientId ? { patientId: t.patientId } : {}) },
      );
    });
  }

  async update(id: string, change: TaskChange): Promise<Task> {
    const parsed = TaskChange.safeParse(change);
    if (!parsed.success) throw new TaskValidationError(fieldErrors(parsed.error));
    const c = parsed.data;
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const before = await this.live(id);
      await this.checkRefs(c.assigneeStaffId, undefined);
      const patch: Partial<Task> = {};
      if (c.title !== undefined) patch.title = c.title;
      if (c.details !== undefined) patch.details = c.details || undefined;
      if (c.assigneeStaffId !== undefined) patch.assigneeStaffId = c.assigneeStaffId;
      if (c.dueMs !== undefined) patch.dueMs = c.dueMs;
      if (c.priority !== undefined) patch.priority = c.priority;
      return updateRow(db, ctx, db.tasks, before, patch, { action: 'task.update', entity: 'task', ...(before.patientId ? { patientId: before.patientId } : {}) });
    });
  }

  /** Moves a task along open → in progress → done (or cancelled); done and cancelled tasks can be reopened. */
  async setStatus(id: string, status: TaskStatus, reason?: string): Promise<Task> {
    const { db, ctx } = this;
    return db.transaction('rw', this.tables, async () => {
      const before = await this.live(id);
      if (before.status === status) return before;
      if (!canMoveTask(before.status, status)) throw new TaskStateError(`A ${before.status} task cannot become ${status}.`);
      const patch: Partial<Task> = { status, completedMs: status === 'done' ? Date.now() : undefined };
      return updateRow(db, ctx, db.tasks, before, patch, { action: 'task.status', entity: 'task', ...(before.patientId ? { patientId: before.patientId } : {}), ...(reason ? { reason } : {}) });
    });
  }

  complete(id: string): Promise<Task> {
    return this.setStatus(id, 'done');
  }

  private async live(id: string): Promise<Task> {
    const t = await this.db.tasks.get(id);
    if (!t || t.deleted) throw new TaskStateError('That task no longer exists.');
    return t;
  }
}

/**
 * A worklist: tasks still to do (open or in progress), overdue first, then by due time and
 * priority. With an assignee, only theirs; without, everyone's.
 */
export async function worklist(db: CrmDb, o: { assigneeStaffId?: string; nowMs: number }): Promise<Task[]> {
  const rows = o.assigneeStaffId
    ? await db.tasks.where('[assigneeStaffId+status]').anyOf(ACTIVE_TASK_STATUSES.map((s) => [o.assigneeStaffId!, s])).toArray()
    : (await Promise.all(ACTIVE_TASK_STATUSES.map((s) => db.tasks.where('[status+dueMs]').between([s, -Infinity], [s, Infinity]).toArray()))).flat();
  return rows.filter((t) => !t.deleted && ACTIVE_TASK_STATUSES.includes(t.status)).sort(compareWorklist(o.nowMs));
}

/** A patient's tasks: the ones to do in worklist order, then finished ones, most recent first. */
export async function tasksForPatient(db: CrmDb, patientId: string, nowMs: number): Promise<{ todo: Task[]; finished: Task[] }> {
  const rows = (await db.tasks.where('[patientId+dueMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray()).filter((t) => !t.deleted);
  return {
    todo: rows.filter((t) => ACTIVE_TASK_STATUSES.includes(t.status)).sort(compareWorklist(nowMs)),
    finished: rows.filter((t) => !ACTIVE_TASK_STATUSES.includes(t.status)).sort((a, b) => (b.completedMs ?? b.dueMs) - (a.completedMs ?? a.dueMs)),
  };
}

/** The staff row of the signed-in user (matched by name until sign-in with users arrives). */
export async function staffMemberNamed(db: CrmDb, name: string): Promise<StaffMember | undefined> {
  const rows = await db.staff.where('name').equals(name).toArray();
  return rows.find((s) => s.active && !s.deleted);
}
