import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import { enrol } from '../../../renderer/src/db/programs';
import { ScheduleRepository } from '../../../renderer/src/db/schedule';
import { insertRow } from '../../../renderer/src/db/synced-rows';
import { loadTimeline } from '../../../renderer/src/db/timeline/timeline';
import type { CareTeamNotice } from '../../../renderer/src/engine/workflows/actions';
import { parseWorkflow } from '../../../renderer/src/engine/workflows/workflow';
import { setWorkflowEnabled } from '../../../renderer/src/engine/workflows/repository';
import { WorkflowRunner } from '../../../renderer/src/engine/workflows/runner';
import type { StoredWorkflow } from '../../../renderer/src/engine/workflows/store';
import { canUndo, WorkflowUndoError } from '../../../renderer/src/engine/workflows/undo';
import { openWorkflowFixture, type WorkflowFixture } from './workflow-test-db';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Tuesday 2 June 2026, 10:07 UTC. */
const NOW = Date.UTC(2026, 5, 2, 10, 7);
const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const allWeek9to17 = (day: number): [number, number] => [day + 9 * HOUR, day + 17 * HOUR];

async function setup(name: string, o: { workingHours?: (d: number) => [number, number] | null; now?: number } = {}) {
  const f = await openWorkflowFixture(name);
  const notices: CareTeamNotice[] = [];
  let now = o.now ?? NOW;
  const runner = new WorkflowRunner(f.db, async () => f.ctx, { clinicName: () => 'Riverside Clinic', now: () => now, dayStart: utcDayStart, workingHours: o.workingHours ?? allWeek9to17, onNotify: (n) => notices.push(n) });
  await runner.ensureDefaults();
  return { ...f, runner, notices, setNow: (ms: number) => (now = ms) };
}

const highAlert = (f: WorkflowFixture) => ({ alertId: 'alert-1', patientId: f.patient.id, patientName: 'Ruth Okafor', ruleName: 'Systolic very high', priority: 'high' as const });

