import { hasConsent, CONSENT_PURPOSES } from '../../../../common/consent/consent';
import { isRestricted } from '../../../../common/consent/rights';
import type { Appointment } from '../../../../common/schedule/appointment';
import type { Enrolment } from '../../../../common/programs/program';
import type { MessageTemplate } from '../../../../common/messaging/message';
import type { Observation } from '../../../../common/readings/observation';
import type { SyncedRow } from '../../../../common/sync/stamped';
import { consentState } from '../../db/consents';
import type { PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { ensureDefaultTemplates } from '../../db/messages';
import { insertRow, updateRow } from '../../db/synced-rows';
import type { AlertNotice } from '../alerts/pipeline';
import { performAction, type CareTeamNotice } from './actions';
import { isBirthday, slotsBetween, type DayStart } from './clock';
import { decide, recentDays, type WorkflowRef } from './decide';
import { defaultWorkflows, WORKFLOW_TEMPLATES } from './defaults';
import type { PatientFacts, ReadingFact, WorkflowEvent } from './events';
import type { ActionResult, StoredWorkflow, WorkflowDb, WorkflowRunRow } from './store';
import { undoRun, type UndoReport } from './undo';
import { parseWorkflow, riskTierOf, STAFF_ROLES, type StaffRole, type Trigger } from './workflow';

/** What a scheduled run of a patient restricted in the meantime records instead of acting. */
export const RESTRICTED_RUN = 'withheld: processing of this patient is restricted';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A medication reminder more than an hour late (the workstation was off) is skipped. */
const MEDICATION_MAX_LATE_MS = HOUR;
/** Silence and goal checks need not run on every tick. */
const MONITORING_SCAN_EVERY_MS = HOUR;

export interface RunnerOptions {
  clinicName?: () => string | Promise<string>;
  /** Local midnight of the day holding an instant; defaults to the runtime's zone. */
  dayStart?: DayStart;
  /** Opening hours for follow-up bookings; defaults to Monday–Friday 09:00–17:00 local. */
  workingHours?: (dayMs: number) => [number, number] | null;
  onNotify?: (notice: CareTeamNotice) => void;
  now?: () => number;
}

export const localDayStart: DayStart = (ms) => {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
};

/** Monday–Friday 09:00–17:00 in the runtime's zone, for the date of the UTC day `dayMs`. */
export function weekdayHours(dayMs: number): [number, number] | null {
  const d = new Date(dayMs);
  const open = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 9);
  if (open.getDay() === 0 || open.getDay() === 6) return null;
  return [open.getTime(), open.getTime() + 8 * HOUR];
}

const localDate = (ms: number, dayStart: DayStart): string => {
  const d = new Date(dayStart(ms) + 12 * HOUR);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Days since 1970-01-01 of the local date holding `ms`. */
const dayIndex = (ms: number, dayStart: DayStart): number => {
  const d = new Date(dayStart(ms) + 12 * HOUR);
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY);
};

type Fields<T> = Omit<T, keyof SyncedRow>;

/** Seeds the shipped workflows (and the templates they name) in a clinic that has none; idempotent. */
export async function ensureDefaultWorkflows(db: WorkflowDb, ctx: WriteContext): Promise<void> {
  // The messaging defaults seed only an empty template table: let them go first.
  await ensureDefaultTemplates(db, ctx);
  await db.transaction('rw', [db.workflows, db.messageTemplates, db.audit, db.outbox, db.meta], async () => {
    if ((await db.workflows.count()) === 0) {
      for (const definition of defaultWorkflows()) await insertRow<StoredWorkflow>(db, ctx, db.workflows, { definition }, { action: 'workflow.create', entity: 'workflow' });
    }
    const names = new Set((await db.messageTemplates.toArray()).map((t) => t.name));
    for (const t of WORKFLOW_TEMPLATES) {
      if (!names.has(t.name)) await insertRow<MessageTemplate>(db, ctx, db.messageTemplates, { name: t.name, channel: 'any', body: t.body, active: true }, { action: 'template.create', entity: 'message-template' });
    }
  });
}

/**
 * The care loop in the engine worker: events come in (alerts opened, readings, appointment
 * changes, enrolments, time passing), each enabled workflow decides on each event, and the
 * decided actions are done through the repositories (so consent gates messages and every
 * write is audited and synced). One event acts once per workflow, however often it is replayed.
 */
