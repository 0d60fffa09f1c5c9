import type { Table } from 'dexie';
import type { SyncedRow } from '../../../../common/sync/stamped';
import type { CrmDb } from '../../db/crm-tables';
import type { CareLoopDb } from '../../db/database';
import type { PlannedAction } from './decide';
import type { WorkflowDefinition } from './workflow';

/** A workflow as staff edit it: the definition, synced like any record. */
export type StoredWorkflow = SyncedRow & { definition: WorkflowDefinition };

export const ACTION_STATUSES = ['done', 'withheld', 'refused', 'failed', 'undone'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** What one action of a run did, with the id of what it created (for the timeline and undo). */
export interface ActionResult {
  kind: PlannedAction['kind'];
  status: ActionStatus;
  /** What a person reads: "Task created for Nurse Lee, due …", "withheld: no consent". */
  detail: string;
  /** The message, task or appointment it created. */
  createdId?: string;
  /** For set-risk-tier: the tier before, so undo can restore it. */
  previousTier?: string | null;
  /** When it happened (the timeline shows it then). */
  atMs: number;
  /** Why this action cannot be undone, when it cannot. */
  irreversible?: string;
}

export const RUN_STATUSES = ['scheduled', 'running', 'completed', 'partial', 'withheld', 'failed', 'undone'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * One run of a workflow for one event. The row is written before acting ("running") and
 * never re-run, so a crash mid-run cannot make an event act twice.
 */
export interface WorkflowRunRow extends SyncedRow {
  runKey: string;
  workflowId: string;
  workflowName: string;
  patientId: string;
  /** The event as the workflow saw it (readings histories are left out). */
  event: Record<string, unknown>;
  eventSummary: string;
  planned: PlannedAction[];
  status: RunStatus;
  /** When the actions are (or were) due. */
  dueMs: number;
  createdMs: number;
  finishedMs?: number;
  results: ActionResult[];
  /** "completed", "withheld: no consent", "partial: no free slot …". */
  outcome: string;
  undoneMs?: number;
  undoneBy?: string;
}

export interface WorkflowTables {
  workflows: Table<StoredWorkflow, string>;
  workflowRuns: Table<WorkflowRunRow, string>;
}

export type WorkflowDb = CrmDb & WorkflowTables;

export class WorkflowSchemaMissingError extends Error {
  override readonly name = 'WorkflowSchemaMissingError';
}

/** The app's database as a WorkflowDb, after checking that schema version 8 is in it. */
export function asWorkflowDb(db: CareLoopDb): WorkflowDb {
  const names = new Set(db.tables.map((t) => t.name));
  for (const t of ['tasks', 'enrolments', 'carePrograms', 'workflows', 'workflowRuns']) {
    if (!names.has(t)) throw new WorkflowSchemaMissingError(`The database has no ${t} table: register migration 008 (workflows) in migrations/index.ts.`);
  }
  return db as WorkflowDb;
}

export function hasWorkflowTables(db: CareLoopDb): boolean {
  return db.tables.some((t) => t.name === 'workflowRuns');
}

/** A patient's workflow runs that started in [fromMs, toMs). */
export async function runsForPatient(db: CareLoopDb, patientId: string, fromMs: number, toMs: number): Promise<WorkflowRunRow[]> {
  if (!hasWorkflowTables(db)) return [];
  const table = db.table<WorkflowRunRow, string>('workflowRuns');
  return (await table.where('[patientId+createdMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray()).filter((r) => !r.deleted);
}

/** The most recent runs, newest first, optionally of one workflow. */
export async function recentRuns(db: WorkflowDb, limit: number, workflowId?: string): Promise<WorkflowRunRow[]> {
  const rows = workflowId
    ? await db.workflowRuns.where('[workflowId+createdMs]').between([workflowId, -Infinity], [workflowId, Infinity]).reverse().limit(limit).toArray()
    : await db.workflowRuns.orderBy('createdMs').reverse().limit(limit).toArray();
  return rows.filter((r) => !r.deleted);
}
