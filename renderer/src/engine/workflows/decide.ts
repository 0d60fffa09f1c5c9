import { describeEvent, eventKey, type LocalDay, type PatientFacts, type ReadingFact, type WorkflowEvent } from './events';
import type { Action, Condition, Priority, RiskTier, StaffRole, Target, Trigger, WorkflowDefinition } from './workflow';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An action with everything resolved that can be resolved without the database. */
export type PlannedAction =
  | { kind: 'send-message'; template: string; channel: 'sms' | 'email' | 'portal' | 'in-app' }
  | { kind: 'notify-care-team'; text: string; recipients: string[] }
  | { kind: 'create-task'; title: string; details: string; assigneeStaffId?: string; dueMs: number; priority: Priority }
  | { kind: 'book-follow-up'; clinicianStaffId?: string; fromMs: number; untilMs: number; appointmentType: string }
  | { kind: 'set-risk-tier'; tier: RiskTier };

export type Decision =
  | { act: false; reason: string }
  | {
      act: true;
      /** Workflow × event: the same key never runs twice. */
      runKey: string;
      /** When to act: the event's time plus the workflow's delay. */
      dueMs: number;
      summary: string;
      actions: PlannedAction[];
    };

/** The workflow as the decision sees it: its definition under the row id it is stored as. */
export interface WorkflowRef {
  id: string;
  definition: WorkflowDefinition;
}

/**
 * Event + patient → what a workflow should do. Pure and total: every "no" comes with a
 * reason a person can read, so a run that did not happen can be explained.
 */
export function decide(w: WorkflowRef, event: WorkflowEvent, facts: PatientFacts): Decision {
  const d = w.definition;
  if (!d.enabled) return { act: false, reason: 'the workflow is switched off' };
  if (facts.patientId !== event.patientId) return { act: false, reason: 'the facts are about another patient' };
  if (facts.archived) return { act: false, reason: 'the patient is archived' };
  const matched = matchTrigger(d.trigger, event);
  if (!matched.ok) return { act: false, reason: matched.reason };
  for (const c of d.conditions) {
    const failed = checkCondition(c, facts);
    if (failed) return { act: false, reason: failed };
  }
  const dueMs = event.atMs + d.delayMinutes * 60_000;
  return {
    act: true,
    runKey: `${w.id}|${eventKey(event)}${matched.keySuffix ?? ''}`,
    dueMs,
    summary: describeEvent(event),
    actions: d.actions.map((a) => plan(a, event, facts, dueMs)),
  };
}

type Match = { ok: true; keySuffix?: string } | { ok: false; reason: string };

function matchTrigger(t: Trigger, e: WorkflowEvent): Match {
  if (t.kind !== e.kind) return { ok: false, reason: `the workflow starts on ${t.kind}, not ${e.kind}` };
  switch (t.kind) {
    case 'alert-opened': {
      const ev = e as Extract<WorkflowEvent, { kind: 'alert-opened' }>;
      if (!t.priorities.includes(ev.priority)) return { ok: false, reason: `the alert is ${ev.priority} priority` };
      if (t.ruleIds?.length && !t.ruleIds.includes(ev.ruleId)) return { ok: false, reason: 'the alert comes from another rule' };
      return { ok: true };
    }
    case 'reading-received': {
      const ev = e as Extract<WorkflowEvent, { kind: 'reading-received' }>;
      const l = t.limit;
      if (ev.metric !== l.metric) return { ok: false, reason: `the reading is ${ev.metric}, not ${l.metric}` };
      if (!Number.isFinite(ev.value)) return { ok: false, reason: 'the reading has no value' };
      const tripped = (l.atOrAbove !== undefined && ev.value >= l.atOrAbove) || (l.atOrBelow !== undefined && ev.value <= l.atOrBelow);
      return tripped ? { ok: true } : { ok: false, reason: 'the reading is within the limits' };
    }
    case 'appointment-upcoming': {
      const ev = e as Extract<WorkflowEvent, { kind: 'appointment-upcoming' }>;
      const ahead = ev.startMs - ev.atMs;
      if (ahead <= 0) return { ok: false, reason: 'the appointment has started' };
      if (ahead > t.hoursBefore * HOUR) return { ok: false, reason: `the appointment is more than ${t.hoursBefore} hours away` };
      return { ok: true };
    }
    case 'no-reading': {
      const ev = e as Extract<WorkflowEvent, { kind: 'no-reading' }>;
      const silentSince = ev.lastReadingMs ?? ev.monitoringSinceMs;
      if (ev.atMs - silentSince < t.days * DAY) return { ok: false, reason: `there was a reading in the last ${t.days} days` };
      return { ok: true };
    }
    case 'enrolment': {
      const ev = e as Extract<WorkflowEvent, { kind: 'enrolment' }>;
      if (t.programKeys?.length && !t.programKeys.includes(ev.programKey)) return { ok: false, reason: `the enrolment is in ${ev.programKey}` };
      return { ok: true };
    }
    case 'goal-met':
      return goalMet(t, e as Extract<WorkflowEvent, { kind: 'goal-met' }>);
    case 'medication-schedule': {
      const ev = e as Extract<WorkflowEvent, { kind: 'medication-schedule' }>;
      return t.times.includes(ev.time) ? { ok: true } : { ok: false, reason: `${ev.time} is not one of this workflow's times` };
    }
    case 'appointment-booked':
    case 'appointment-missed':
    case 'birthday':
      // The tick emits birthdays only on the day; the rest match on kind alone.
      return { ok: true };
  }
}