export class WorkflowRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private lastTickMs: number | undefined;
  private lastMonitoringScanMs = -Infinity;
  private dailyDone = '';
  private readonly dayStart: DayStart;
  private readonly workingHours: (dayMs: number) => [number, number] | null;
  private readonly now: () => number;

  constructor(
    private readonly db: WorkflowDb,
    private readonly context: () => Promise<WriteContext>,
    private readonly options: RunnerOptions = {},
  ) {
    this.dayStart = options.dayStart ?? localDayStart;
    this.workingHours = options.workingHours ?? weekdayHours;
    this.now = options.now ?? (() => Date.now());
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Seeds the shipped workflows (and the templates they name) in a clinic that has none. */
  async ensureDefaults(): Promise<void> {
    await ensureDefaultWorkflows(this.db, await this.context());
  }

  /** Enabled workflows, read fresh each time (staff edit them on the UI thread). */
  private async enabled(kinds: readonly Trigger['kind'][]): Promise<WorkflowRef[]> {
    const out: WorkflowRef[] = [];
    for (const row of await this.db.workflows.toArray()) {
      if (row.deleted || !row.definition.enabled || !kinds.includes(row.definition.trigger.kind)) continue;
      try {
        out.push({ id: row.id, definition: parseWorkflow(row.definition) });
      } catch (err) {
        console.error(`[workflows] a stored workflow is invalid and was skipped: ${err instanceof Error ? err.name : 'error'}`);
      }
    }
    return out;
  }

  onAlertOpened(notice: AlertNotice): Promise<WorkflowRunRow[]> {
    return this.serial(async () => {
      const flows = await this.enabled(['alert-opened']);
      if (!flows.length) return [];
      const alert = await this.db.alerts.get(notice.alertId);
      const event: WorkflowEvent = { kind: 'alert-opened', patientId: notice.patientId, atMs: alert?.openedAtMs ?? this.now(), alertId: notice.alertId, priority: notice.priority, ruleId: alert?.ruleId ?? '', ruleName: notice.ruleName };
      return this.handle(flows, [event]);
    });
  }

  /** Newly stored readings: only the reading-triggered workflows look at them, one decision per reading. */
  onReadings(observations: readonly Observation[]): Promise<WorkflowRunRow[]> {
    if (!observations.length) return Promise.resolve([]);
    return this.serial(async () => {
      const flows = await this.enabled(['reading-received']);
      const metrics = new Set(flows.map((f) => (f.definition.trigger as Extract<Trigger, { kind: 'reading-received' }>).limit.metric as string));
      const events: WorkflowEvent[] = observations
        .filter((o) => metrics.has(o.metric))
        .map((o) => ({ kind: 'reading-received', patientId: o.patientId, atMs: o.timeMs, observationId: o.id, metric: o.metric, value: o.value, unit: o.unit }));
      return events.length ? this.handle(flows, events) : [];
    });
  }

  /** An appointment was booked or its status changed (a no-show is a missed appointment). */
  onAppointmentChanged(a: Appointment): Promise<WorkflowRunRow[]> {
    return this.serial(async () => {
      if (a.deleted) return [];
      const kind = a.status === 'booked' ? 'appointment-booked' : a.status === 'no-show' ? 'appointment-missed' : undefined;
      if (!kind) return [];
      const flows = await this.enabled([kind]);
      return flows.length ? this.handle(flows, [{ kind, patientId: a.patientId, atMs: this.now(), appointmentId: a.id, startMs: a.startMs }]) : [];
    });
  }

  onEnrolment(e: Enrolment): Promise<WorkflowRunRow[]> {
    return this.serial(async () => {
      if (e.deleted || e.status !== 'active') return [];
      const flows = await this.enabled(['enrolment']);
      if (!flows.length) return [];
      const program = await this.db.carePrograms.get(e.programId);
      return this.handle(flows, [{ kind: 'enrolment', patientId: e.patientId, atMs: this.now(), enrolmentId: e.id, programKey: program?.key ?? e.programId }]);
    });
  }

  /**
   * Time passing. Every tick: runs whose delay has passed, appointments coming up, medication
   * times. At most hourly: silence and goal checks over patients with an active enrolment.
   * Once a local day: birthdays. Each step reads through an index, never every reading.
   */
  tick(nowMs: number = this.now()): Promise<WorkflowRunRow[]> {
    return this.serial(async () => {
      const done: WorkflowRunRow[] = [];
      done.push(...(await this.runDue(nowMs)));
      const flows = await this.enabled(['appointment-upcoming', 'medication-schedule', 'no-reading', 'goal-met', 'birthday']);
      const of = <K extends Trigger['kind']>(k: K) => flows.filter((f) => f.definition.trigger.kind === k);
      done.push(...(await this.upcoming(of('appointment-upcoming'), nowMs)));
      done.push(...(await this.medication(of('medication-schedule'), nowMs)));
      if (nowMs - this.lastMonitoringScanMs >= MONITORING_SCAN_EVERY_MS) {
        this.lastMonitoringScanMs = nowMs;
        done.push(...(await this.monitoring(of('no-reading'), of('goal-met'), nowMs)));
      }
      const today = localDate(nowMs, this.dayStart);
      if (this.dailyDone !== today) {
        this.dailyDone = today;
        done.push(...(await this.birthdays(of('birthday'), nowMs, today)));
      }
      this.lastTickMs = nowMs;
      return done;
    });
  }

  undo(runId: string): Promise<UndoReport> {
    return this.serial(async () => undoRun(this.db, await this.context(), runId));
  }

  private async runDue(nowMs: number): Promise<WorkflowRunRow[]> {
    const due = await this.db.workflowRuns.where('[status+dueMs]').between(['scheduled', -Infinity], ['scheduled', nowMs], true, true).toArray();
    const out: WorkflowRunRow[] = [];
    for (const run of due) {
      const patient = await this.db.patients.get(run.patientId);
      out.push(await this.execute(run, patient, nowMs));
    }
    return out;
  }

  private async upcoming(flows: WorkflowRef[], nowMs: number): Promise<WorkflowRunRow[]> {
    if (!flows.length) return [];
    const horizon = Math.max(...flows.map((f) => (f.definition.trigger as Extract<Trigger, { kind: 'appointment-upcoming' }>).hoursBefore)) * HOUR;
    const rows = (await this.db.appointments.where('startMs').between(nowMs, nowMs + horizon, false, true).toArray()).filter((a) => !a.deleted && a.status === 'booked');
    return this.handle(flows, rows.map((a) => ({ kind: 'appointment-upcoming', patientId: a.patientId, atMs: nowMs, appointmentId: a.id, startMs: a.startMs })));
  }

  private medicationCandidates: { date: string; ids: string[] } | undefined;

  private async medication(flows: WorkflowRef[], nowMs: number): Promise<WorkflowRunRow[]> {
    if (!flows.length) return [];
    const from = this.lastTickMs ?? nowMs - MEDICATION_MAX_LATE_MS;
    const times = [...new Set(flows.flatMap((f) => (f.definition.trigger as Extract<Trigger, { kind: 'medication-schedule' }>).times))];
    const slots = slotsBetween(times, from, nowMs, this.dayStart, MEDICATION_MAX_LATE_MS);
    if (!slots.length) return [];
    // Who takes medicines changes rarely: the list is built once a local day.
    const date = localDate(nowMs, this.dayStart);
    if (this.medicationCandidates?.date !== date) {
      const ids: string[] = [];
      await this.db.patients.each((p) => {
        if (!p.deleted && p.status === 'active' && p.medications.length > 0) ids.push(p.id);
      });
      this.medicationCandidates = { date, ids };
    }
    const events: WorkflowEvent[] = [];
    for (const s of slots) for (const patientId of this.medicationCandidates.ids) events.push({ kind: 'medication-schedule', patientId, atMs: s.slotMs, time: s.time, slotMs: s.slotMs });
    return this.handle(flows, events);
  }

  /** Patients whose home readings the clinic watches: an active enrolment, and since when. */
  private async monitored(): Promise<Map<string, number>> {
    const since = new Map<string, number>();
    for (const e of await this.db.enrolments.where('status').equals('active').toArray()) {
      if (e.deleted) continue;
      since.set(e.patientId, Math.min(since.get(e.patientId) ?? Infinity, e.startMs));
    }
    return since;
  }

  private async monitoring(silence: WorkflowRef[], goals: WorkflowRef[], nowMs: number): Promise<WorkflowRunRow[]> {
    if (!silence.length && !goals.length) return [];
    const patients = await this.monitored();
    const events: WorkflowEvent[] = [];
    const goalDays = Math.max(0, ...goals.map((g) => (g.definition.trigger as Extract<Trigger, { kind: 'goal-met' }>).days)) * 2;
    const goalMetrics = [...new Set(goals.flatMap((g) => (g.definition.trigger as Extract<Trigger, { kind: 'goal-met' }>).targets.map((t) => t.metric as string)))];
    const today = dayIndex(nowMs, this.dayStart);
    const days = goalDays ? recentDays(goalDays, today, (i) => this.dayBounds(i)) : [];
    for (const [patientId, since] of patients) {
      if (silence.length) {
        const last = await this.db.observations.where('[patientId+timeMs]').between([patientId, -Infinity], [patientId, nowMs], true, true).last();
        events.push({ kind: 'no-reading', patientId, atMs: nowMs, lastReadingMs: last?.timeMs ?? null, monitoringSinceMs: since });
      }
      if (days.length) {
        const from = days[0]!.startMs;
        const to = days[days.length - 1]!.endMs;
        const readings: ReadingFact[] = [];
        for (const metric of goalMetrics) {
          const rows = await this.db.observations.where('[patientId+metric+timeMs]').between([patientId, metric, from], [patientId, metric, to], true, false).toArray();
          for (const o of rows) readings.push({ metric: o.metric, value: o.value, timeMs: o.timeMs });
        }
        if (readings.length) events.push({ kind: 'goal-met', patientId, atMs: nowMs, days, readings });
      }
    }
    return this.handle([...silence, ...goals], events);
  }

  private dayBounds(index: number): { startMs: number; endMs: number } {
    const d = new Date(index * DAY);
    const start = this.dayStart(new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12).getTime());
    return { startMs: start, endMs: this.dayStart(start + DAY + 3 * HOUR) };
  }

  /** Birthdays through the birth-date index: one key per possible birth year, not a scan. */
  private async birthdays(flows: WorkflowRef[], nowMs: number, today: string): Promise<WorkflowRunRow[]> {
    if (!flows.length) return [];
    const year = Number(today.slice(0, 4));
    const monthDay = today.slice(5);
    const days = [monthDay];
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (monthDay === '02-28' && !leap) days.push('02-29');
    const keys: string[] = [];
    for (let y = 1900; y <= year; y++) for (const md of days) keys.push(`${y}-${md}`);
    const rows = (await this.db.patients.where('birthDate').anyOf(keys).toArray()).filter((p) => !p.deleted && p.status === 'active' && isBirthday(p.birthDate, today));
    return this.handle(flows, rows.map((p) => ({ kind: 'birthday', patientId: p.id, atMs: nowMs, year })));
  }

  /** What the workflows know of a patient: the record, consents, programs, the care team joined with staff. */
  private async facts(patientId: string): Promise<{ patient: PatientRow; facts: PatientFacts } | undefined> {
    const { db } = this;
    const patient = await db.patients.get(patientId);
    // Restriction of processing (GDPR Art. 18): automation skips the patient altogether.
    if (!patient || patient.deleted || isRestricted(patient)) return undefined;
    const [consents, enrolments, staff] = await Promise.all([
      consentState(db, patientId),
      db.enrolments.where('[patientId+startMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray(),
      patient.careTeam.length ? db.staff.where('name').anyOf(patient.careTeam.map((m) => m.name)).toArray() : Promise.resolve([]),
    ]);
    const active = enrolments.filter((e) => e.status === 'active' && !e.deleted);
    const programs = await db.carePrograms.bulkGet([...new Set(active.map((e) => e.programId))]);
    const tier = riskTierOf(patient.tags);
    return {
      patient,
      facts: {
        patientId,
        name: `${patient.givenName} ${patient.familyName}`,
        archived: patient.status === 'archived',
        birthDate: patient.birthDate,
        tags: patient.tags,
        conditions: patient.conditions,
        medicationCount: patient.medications.length,
        programKeys: programs.filter((p) => !!p).map((p) => p!.key),
        consents: CONSENT_PURPOSES.filter((p) => hasConsent(consents, p)),
        preferredChannel: patient.preferredChannel,
        careTeam: patient.careTeam.map((m) => {
          const s = staff.find((x) => x.name === m.name && x.active && !x.deleted);
          return { name: m.name, ...(s ? { staffId: s.id, staffRole: (STAFF_ROLES as readonly string[]).includes(s.role) ? (s.role as StaffRole) : undefined } : {}) };
        }),
        ...(tier ? { riskTier: tier } : {}),
      },
    };
  }

  /** Decides every workflow on every event, claims each decided run by its key, then acts. */
  private async handle(flows: readonly WorkflowRef[], events: readonly WorkflowEvent[]): Promise<WorkflowRunRow[]> {
    const out: WorkflowRunRow[] = [];
    const known = new Map<string, Awaited<ReturnType<WorkflowRunner['facts']>>>();
    for (const event of events) {
      const relevant = flows.filter((f) => f.definition.trigger.kind === event.kind);
      if (!relevant.length) continue;
      if (!known.has(event.patientId)) known.set(event.patientId, await this.facts(event.patientId));
      const found = known.get(event.patientId);
      if (!found) continue;
      for (const w of relevant) {
        const decision = decide(w, event, found.facts);
        if (!decision.act) continue;
        const claimed = await this.claim(w, event, decision);
        if (!claimed) continue;
        out.push(claimed.status === 'scheduled' ? claimed : await this.execute(claimed, found.patient, this.now()));
        // A run may change the record (risk tier): read it afresh for the next workflow.
        if (claimed.planned.some((p) => p.kind === 'set-risk-tier')) known.set(event.patientId, await this.facts(event.patientId));
      }
    }
    return out;
  }

  /** Writes the run before acting; a run key already on record means the event has been handled. */
  private async claim(w: WorkflowRef, event: WorkflowEvent, d: Extract<ReturnType<typeof decide>, { act: true }>): Promise<WorkflowRunRow | undefined> {
    const { db } = this;
    const ctx = await this.context();
    const nowMs = this.now();
    const stored: Record<string, unknown> = { ...event };
    if (event.kind === 'goal-met') {
      // The readings behind a goal are on the timeline already; the run keeps their count.
      stored.readings = event.readings.length;
      stored.days = event.days.length;
    }
    return db.transaction('rw', [db.workflowRuns, db.audit, db.outbox, db.meta], async () => {
      if ((await db.workflowRuns.where('runKey').equals(d.runKey).count()) > 0) return undefined;
      // Only a workflow with a delay waits; an event stamped ahead of this clock (time-lapse training devices) acts now.
      const scheduled = w.definition.delayMinutes > 0 && d.dueMs > nowMs;
      const fields: Fields<WorkflowRunRow> = {
        runKey: d.runKey,
        workflowId: w.id,
        workflowName: w.definition.name,
        patientId: event.patientId,
        event: stored,
        eventSummary: d.summary,
        planned: d.actions,
        status: scheduled ? 'scheduled' : 'running',
        dueMs: d.dueMs,
        createdMs: nowMs,
        results: [],
        outcome: scheduled ? `scheduled for ${new Date(d.dueMs).toISOString()}` : 'running',
      };
      return insertRow<WorkflowRunRow>(db, ctx, db.workflowRuns, fields, { action: 'workflow.run', entity: 'workflow-run', patientId: event.patientId });
    });
  }

  private async execute(run: WorkflowRunRow, patient: PatientRow | undefined, nowMs: number): Promise<WorkflowRunRow> {
    const { db } = this;
    const ctx = await this.context();
    const results: ActionResult[] = [];
    if (patient && !patient.deleted && isRestricted(patient)) {
      // Restricted after the run was scheduled: nothing is done, and the run says why.
      for (const action of run.planned) results.push({ kind: action.kind, status: 'withheld', detail: RESTRICTED_RUN, atMs: nowMs });
    } else if (patient && !patient.deleted) {
      const clinicName = (await this.options.clinicName?.()) ?? 'the clinic';
      for (const action of run.planned) {
        results.push(
          await performAction(action, { db, ctx, run, patient, clinicName, nowMs, workingHours: this.workingHours, notify: (n) => this.options.onNotify?.(n) }),
        );
      }
    }
    const { status, outcome } = summarise(results, !!patient && !patient.deleted);
    return db.transaction('rw', [db.workflowRuns, db.audit, db.outbox, db.meta], async () => {
      const before = (await db.workflowRuns.get(run.id)) ?? run;
      return updateRow<WorkflowRunRow>(db, ctx, db.workflowRuns, before, { results, status, outcome, finishedMs: Date.now() }, { action: 'workflow.run', entity: 'workflow-run', patientId: run.patientId, reason: outcome });
    });
  }
}

/** The run's status and the line staff read. A withheld message makes the run "withheld: no consent". */
export function summarise(results: readonly ActionResult[], patientFound = true): { status: WorkflowRunRow['status']; outcome: string } {
  if (!patientFound) return { status: 'failed', outcome: 'failed: the patient is no longer on this workstation' };
  const withheld = results.find((r) => r.status === 'withheld');
  const problems = results.filter((r) => r.status === 'refused' || r.status === 'failed');
  const done = results.filter((r) => r.status === 'done');
  if (withheld && !problems.length) return { status: 'withheld', outcome: withheld.detail };
  if (!problems.length) return { status: 'completed', outcome: 'completed' };
  const why = problems.map((p) => p.detail).join('; ');
  if (!done.length && !withheld) return { status: 'failed', outcome: why };
  return { status: 'partial', outcome: `partial: ${[withheld?.detail, why].filter(Boolean).join('; ')}` };
}
