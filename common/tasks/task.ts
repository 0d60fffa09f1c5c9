import { z } from 'zod';
import type { SyncedRow } from '../sync/stamped';

export const TASK_PRIORITIES = ['high', 'medium', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses that still ask someone to act: they appear on worklists. */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = ['open', 'in-progress'];

/** Where a task came from: staff, a workflow (with the rule that made it), or an alert. */
export type TaskSource = { kind: 'manual' } | { kind: 'workflow'; workflowId: string; name: string } | { kind: 'alert'; alertId: string };

export interface Task extends SyncedRow {
  /** A task may be about no patient (restock cuffs, call the device vendor). */
  patientId?: string;
  title: string;
  details?: string;
  /** A row of the schedule's staff table. */
  assigneeStaffId: string;
  dueMs: number;
  priority: TaskPriority;
  status: TaskStatus;
  source: TaskSource;
  completedMs?: number;
}

const optionalText = (max: number, what: string) =>
  z.string().trim().max(max, `${what} must be at most ${max} characters`).optional().transform((v) => (v ? v : undefined));

export const TaskSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }),
  z.object({ kind: z.literal('workflow'), workflowId: z.string().min(1, 'name the workflow'), name: z.string().trim().min(1, 'name the workflow').max(120) }),
  z.object({ kind: z.literal('alert'), alertId: z.string().min(1, 'name the alert') }),
]);

export const TaskInput = z.object({
  patientId: z.string().optional().transform((v) => (v ? v : undefined)),
  title: z.string().trim().min(1, 'say what needs doing').max(160, 'keep the title under 160 characters'),
  details: optionalText(2000, 'details'),
  assigneeStaffId: z.string().min(1, 'assign the task to someone'),
  dueMs: z.number({ error: 'choose when it is due' }).int('choose when it is due'),
  priority: z.enum(TASK_PRIORITIES, { error: 'choose high, medium or low priority' }).default('medium'),
  source: TaskSourceSchema.default({ kind: 'manual' }),
});
export type TaskInput = z.input<typeof TaskInput>;

/** What can change on an existing task (status has its own transitions). */
export const TaskChange = z.object({
  title: z.string().trim().min(1, 'say what needs doing').max(160, 'keep the title under 160 characters').optional(),
  details: z.string().trim().max(2000, 'details must be at most 2000 characters').optional(),
  assigneeStaffId: z.string().min(1, 'assign the task to someone').optional(),
  dueMs: z.number().int('choose when it is due').optional(),
  priority: z.enum(TASK_PRIORITIES, { error: 'choose high, medium or low priority' }).optional(),
});
export type TaskChange = z.input<typeof TaskChange>;

const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  open: ['in-progress', 'done', 'cancelled'],
  'in-progress': ['open', 'done', 'cancelled'],
  done: ['open'],
  cancelled: ['open'],
};

export function canMoveTask(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

const PRIORITY_RANK: Record<TaskPriority, number> = { high: 0, medium: 1, low: 2 };

export function isOverdue(t: Pick<Task, 'dueMs' | 'status'>, nowMs: number): boolean {
  return ACTIVE_TASK_STATUSES.includes(t.status) && t.dueMs < nowMs;
}

/**
 * Worklist order: overdue tasks first (longest overdue first), then by due time; at the
 * same due time, higher priority first. Stable for equal keys.
 */
export function compareWorklist(nowMs: number): (a: Pick<Task, 'dueMs' | 'status' | 'priority'>, b: Pick<Task, 'dueMs' | 'status' | 'priority'>) => number {
  return (a, b) => {
    const ao = isOverdue(a, nowMs) ? 0 : 1;
    const bo = isOverdue(b, nowMs) ? 0 : 1;
    if (ao !== bo) return ao - bo;
    if (a.dueMs !== b.dueMs) return a.dueMs - b.dueMs;
    return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  };
}
