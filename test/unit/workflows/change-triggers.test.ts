import { describe, expect, it } from 'vitest';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { enrol } from '../../../renderer/src/db/programs';
import { ScheduleRepository } from '../../../renderer/src/db/schedule';
import { insertRow } from '../../../renderer/src/db/synced-rows';
import { ChangeTriggerFeed, TRIGGER_CURSOR_KEY } from '../../../renderer/src/engine/workflows/change-triggers';
import { WorkflowRunner } from '../../../renderer/src/engine/workflows/runner';
import type { StoredWorkflow } from '../../../renderer/src/engine/workflows/store';
import { parseWorkflow, type WorkflowInput } from '../../../renderer/src/engine/workflows/workflow';
import { openWorkflowFixture, type WorkflowFixture } from './workflow-test-db';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Tuesday 2 June 2026, 10:07 UTC. */
const NOW = Date.UTC(2026, 5, 2, 10, 7);
const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

const BOOKED: WorkflowInput = {
  key: 'booking-confirmation',
  name: 'Appointment booked confirmation',
  trigger: { kind: 'appointment-booked' },
  actions: [{ kind: 'send-message', template: 'Appointment reminder', channel: 'preferred' }],
};
const MISSED: WorkflowInput = {
  key: 'missed-follow-up',
  name: 'Missed appointment task',
  trigger: { kind: 'appointment-missed' },
  actions: [{ kind: 'create-task', title: 'Call about the missed visit', role: 'nurse', dueInHours: 24, priority: 'medium' }],
};
const ENROLLED: WorkflowInput = {
  key: 'welcome-to-program',
  name: 'Welcome to the program',
  trigger: { kind: 'enrolment' },
  actions: [{ kind: 'create-task', title: 'Welcome call', role: 'nurse', dueInHours: 48, priority: 'medium' }],
};

async function addWorkflow(f: WorkflowFixture, input: WorkflowInput): Promise<StoredWorkflow> {
  const definition = parseWorkflow(input);
  return f.db.transaction('rw', [f.db.workflows, f.db.audit, f.db.outbox, f.db.meta], () => insertRow<StoredWorkflow>(f.db, f.ctx, f.db.workflows, { definition }, { action: 'workflow.create', entity: 'workflow' }));
}

/** The engine as it starts: a runner and the feed that follows the audit chain into it. */
function startEngine(f: WorkflowFixture) {
  const runner = new WorkflowRunner(f.db, async () => f.ctx, { clinicName: () => 'Riverside Clinic', now: () => NOW, dayStart: utcDayStart });
  return { runner, feed: new ChangeTriggerFeed(f.db, runner) };
}

