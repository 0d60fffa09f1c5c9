import type { WriteContext } from '../../db/journal';
import { updateRow } from '../../db/synced-rows';
import type { StoredWorkflow, WorkflowDb } from './store';
import { parseWorkflow, WorkflowValidationError, type WorkflowDefinition } from './workflow';

export class WorkflowNotFoundError extends Error {
  override readonly name = 'WorkflowNotFoundError';
}

/** The clinic's workflows, by name. */
export async function listWorkflows(db: WorkflowDb): Promise<StoredWorkflow[]> {
  return (await db.workflows.toArray()).filter((w) => !w.deleted).sort((a, b) => a.definition.name.localeCompare(b.definition.name));
}

/**
 * Saves an edited definition: validated as a whole (nothing half-valid is stored), the
 * key kept, audited and queued for sync. The runner reads workflows afresh for every
 * event, so the change applies from the next one.
 */
export async function updateWorkflow(db: WorkflowDb, ctx: WriteContext, id: string, input: unknown): Promise<StoredWorkflow> {
  const definition = parseWorkflow(input);
  return db.transaction('rw', [db.workflows, db.audit, db.outbox, db.meta], async () => {
    const before = await db.workflows.get(id);
    if (!before || before.deleted) throw new WorkflowNotFoundError('That workflow no longer exists.');
    if (definition.key !== before.definition.key) throw new WorkflowValidationError({ key: 'cannot be changed' });
    return updateRow<StoredWorkflow>(db, ctx, db.workflows, before, { definition }, { action: 'workflow.update', entity: 'workflow' });
  });
}

export async function setWorkflowEnabled(db: WorkflowDb, ctx: WriteContext, id: string, enabled: boolean): Promise<StoredWorkflow> {
  const before = await db.workflows.get(id);
  if (!before || before.deleted) throw new WorkflowNotFoundError('That workflow no longer exists.');
  const next: WorkflowDefinition = { ...before.definition, enabled };
  return updateWorkflow(db, ctx, id, next);
}
