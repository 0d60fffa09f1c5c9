import type { WriteContext } from '../../db/journal';
import { PatientRepository } from '../../db/patients';
import { AppointmentStateError, ScheduleRepository } from '../../db/schedule';
import { TaskRepository, TaskStateError } from '../../db/tasks';
import { updateRow } from '../../db/synced-rows';
import type { ActionResult, WorkflowDb, WorkflowRunRow } from './store';
import { RISK_TIERS, withRiskTier, type RiskTier } from './workflow';

export class WorkflowUndoError extends Error {
  override readonly name = 'WorkflowUndoError';
}

export interface UndoReport {
  run: WorkflowRunRow;
  undone: ActionResult[];
  /** What stays as it was, and why (a sent message cannot be unsent). */
  kept: { kind: ActionResult['kind']; why: string }[];
}

const REVERSIBLE = new Set<ActionResult['kind']>(['create-task', 'book-follow-up', 'set-risk-tier']);

/** Whether undo would change anything: a task, a booking or a risk tier that the run made. */
export function canUndo(run: Pick<WorkflowRunRow, 'status' | 'results'>): boolean {
  return run.status !== 'undone' && run.results.some((r) => r.status === 'done' && REVERSIBLE.has(r.kind) && !!(r.createdId || r.kind === 'set-risk-tier'));
}

/**
 * Undoes what a run did where that makes sense: its task is cancelled, its booking is
 * cancelled (freeing the slot), its risk tier is put back. Messages and care-team notes
 * stay: they have left, or been read, and cannot be unsent. Each step is audited by the
 * repository that makes it; the run records who undid it and when.
 */
export async function undoRun(db: WorkflowDb, ctx: WriteContext, runId: string): Promise<UndoReport> {
  const run = await db.workflowRuns.get(runId);
  if (!run || run.deleted) throw new WorkflowUndoError('That workflow run does not exist on this workstation.');
  if (run.status === 'undone') throw new WorkflowUndoError('That run has already been undone.');
  if (run.status === 'scheduled' || run.status === 'running') throw new WorkflowUndoError('That run has not finished yet.');
  const reason = `undone: ${run.workflowName}`;
  const undone: ActionResult[] = [];
  const kept: UndoReport['kept'] = [];
  const results: ActionResult[] = [];
  for (const r of run.results) {
    if (r.status !== 'done') {
      results.push(r);
      continue;
    }
    const why = await undoOne(db, ctx, run, r, reason);
    if (why) {
      kept.push({ kind: r.kind, why });
      results.push(r);
    } else {
      const next = { ...r, status: 'undone' as const };
      undone.push(next);
      results.push(next);
    }
  }
  if (!undone.length) throw new WorkflowUndoError(`Nothing to undo: ${kept.map((k) => k.why).join('; ') || 'the run did nothing that can be undone'}.`);
  const updated = await db.transaction('rw', [db.workflowRuns, db.audit, db.outbox, db.meta], () =>
    updateRow<WorkflowRunRow>(db, ctx, db.workflowRuns, run, { results, status: 'undone', undoneMs: Date.now(), undoneBy: ctx.actor }, { action: 'workflow.undo', entity: 'workflow-run', patientId: run.patientId, reason }),
  );
  return { run: updated, undone, kept };
}

/** Undoes one action; returns why it was kept, or undefined when it was undone. */
async function undoOne(db: WorkflowDb, ctx: WriteContext, run: WorkflowRunRow, r: ActionResult, reason: string): Promise<string | undefined> {
  switch (r.kind) {
    case 'send-message':
    case 'notify-care-team':
      return r.irreversible ?? 'a sent message cannot be unsent';
    case 'create-task':
      if (!r.createdId) return 'the task is not known';
      try {
        await new TaskRepository(db, ctx).setStatus(r.createdId, 'cancelled', reason);
        return undefined;
      } catch (err) {
        if (err instanceof TaskStateError) return `the task could not be cancelled: ${err.message}`;
        throw err;
      }
    case 'book-follow-up':
      if (!r.createdId) return 'the appointment is not known';
      try {
        await new ScheduleRepository(db, ctx).setStatus(r.createdId, 'cancelled', reason);
        return undefined;
      } catch (err) {
        if (err instanceof AppointmentStateError) return `the follow-up could not be cancelled: ${err.message}`;
        throw err;
      }
    case 'set-risk-tier': {
      const patients = new PatientRepository(db, ctx);
      const patient = await patients.get(run.patientId);
      if (!patient) return 'the patient is no longer on this workstation';
      const previous = (RISK_TIERS as readonly string[]).includes(r.previousTier ?? '') ? (r.previousTier as RiskTier) : undefined;
      const fields = PatientRepository.editable(patient);
      await patients.update(patient.id, { ...fields, tags: withRiskTier(fields.tags, previous) });
      return undefined;
    }
  }
}
