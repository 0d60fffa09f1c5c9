import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { compareWorklist, isOverdue } from '../../../common/tasks/task';
import { staffMemberNamed, TaskRepository, tasksForPatient, TaskStateError, TaskValidationError, worklist } from '../../../renderer/src/db/tasks';
import { openCrmFixture, type CrmFixture } from './crm-test-db';

let f: CrmFixture;
let repo: TaskRepository;
const NOW = Date.parse('2026-03-10T15:00:00Z');
const H = 3_600_000;

beforeEach(async () => {
  f = await openCrmFixture('tasks');
  repo = new TaskRepository(f.db, f.ctx);
});

describe('tasks', () => {
  it('creates a validated task, audited and queued for sync', async () => {
    const t = await repo.create({ patientId: f.patient.id, title: '  Call about BP readings ', assigneeStaffId: f.nurseId, dueMs: NOW + H, priority: 'high' });
    expect(t).toMatchObject({ title: 'Call about BP readings', status: 'open', priority: 'high', source: { kind: 'manual' }, patientId: f.patient.id });
    const audit = await f.db.audit.where('action').equals('task.create').toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityId: t.id, patientId: f.patient.id });
    const out = await f.db.outbox.where('[table+rowId]').equals(['tasks', t.id]).toArray();
    expect(Object.keys(out[0]!.fields)).toEqual(expect.arrayContaining(['title', 'assigneeStaffId', 'dueMs', 'priority', 'status', 'source']));
  });

  it('refuses bad input with one message per field, and unknown staff or patients', async () => {
    const err = await repo.create({ title: ' ', assigneeStaffId: '', dueMs: Number.NaN, priority: 'urgent' as 'high' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskValidationError);
    expect((err as TaskValidationError).fields).toMatchObject({ title: 'say what needs doing', assigneeStaffId: 'assign the task to someone', priority: 'choose high, medium or low priority' });
    expect((err as TaskValidationError).fields.dueMs).toBeDefined();
    await expect(repo.create({ title: 'x', assigneeStaffId: 'nobody', dueMs: NOW })).rejects.toThrow(/assigneeStaffId is not an active member of staff/);
    await expect(repo.create({ title: 'x', assigneeStaffId: f.nurseId, dueMs: NOW, patientId: 'ghost' })).rejects.toThrow(/patientId is not a patient/);
    expect(await f.db.tasks.count()).toBe(0);
  });

  it('keeps where a task came from (workflow, alert)', async () => {
    const w = await repo.create({ title: 'Follow up high reading', assigneeStaffId: f.doctorId, dueMs: NOW, source: { kind: 'workflow', workflowId: 'wf-1', name: 'High alert → task' } });
    expect(w.source).toEqual({ kind: 'workflow', workflowId: 'wf-1', name: 'High alert → task' });
    const a = await repo.create({ title: 'Review alert', assigneeStaffId: f.doctorId, dueMs: NOW, source: { kind: 'alert', alertId: 'al-9' } });
    expect(a.source).toEqual({ kind: 'alert', alertId: 'al-9' });
  });

  it('moves through its statuses; done stamps the completion time and reopening clears it', async () => {
    const t = await repo.create({ title: 'Send cuff', assigneeStaffId: f.nurseId, dueMs: NOW });
    const before = Date.now();
    const done = await repo.complete(t.id);
    expect(done.status).toBe('done');
    expect(done.completedMs).toBeGreaterThanOrEqual(before);
    await expect(repo.setStatus(t.id, 'in-progress')).rejects.toBeInstanceOf(TaskStateError);
    const reopened = await repo.setStatus(t.id, 'open', 'not sent after all');
    expect(reopened.completedMs).toBeUndefined();
    const cancelled = await repo.setStatus(t.id, 'cancelled');
    await expect(repo.complete(cancelled.id)).rejects.toThrow('A cancelled task cannot become done.');
    const statusAudit = await f.db.audit.where('action').equals('task.status').toArray();
    expect(statusAudit.map((a) => a.changes?.status?.after)).toEqual(['done', 'open', 'cancelled']);
    expect(statusAudit[1]!.reason).toBe('not sent after all');
  });

  it('updates assignee, due time and priority, recording only what changed', async () => {
    const t = await repo.create({ title: 'Review log', assigneeStaffId: f.nurseId, dueMs: NOW });
    const u = await repo.update(t.id, { assigneeStaffId: f.doctorId, priority: 'low' });
    expect(u).toMatchObject({ assigneeStaffId: f.doctorId, priority: 'low', dueMs: NOW });
    const [audit] = await f.db.audit.where('action').equals('task.update').toArray();
    expect(Object.keys(audit!.changes!).sort()).toEqual(['assigneeStaffId', 'priority']);
    await expect(repo.update(t.id, { assigneeStaffId: 'ghost' })).rejects.toBeInstanceOf(TaskValidationError);
    await expect(repo.update('missing', { priority: 'high' })).rejects.toBeInstanceOf(TaskStateError);
  });
});