describe('WorkflowRunner: high-priority alert follow-up', () => {
  it('notifies the care team, creates a task with its source and books the first free slot; all on the timeline', async () => {
    const f = await setup('wf-alert');
    const review = (await f.db.appointmentTypes.toArray()).find((t) => t.name === 'Remote monitoring review')!;
    // The doctor is busy 10:15–10:30, so the first free 15-minute slot is 10:30.
    await new ScheduleRepository(f.db, f.ctx).book({ patientId: f.unconsented.id, staffId: f.doctorId, typeId: review.id, startMs: Date.UTC(2026, 5, 2, 10, 15), durationMin: 15, modality: 'video' });

    const [run, ...more] = await f.runner.onAlertOpened(highAlert(f));
    expect(more).toEqual([]);
    expect(run).toMatchObject({ workflowName: 'High-priority alert follow-up', status: 'completed', outcome: 'completed', runKey: expect.stringContaining('alert-opened:alert-1') });
    expect(run!.results.map((r) => [r.kind, r.status])).toEqual([['notify-care-team', 'done'], ['create-task', 'done'], ['book-follow-up', 'done']]);

    const tasks = await f.db.tasks.toArray();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ patientId: f.patient.id, assigneeStaffId: f.nurseId, priority: 'high', dueMs: NOW + 4 * HOUR, status: 'open', source: { kind: 'workflow', workflowId: run!.workflowId, name: 'High-priority alert follow-up' } });
    const booked = (await f.db.appointments.where('[patientId+startMs]').between([f.patient.id, 0], [f.patient.id, Infinity]).toArray())[0]!;
    expect(booked).toMatchObject({ staffId: f.doctorId, typeId: review.id, status: 'booked', startMs: Date.UTC(2026, 5, 2, 10, 30) });
    const note = (await f.db.messages.toArray()).find((m) => m.channel === 'staff-note')!;
    expect(note).toMatchObject({ status: 'logged', automation: { name: 'High-priority alert follow-up' } });
    expect(note.body).toContain('For Dr Amara Singh, Nurse Jordan Lee');
    expect(f.notices).toEqual([expect.objectContaining({ patientId: f.patient.id, workflowName: 'High-priority alert follow-up', recipients: ['Dr Amara Singh', 'Nurse Jordan Lee'] })]);

    const timeline = await loadTimeline(f.db, f.patient.id, 0, Date.now() + DAY);
    const automated = timeline.filter((i) => i.automation === 'High-priority alert follow-up');
    expect(automated.map((i) => i.kind).sort()).toEqual(['appointment', 'message', 'task']);
    expect(automated.find((i) => i.kind === 'task')!.title).toMatch(/^Task created: task “Review high-priority alert: Ruth Okafor” for Nurse Jordan Lee/);
    expect(automated.find((i) => i.kind === 'appointment')!.title).toMatch(/^Follow-up booked: Remote monitoring review booked with Dr Amara Singh/);
    // The audit log records the run.
    expect((await f.db.audit.toArray()).filter((a) => a.action === 'workflow.run' && a.entityId === run!.id)).toHaveLength(2);
  });

  it('is idempotent: the same alert replayed acts once', async () => {
    const f = await setup('wf-replay');
    await f.runner.onAlertOpened(highAlert(f));
    const again = await f.runner.onAlertOpened(highAlert(f));
    const third = await new WorkflowRunner(f.db, async () => f.ctx, { now: () => NOW, workingHours: allWeek9to17 }).onAlertOpened(highAlert(f));
    expect(again).toEqual([]);
    expect(third).toEqual([]);
    expect(await f.db.tasks.count()).toBe(1);
    expect(await f.db.appointments.count()).toBe(1);
    expect(await f.db.messages.count()).toBe(1);
    expect(await f.db.workflowRuns.count()).toBe(1);
  });

  it('refuses the booking politely when the clinician has no free slot in the window, and still does the rest', async () => {
    const f = await setup('wf-noslot', { workingHours: () => null });
    const [run] = await f.runner.onAlertOpened(highAlert(f));
    expect(run!.status).toBe('partial');
    expect(run!.outcome).toBe('partial: no free slot with Dr Amara Singh in the next 2 days; please book the follow-up by hand');
    expect(run!.results.find((r) => r.kind === 'book-follow-up')).toMatchObject({ status: 'refused' });
    expect(await f.db.appointments.count()).toBe(0);
    expect(await f.db.tasks.count()).toBe(1);
  });

  it('does nothing for a medium alert, or when the workflow is switched off', async () => {
    const f = await setup('wf-off');
    expect(await f.runner.onAlertOpened({ ...highAlert(f), priority: 'medium' })).toEqual([]);
    const w = (await f.db.workflows.toArray()).find((x) => x.definition.key === 'high-alert-follow-up')!;
    await setWorkflowEnabled(f.db, f.ctx, w.id, false);
    expect(await f.runner.onAlertOpened(highAlert(f))).toEqual([]);
    expect(await f.db.workflowRuns.count()).toBe(0);
  });

  it('undo cancels the task and the follow-up, keeps the note (it cannot be unsent), and only once', async () => {
    const f = await setup('wf-undo');
    const [run] = await f.runner.onAlertOpened(highAlert(f));
    expect(canUndo(run!)).toBe(true);
    const report = await f.runner.undo(run!.id);
    expect(report.undone.map((r) => r.kind)).toEqual(['create-task', 'book-follow-up']);
    expect(report.kept).toEqual([{ kind: 'notify-care-team', why: 'a note to the care team cannot be unsent' }]);
    expect(report.run).toMatchObject({ status: 'undone', undoneBy: 'CareLoop automation' });
    expect((await f.db.tasks.toArray())[0]!.status).toBe('cancelled');
    expect((await f.db.appointments.toArray())[0]).toMatchObject({ status: 'cancelled', cancelReason: 'undone: High-priority alert follow-up' });
    expect(canUndo(report.run)).toBe(false);
    await expect(f.runner.undo(run!.id)).rejects.toThrow(WorkflowUndoError);
    const timeline = await loadTimeline(f.db, f.patient.id, 0, Date.now() + DAY);
    expect(timeline.find((i) => i.kind === 'task' && i.automation)!.title).toMatch(/\(undone\)$/);
  });
});