async function setup(name: string) {
  const f = await openWorkflowFixture(name);
  // The UI thread writes with its own clock node.
  const ui: WriteContext = { actor: 'Nurse Jordan Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(f.db, 'ws1') };
  const type = (await f.db.appointmentTypes.toArray()).find((t) => t.name === 'Follow-up')!;
  const book = (startMs: number, patientId = f.patient.id) => new ScheduleRepository(f.db, ui).book({ patientId, staffId: f.doctorId, typeId: type.id, startMs, durationMin: 20, modality: 'video' });
  return { ...f, ui, book };
}

const runsOf = async (f: WorkflowFixture, workflowId: string) => (await f.db.workflowRuns.toArray()).filter((r) => r.workflowId === workflowId);

describe('ChangeTriggerFeed: appointments and enrolments written on the UI thread reach the workflows', () => {
  it('a booked appointment runs the "appointment booked" workflow once, and a restart does not run it again', async () => {
    const f = await setup('trig-book');
    const flow = await addWorkflow(f, BOOKED);
    const first = startEngine(f);
    await first.feed.start();

    const appt = await f.book(Date.UTC(2026, 5, 4, 9, 0));
    expect(await first.feed.drain()).toBe(1);
    const runs = await runsOf(f, flow.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ patientId: f.patient.id, status: 'completed', runKey: expect.stringContaining(`appointment-booked:${appt.id}`) });
    const queued = (await f.db.messages.toArray()).filter((m) => m.automation?.workflowId === flow.id);
    expect(queued).toHaveLength(1);
    // The message names its appointment, so the server can attach the calendar invitation.
    expect(queued[0]).toMatchObject({ channel: 'sms', status: 'queued', appointmentId: appt.id });

    // Draining again, and a fresh engine on the same database (a restart), hand nothing over.
    expect(await first.feed.drain()).toBe(0);
    const second = startEngine(f);
    expect(await second.feed.drain()).toBe(0);
    expect(await runsOf(f, flow.id)).toHaveLength(1);
    expect((await f.db.messages.toArray()).filter((m) => m.automation?.workflowId === flow.id)).toHaveLength(1);
  });

  it('a booking made while the engine was not running triggers when it starts', async () => {
    const f = await setup('trig-offline');
    const flow = await addWorkflow(f, BOOKED);
    await startEngine(f).feed.start();
    // The engine is gone (app closed); the UI books.
    const appt = await f.book(Date.UTC(2026, 5, 4, 9, 0));
    const later = startEngine(f);
    expect(await later.feed.drain()).toBe(1);
    expect((await runsOf(f, flow.id)).map((r) => r.event['appointmentId'])).toEqual([appt.id]);
  });

  it('a change handed over again after a crash (cursor not yet saved) still acts once', async () => {
    const f = await setup('trig-crash');
    const flow = await addWorkflow(f, BOOKED);
    const engine = startEngine(f);
    const cursor = await engine.feed.start();
    await f.book(Date.UTC(2026, 5, 4, 9, 0));
    await engine.feed.drain();
    // Simulate a stop after the run was claimed but before the cursor moved.
    await f.db.meta.put({ key: TRIGGER_CURSOR_KEY, value: cursor });
    expect(await startEngine(f).feed.drain()).toBe(1);
    expect(await runsOf(f, flow.id)).toHaveLength(1);
  });

  it('reschedule, cancel and no-show each reach the runner once; only the no-show runs the "missed" workflow', async () => {
    const f = await setup('trig-status');
    const booked = await addWorkflow(f, BOOKED);
    const missed = await addWorkflow(f, MISSED);
    const handed: string[] = [];
    const runner = startEngine(f).runner;
    const feed = new ChangeTriggerFeed(f.db, {
      onAppointmentChanged: (a) => (handed.push(`${a.id === appt.id ? 'A' : 'B'}:${a.status}:${a.startMs}`), runner.onAppointmentChanged(a)),
      onEnrolment: (e) => runner.onEnrolment(e),
    });
    await feed.start();
    const repo = new ScheduleRepository(f.db, f.ui);
    const appt = await f.book(Date.UTC(2026, 5, 4, 9, 0));
    await repo.reschedule(appt.id, { startMs: Date.UTC(2026, 5, 4, 11, 0) });
    await repo.setStatus(appt.id, 'no-show');
    const other = await f.book(Date.UTC(2026, 5, 5, 9, 0), f.unconsented.id);
    await repo.setStatus(other.id, 'cancelled', 'patient asked');
    expect(await feed.drain()).toBe(5);
    // Each change as it was made, even though the first appointment is a no-show by now.
    expect(handed).toEqual([
      `A:booked:${Date.UTC(2026, 5, 4, 9, 0)}`,
      `A:booked:${Date.UTC(2026, 5, 4, 11, 0)}`,
      `A:no-show:${Date.UTC(2026, 5, 4, 11, 0)}`,
      `B:booked:${Date.UTC(2026, 5, 5, 9, 0)}`,
      `B:cancelled:${Date.UTC(2026, 5, 5, 9, 0)}`,
    ]);
    expect((await runsOf(f, booked.id)).map((r) => r.event['appointmentId']).sort()).toEqual([appt.id, other.id].sort());
    expect((await runsOf(f, missed.id)).map((r) => r.event['appointmentId'])).toEqual([appt.id]);
    expect((await f.db.tasks.toArray()).filter((t) => t.title.startsWith('Call about the missed visit'))).toHaveLength(1);
  });

  it('an enrolment runs the enrolment workflow once', async () => {
    const f = await setup('trig-enrol');
    const flow = await addWorkflow(f, ENROLLED);
    const engine = startEngine(f);
    await engine.feed.start();
    const program = (await f.db.carePrograms.toArray())[0]!;
    const e = await enrol(f.db, f.ui, { patientId: f.patient.id, programId: program.id, startMs: NOW, reason: 'home blood pressure monitoring' });
    expect(await engine.feed.drain()).toBe(1);
    expect(await startEngine(f).feed.drain()).toBe(0);
    const runs = await runsOf(f, flow.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', event: expect.objectContaining({ kind: 'enrolment', enrolmentId: e.id, programKey: program.key }) });
    expect((await f.db.tasks.toArray()).filter((t) => t.title.startsWith('Welcome call'))).toHaveLength(1);
  });

  it('does not replay the history written before the feed first started', async () => {
    const f = await setup('trig-history');
    await f.book(Date.UTC(2026, 5, 4, 9, 0));
    const flow = await addWorkflow(f, BOOKED);
    const engine = startEngine(f);
    expect(await engine.feed.drain()).toBe(0);
    expect(await runsOf(f, flow.id)).toHaveLength(0);
  });

  it('moves past changes no enabled workflow listens to, without calling the runner', async () => {
    const f = await setup('trig-nobody');
    let calls = 0;
    const runner = startEngine(f).runner;
    const feed = new ChangeTriggerFeed(f.db, { onAppointmentChanged: (a) => (calls++, runner.onAppointmentChanged(a)), onEnrolment: (e) => (calls++, runner.onEnrolment(e)) });
    await feed.start();
    await f.book(Date.UTC(2026, 5, 4, 9, 0));
    expect(await feed.drain()).toBe(0);
    expect(calls).toBe(0);
    // A workflow enabled later acts on later bookings only.
    const flow = await addWorkflow(f, BOOKED);
    const later = await f.book(Date.UTC(2026, 5, 4, 10, 0));
    expect(await feed.drain()).toBe(1);
    expect((await runsOf(f, flow.id)).map((r) => r.event['appointmentId'])).toEqual([later.id]);
  });

  it('calls made during a pass share one follow-up pass and miss nothing', async () => {
    const f = await setup('trig-burst');
    const flow = await addWorkflow(f, BOOKED);
    const engine = startEngine(f);
    await engine.feed.start();
    await f.book(Date.UTC(2026, 5, 4, 9, 0));
    const a = engine.feed.drain();
    const b = engine.feed.drain();
    const c = engine.feed.drain();
    expect(b).toBe(c);
    await Promise.all([a, b, c]);
    expect(await runsOf(f, flow.id)).toHaveLength(1);
  });
});