describe('worklists', () => {
  it('orders a user’s open tasks: overdue first, then by due time, then priority', async () => {
    const mk = (title: string, dueMs: number, priority: 'high' | 'medium' | 'low', assignee = f.nurseId) => repo.create({ title, assigneeStaffId: assignee, dueMs, priority });
    await mk('later low', NOW + 5 * H, 'low');
    await mk('later high', NOW + 5 * H, 'high');
    await mk('overdue by 1h', NOW - H, 'low');
    await mk('overdue by 2 days', NOW - 48 * H, 'medium');
    await mk('soon', NOW + H, 'medium');
    await mk('someone else’s', NOW - 3 * H, 'high', f.doctorId);
    const finished = await mk('finished', NOW - 10 * H, 'high');
    await repo.complete(finished.id);
    const inProgress = await mk('in progress', NOW + 2 * H, 'medium');
    await repo.setStatus(inProgress.id, 'in-progress');

    const mine = await worklist(f.db, { assigneeStaffId: f.nurseId, nowMs: NOW });
    expect(mine.map((t) => t.title)).toEqual(['overdue by 2 days', 'overdue by 1h', 'soon', 'in progress', 'later high', 'later low']);
    const all = await worklist(f.db, { nowMs: NOW });
    expect(all.map((t) => t.title)).toEqual(['overdue by 2 days', 'someone else’s', 'overdue by 1h', 'soon', 'in progress', 'later high', 'later low']);
    expect(isOverdue({ dueMs: NOW - 1, status: 'done' }, NOW)).toBe(false);
    expect([{ dueMs: NOW, status: 'open' as const, priority: 'low' as const }, { dueMs: NOW, status: 'open' as const, priority: 'high' as const }].sort(compareWorklist(NOW))[0]!.priority).toBe('high');
  });

  it('lists a patient’s tasks to do and finished, and finds the signed-in user’s staff row', async () => {
    const a = await repo.create({ patientId: f.patient.id, title: 'A', assigneeStaffId: f.nurseId, dueMs: NOW });
    await repo.create({ patientId: f.patient.id, title: 'B', assigneeStaffId: f.nurseId, dueMs: NOW - H });
    await repo.create({ title: 'not about a patient', assigneeStaffId: f.nurseId, dueMs: NOW });
    await repo.complete(a.id);
    const r = await tasksForPatient(f.db, f.patient.id, NOW);
    expect(r.todo.map((t) => t.title)).toEqual(['B']);
    expect(r.finished.map((t) => t.title)).toEqual(['A']);
    expect((await staffMemberNamed(f.db, 'Nurse Jordan Lee'))!.id).toBe(f.nurseId);
    expect(await staffMemberNamed(f.db, 'Nobody')).toBeUndefined();
  });
});