describe('WorkflowRunner: messages and consent', () => {
  it('no reading for 3 days: queued with consent, withheld without, and the run says why', async () => {
    const f = await setup('wf-silence');
    const hypertension = (await f.db.carePrograms.toArray()).find((p) => p.key === 'hypertension')!;
    for (const p of [f.patient, f.unconsented]) await enrol(f.db, f.ctx, { patientId: p.id, programId: hypertension.id, startMs: NOW - 10 * DAY, reason: 'home BP' });
    // Ruth's last reading was 4 days ago; Tomas never sent one.
    const o: Observation = { id: 'obs-1', clinicId: 'c1', patientId: f.patient.id, metric: 'blood-pressure-systolic', value: 130, unit: 'mm[Hg]', timeMs: NOW - 4 * DAY, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: NOW - 4 * DAY };
    await f.db.observations.add(o);

    const runs = await f.runner.tick(NOW);
    const byPatient = new Map(runs.map((r) => [r.patientId, r]));
    expect(byPatient.get(f.patient.id)).toMatchObject({ workflowName: 'No reading for 3 days', status: 'completed', runKey: expect.stringContaining(`no-reading:${f.patient.id}:${NOW - 4 * DAY}`) });
    expect(byPatient.get(f.unconsented.id)).toMatchObject({ status: 'withheld', outcome: 'withheld: no consent for sms' });
    const messages = await f.db.messages.toArray();
    expect(messages.find((m) => m.patientId === f.patient.id)).toMatchObject({ status: 'queued', channel: 'sms', to: '+1 555 0100 7777', automation: { name: 'No reading for 3 days' } });
    expect(messages.find((m) => m.patientId === f.unconsented.id)).toMatchObject({ status: 'withheld', automation: { name: 'No reading for 3 days' } });
    expect(messages.find((m) => m.patientId === f.patient.id)!.body).toContain('Hello Ruth');

    // A restarted runner ticking later in the same silence sends nothing more.
    const later = new WorkflowRunner(f.db, async () => f.ctx, { now: () => NOW + 5 * HOUR, dayStart: utcDayStart });
    expect(await later.tick(NOW + 5 * HOUR)).toEqual([]);
    expect(await f.db.messages.count()).toBe(2);
  });

  it('appointment reminder the day before, rendered from the record', async () => {
    const f = await setup('wf-remind');
    const review = (await f.db.appointmentTypes.toArray()).find((t) => t.name === 'Remote monitoring review')!;
    const startMs = NOW - 7 * MIN + 20 * HOUR;
    const appt = await new ScheduleRepository(f.db, f.ctx).book({ patientId: f.patient.id, staffId: f.doctorId, typeId: review.id, startMs, durationMin: 15, modality: 'video' });
    expect(await f.runner.onAppointmentChanged(appt)).toEqual([]); // no booked-appointment workflow ships
    const runs = await f.runner.tick(NOW);
    expect(runs.filter((r) => r.workflowName === 'Appointment reminder the day before')).toHaveLength(1);
    const m = (await f.db.messages.toArray())[0]!;
    expect(m).toMatchObject({ status: 'queued', automation: { name: 'Appointment reminder the day before' } });
    expect(m.body).toContain('Riverside Clinic');
    expect(await f.runner.tick(NOW + MIN)).toEqual([]);
  });

  it('medication reminders at the set times, for the patients who asked', async () => {
    const f = await setup('wf-meds');
    const eight = Date.UTC(2026, 5, 2, 8, 0);
    expect(await f.runner.tick(eight - MIN)).toEqual([]);
    const runs = (await f.runner.tick(eight + MIN)).filter((r) => r.workflowName === 'Medication reminders');
    expect(runs.map((r) => r.patientId)).toEqual([f.patient.id]);
    expect((await f.db.messages.toArray())[0]!.body).toContain('08:00 reminder');
    expect((await f.runner.tick(eight + 2 * MIN)).filter((r) => r.workflowName === 'Medication reminders')).toEqual([]);
  });
});

describe('WorkflowRunner: readings, delays and risk tier', () => {
  it('a reading over the limit schedules a delayed run that sets the risk tier on a tick; undo puts it back', async () => {
    const f = await setup('wf-risk');
    const definition = parseWorkflow({ key: 'hypo-risk', name: 'Hypoglycaemia raises risk', delayMinutes: 30, trigger: { kind: 'reading-received', limit: { metric: 'glucose', atOrBelow: 3 } }, actions: [{ kind: 'set-risk-tier', tier: 'high' }] });
    await f.db.transaction('rw', [f.db.workflows, f.db.audit, f.db.outbox, f.db.meta], () => insertRow<StoredWorkflow>(f.db, f.ctx, f.db.workflows, { definition }, { action: 'workflow.create', entity: 'workflow' }));
    const reading = (id: string, value: number): Observation => ({ id, clinicId: 'c1', patientId: f.patient.id, metric: 'glucose', value, unit: 'mmol/L', timeMs: NOW, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: NOW });
    const [scheduled, ...rest] = await f.runner.onReadings([reading('g1', 2.7), reading('g2', 6.1)]);
    expect(rest).toEqual([]);
    expect(scheduled).toMatchObject({ status: 'scheduled', dueMs: NOW + 30 * MIN, results: [] });
    expect((await f.db.patients.get(f.patient.id))!.tags).not.toContain('risk:high');

    const done = (await f.runner.tick(NOW + 31 * MIN)).find((r) => r.id === scheduled!.id)!;
    expect(done).toMatchObject({ status: 'completed', results: [{ kind: 'set-risk-tier', status: 'done', detail: 'risk tier not set → high' }] });
    expect((await f.db.patients.get(f.patient.id))!.tags).toContain('risk:high');
    expect((await f.db.audit.toArray()).some((a) => a.action === 'patient.update' && a.patientId === f.patient.id)).toBe(true);

    await f.runner.undo(done.id);
    expect((await f.db.patients.get(f.patient.id))!.tags.filter((t) => t.startsWith('risk:'))).toEqual([]);
  });
});
