import { firstFreeSlot } from '../../../../common/schedule/appointment';
import { ConsentRequiredError, renderFor, sendMessage, templateValuesFor } from '../../db/messages';
import type { PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { PatientRepository } from '../../db/patients';
import { BookingConflictError, ScheduleRepository } from '../../db/schedule';
import { TaskRepository } from '../../db/tasks';
import type { PlannedAction } from './decide';
import type { ActionResult, WorkflowDb, WorkflowRunRow } from './store';
import { riskTierOf, withRiskTier } from './workflow';

/** What an action needs besides its plan: where to write, as whom, and the clinic's settings. */
export interface ActionContext {
  db: WorkflowDb;
  ctx: WriteContext;
  run: Pick<WorkflowRunRow, 'workflowId' | 'workflowName' | 'patientId' | 'eventSummary' | 'event'>;
  patient: PatientRow;
  clinicName: string;
  nowMs: number;
  /** Working hours of the day that starts at UTC midnight `dayMs` (see firstFreeSlot), or null when closed. */
  workingHours: (dayMs: number) => [number, number] | null;
  notify: (n: CareTeamNotice) => void;
}

/** Told to the UI so it can raise a notification for the care team (no patient data beyond the name). */
export interface CareTeamNotice {
  patientId: string;
  patientName: string;
  workflowName: string;
  text: string;
  recipients: string[];
}

const MAX_BOOKING_TRIES = 40;
const QUARTER_HOUR = 15 * 60_000;

/** Runs one planned action through the repositories; never throws for an expected refusal. */
export async function performAction(a: PlannedAction, c: ActionContext): Promise<ActionResult> {
  try {
    switch (a.kind) {
      case 'send-message':
        return await sendFromTemplate(a, c);
      case 'notify-care-team':
        return await notifyCareTeam(a, c);
      case 'create-task':
        return await createTask(a, c);
      case 'book-follow-up':
        return await bookFollowUp(a, c);
      case 'set-risk-tier':
        return await setRiskTier(a, c);
    }
  } catch (err) {
    return { kind: a.kind, status: 'failed', detail: `failed: ${err instanceof Error ? err.message : 'unexpected error'}`, atMs: Date.now() };
  }
}

const automation = (c: ActionContext) => ({ workflowId: c.run.workflowId, name: c.run.workflowName });

async function sendFromTemplate(a: Extract<PlannedAction, { kind: 'send-message' }>, c: ActionContext): Promise<ActionResult> {
  const template = (await c.db.messageTemplates.toArray()).find((t) => t.name === a.template && t.active && !t.deleted);
  if (!template) return { kind: a.kind, status: 'refused', detail: `refused: there is no active message template named “${a.template}”`, atMs: Date.now() };
  const appointmentId = typeof c.run.event.appointmentId === 'string' ? c.run.event.appointmentId : undefined;
  const values = await templateValuesFor(c.db, c.patient, c.clinicName, c.nowMs, appointmentId);
  if (typeof c.run.event.time === 'string') values['medication.time'] = c.run.event.time;
  const rendered = renderFor(template, values);
  // A message is never sent with a blank where a value should be.
  if (rendered.missing.length) return { kind: a.kind, status: 'refused', detail: `refused: the record has no ${rendered.missing.join(', ')} for “${a.template}”`, atMs: Date.now() };
  const startedMs = Date.now();
  try {
    const m = await sendMessage(c.db, c.ctx, { patientId: c.patient.id, channel: a.channel, body: rendered.body, ...(rendered.subject ? { subject: rendered.subject } : {}), templateId: template.id, ...(appointmentId ? { appointmentId } : {}), automation: automation(c) });
    return { kind: a.kind, status: 'done', detail: `“${a.template}” queued by ${a.channel}`, createdId: m.id, atMs: m.createdMs, irreversible: 'a sent message cannot be unsent' };
  } catch (err) {
    if (!(err instanceof ConsentRequiredError)) throw err;
    // sendMessage kept the message as withheld: find it so the run points at it.
    const rows = await c.db.messages.where('[patientId+createdMs]').between([c.patient.id, startedMs], [c.patient.id, Infinity]).toArray();
    const withheld = rows.reverse().find((m) => m.status === 'withheld' && m.automation?.workflowId === c.run.workflowId);
    const noConsent = !withheld?.error?.startsWith('no ');
    return {
      kind: a.kind,
      status: 'withheld',
      detail: noConsent ? `withheld: no consent for ${a.channel}` : `withheld: ${withheld?.error ?? 'no address'}`,
      ...(withheld ? { createdId: withheld.id } : {}),
      atMs: withheld?.createdMs ?? Date.now(),
    };
  }
}

async function notifyCareTeam(a: Extract<PlannedAction, { kind: 'notify-care-team' }>, c: ActionContext): Promise<ActionResult> {
  const to = a.recipients.length ? a.recipients.join(', ') : 'the care team (none on record)';
  const note = await sendMessage(c.db, c.ctx, { patientId: c.patient.id, channel: 'staff-note', body: `For ${to}: ${a.text}`, automation: automation(c) });
  c.notify({ patientId: c.patient.id, patientName: `${c.patient.givenName} ${c.patient.familyName}`, workflowName: c.run.workflowName, text: a.text, recipients: a.recipients });
  return { kind: a.kind, status: 'done', detail: a.recipients.length ? `care team notified: ${to}` : 'staff note written; the patient has no care team on record', createdId: note.id, atMs: note.createdMs, irreversible: 'a note to the care team cannot be unsent' };
}

async function createTask(a: Extract<PlannedAction, { kind: 'create-task' }>, c: ActionContext): Promise<ActionResult> {
  if (!a.assigneeStaffId) return { kind: a.kind, status: 'refused', detail: 'refused: nobody on the patient’s care team is a member of staff; add one or create the task by hand', atMs: Date.now() };
  const task = await new TaskRepository(c.db, c.ctx).create({
    patientId: c.patient.id,
    title: a.title.slice(0, 160),
    details: a.details,
    assigneeStaffId: a.assigneeStaffId,
    dueMs: a.dueMs,
    priority: a.priority,
    source: { kind: 'workflow', workflowId: c.run.workflowId, name: c.run.workflowName },
  });
  const who = (await c.db.staff.get(a.assigneeStaffId))?.name ?? 'staff';
  return { kind: a.kind, status: 'done', detail: `task “${task.title}” for ${who}`, createdId: task.id, atMs: Date.parse(task.createdAt) };
}

/** Books in the first free slot of the clinician within the window; says so politely when there is none. */
async function bookFollowUp(a: Extract<PlannedAction, { kind: 'book-follow-up' }>, c: ActionContext): Promise<ActionResult> {
  const { db } = c;
  if (!a.clinicianStaffId) return { kind: a.kind, status: 'refused', detail: 'refused: the patient has no clinician on the care team who is a member of staff; please book by hand', atMs: Date.now() };
  const clinician = await db.staff.get(a.clinicianStaffId);
  const type = (await db.appointmentTypes.toArray()).find((t) => t.name === a.appointmentType && t.active && !t.deleted);
  if (!type) return { kind: a.kind, status: 'refused', detail: `refused: there is no appointment type named “${a.appointmentType}”`, atMs: Date.now() };
  const rooms = type.modality === 'in-person' ? (await db.rooms.toArray()).filter((r) => r.active && !r.deleted) : [];
  if (type.modality === 'in-person' && !rooms.length) return { kind: a.kind, status: 'refused', detail: 'refused: an in-person follow-up needs a room and the clinic has none', atMs: Date.now() };
  const existing = await db.appointments.where('[staffId+startMs]').between([a.clinicianStaffId, a.fromMs - 8 * 3_600_000], [a.clinicianStaffId, a.untilMs]).toArray();
  const schedule = new ScheduleRepository(db, c.ctx);
  const reason = `Follow-up: ${c.run.eventSummary}`.slice(0, 300);
  let from = a.fromMs;
  for (let tries = 0; tries < MAX_BOOKING_TRIES; tries++) {
    const slot = firstFreeSlot(a.clinicianStaffId, type.durationMin, from, a.untilMs, existing, c.workingHours);
    if (slot === null) break;
    for (const roomId of type.modality === 'in-person' ? rooms.map((r) => r.id) : [undefined]) {
      try {
        const appt = await schedule.book({ patientId: c.patient.id, staffId: a.clinicianStaffId, ...(roomId ? { roomId } : {}), typeId: type.id, startMs: slot, durationMin: type.durationMin, modality: type.modality, reason });
        return { kind: a.kind, status: 'done', detail: `${type.name} booked with ${clinician?.name ?? 'the clinician'} at ${new Date(slot).toISOString()}`, createdId: appt.id, atMs: Date.now() };
      } catch (err) {
        // The clinician was free but the patient or the room was not: try the next room or slot.
        if (!(err instanceof BookingConflictError)) throw err;
      }
    }
    from = slot + QUARTER_HOUR;
  }
  const days = Math.round((a.untilMs - a.fromMs) / 86_400_000);
  return { kind: a.kind, status: 'refused', detail: `no free slot with ${clinician?.name ?? 'the clinician'} in the next ${days} day${days === 1 ? '' : 's'}; please book the follow-up by hand`, atMs: Date.now() };
}

async function setRiskTier(a: Extract<PlannedAction, { kind: 'set-risk-tier' }>, c: ActionContext): Promise<ActionResult> {
  const patients = new PatientRepository(c.db, c.ctx);
  const previous = riskTierOf(c.patient.tags) ?? null;
  if (previous === a.tier) return { kind: a.kind, status: 'done', detail: `risk tier already ${a.tier}`, previousTier: previous, atMs: Date.now() };
  const fields = PatientRepository.editable(c.patient);
  await patients.update(c.patient.id, { ...fields, tags: withRiskTier(fields.tags, a.tier) });
  return { kind: a.kind, status: 'done', detail: `risk tier ${previous ?? 'not set'} → ${a.tier}`, previousTier: previous, atMs: Date.now() };
}