/** Day 4 after the epoch (1970-01-05) was a Monday: goal windows are whole weeks from Monday. */
const MONDAY_OFFSET = 3;

/**
 * The goal is met when, in the latest complete window of `days` days (windows are laid
 * end to end from a Monday, so one streak is praised once per window, not every day),
 * every day has at least one reading of each target's metric and every such reading is
 * on target.
 */
export function goalMet(t: Extract<Trigger, { kind: 'goal-met' }>, e: Extract<WorkflowEvent, { kind: 'goal-met' }>): Match {
  const last = e.days[e.days.length - 1];
  if (!last) return { ok: false, reason: 'no complete days to look at' };
  let end = last.index;
  while ((end + MONDAY_OFFSET + 1) % t.days !== 0) end--;
  const window = e.days.filter((d) => d.index > end - t.days && d.index <= end);
  if (window.length < t.days) return { ok: false, reason: `fewer than ${t.days} complete days to look at` };
  const from = window[0]!.startMs;
  const to = window[window.length - 1]!.endMs;
  const relevant = e.readings.filter((r) => r.timeMs >= from && r.timeMs < to && t.targets.some((x) => x.metric === r.metric));
  for (const day of window) {
    for (const target of t.targets) {
      if (!relevant.some((r) => r.metric === target.metric && r.timeMs >= day.startMs && r.timeMs < day.endMs)) return { ok: false, reason: `a day without a ${target.metric} reading` };
    }
  }
  const off = relevant.find((r) => !t.targets.filter((x) => x.metric === r.metric).every((x) => onTarget(x, r)));
  if (off) return { ok: false, reason: `a ${off.metric} reading was off target` };
  return { ok: true, keySuffix: `:${end}` };
}

function onTarget(t: Target, r: ReadingFact): boolean {
  return (t.below === undefined || r.value < t.below) && (t.above === undefined || r.value > t.above);
}

/** Complete local days for a goal check, oldest first, given a way to find a day's bounds. */
export function recentDays(count: number, todayIndex: number, bounds: (index: number) => { startMs: number; endMs: number }): LocalDay[] {
  const out: LocalDay[] = [];
  for (let i = todayIndex - count; i < todayIndex; i++) out.push({ index: i, ...bounds(i) });
  return out;
}

function checkCondition(c: Condition, f: PatientFacts): string | undefined {
  switch (c.kind) {
    case 'has-condition': {
      const want = c.text.toLowerCase();
      return f.conditions.some((x) => x.display.toLowerCase().includes(want) || x.code?.toLowerCase() === want) ? undefined : `the patient has no condition matching “${c.text}”`;
    }
    case 'has-tag':
      return f.tags.includes(c.tag) ? undefined : `the patient is not tagged ${c.tag}`;
    case 'in-program':
      return f.programKeys.includes(c.programKey) ? undefined : `the patient is not enrolled in ${c.programKey}`;
    case 'has-consent':
      return f.consents.includes(c.purpose) ? undefined : `the patient has not consented to ${c.purpose}`;
    case 'risk-tier':
      return f.riskTier && c.tiers.includes(f.riskTier) ? undefined : `the patient's risk tier is ${f.riskTier ?? 'not set'}`;
    case 'has-medications':
      return f.medicationCount > 0 ? undefined : 'the patient has no medications on record';
  }
}

/** The member of the care team to give work to: the preferred role first, then any member of staff. */
export function pickStaff(f: PatientFacts, role?: StaffRole): string | undefined {
  const staff = f.careTeam.filter((m) => m.staffId);
  return (role ? staff.find((m) => m.staffRole === role) : undefined)?.staffId ?? staff[0]?.staffId;
}

/** A message channel for the patient: 'preferred' follows the patient; a preferred phone call becomes SMS. */
export function channelFor(channel: Extract<Action, { kind: 'send-message' }>['channel'], f: PatientFacts): 'sms' | 'email' | 'portal' | 'in-app' {
  if (channel !== 'preferred') return channel;
  return f.preferredChannel === 'phone' ? 'sms' : f.preferredChannel;
}

function plan(a: Action, e: WorkflowEvent, f: PatientFacts, dueMs: number): PlannedAction {
  const about = describeEvent(e);
  switch (a.kind) {
    case 'send-message':
      return { kind: 'send-message', template: a.template, channel: channelFor(a.channel, f) };
    case 'notify-care-team':
      return { kind: 'notify-care-team', text: `${a.text} (${about})`, recipients: f.careTeam.map((m) => m.name) };
    case 'create-task': {
      const assignee = pickStaff(f, a.role);
      return { kind: 'create-task', title: `${a.title}: ${f.name}`, details: about, ...(assignee ? { assigneeStaffId: assignee } : {}), dueMs: dueMs + a.dueInHours * HOUR, priority: a.priority };
    }
    case 'book-follow-up': {
      const clinician = pickStaff(f, 'physician');
      return { kind: 'book-follow-up', ...(clinician ? { clinicianStaffId: clinician } : {}), fromMs: dueMs, untilMs: dueMs + a.withinDays * DAY, appointmentType: a.appointmentType };
    }
    case 'set-risk-tier':
      return { kind: 'set-risk-tier', tier: a.tier };
  }
}
