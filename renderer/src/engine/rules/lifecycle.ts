import type { AlertAction } from './evaluate';
import type { Priority } from './rule';

/**
 * The alert lifecycle as a pure state machine (issue #6): open → acknowledged → resolved,
 * with snooze (until a time, with a reason) and escalation (to the next care-team member
 * when nobody acknowledges within the rule's escalation delay). Functions take `now` and
 * return the new alert plus an audit entry; they never mutate their input. An alert is a
 * plain JSON object with an `id`, so it can be stored and synced as a row.
 */

export type AlertStatus = 'open' | 'acknowledged' | 'snoozed' | 'escalated' | 'resolved';

export interface Alert {
  id: string;
  patientId: string;
  ruleId: string;
  ruleVersion: number;
  priority: Priority;
  status: AlertStatus;
  openedAtMs: number;
  /** The readings that raised it (and later re-fired it), newest last, at most MAX_ALERT_READING_IDS. */
  readingIds: string[];
  values: Record<string, number>;
  /** Care-team member (id) the alert is with now; null when the patient has no care team. */
  assignee: string | null;
  /** Index of the assignee in the care-team order. */
  escalationLevel: number;
  /** Since when the alert waits for someone to acknowledge it: opening, the last escalation, or the end of a snooze. */
  awaitingSinceMs: number;
  acknowledgedBy: string | null;
  acknowledgedAtMs: number | null;
  snoozedUntilMs: number | null;
  snoozeReason: string | null;
  resolvedBy: string | null;
  resolvedAtMs: number | null;
  resolutionNote: string | null;
  /** The engine saw the condition clear: the screen suggests resolving. */
  conditionCleared: boolean;
  /** Suppressed re-fires while open. */
  refireCount: number;
  lastRefireAtMs: number | null;
}

export const MAX_ALERT_READING_IDS = 200;

/** Who did it: a user id, or 'system' for the engine and timers. */
export type Actor = string;

export type AuditAction = 'open' | 'refire' | 'condition-cleared' | 'acknowledge' | 'resolve' | 'snooze' | 'wake' | 'escalate';

export interface AlertAudit {
  alertId: string;
  actor: Actor;
  action: AuditAction;
  atMs: number;
  /** Only the fields that changed, before and after. */
  before: Partial<Alert>;
  after: Partial<Alert>;
  description: string;
}

export interface Transition {
  alert: Alert;
  audit: AlertAudit;
}

export type AlertTransitionErrorCode = 'invalid-transition' | 'bad-input' | 'no-next-member' | 'snooze-not-over' | 'wrong-alert';

export class AlertTransitionError extends Error {
  override readonly name = 'AlertTransitionError';
  constructor(
    readonly code: AlertTransitionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function diff(before: Alert, after: Alert): { before: Partial<Alert>; after: Partial<Alert> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof Alert)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b as Partial<Alert>, after: a as Partial<Alert> };
}

function transition(before: Alert, after: Alert, actor: Actor, action: AuditAction, atMs: number, description: string): Transition {
  return { alert: after, audit: { alertId: after.id, actor, action, atMs, ...diff(before, after), description } };
}

function requireStatus(alert: Alert, action: AuditAction, allowed: readonly AlertStatus[]): void {
  if (!allowed.includes(alert.status)) {
    throw new AlertTransitionError('invalid-transition', `cannot ${action} an alert that is ${alert.status} (allowed from ${allowed.join(', ')})`);
  }
}

function requireActor(actor: Actor): void {
  if (typeof actor !== 'string' || actor.trim() === '') throw new AlertTransitionError('bad-input', 'say who is acting');
}

function requireTime(now: number, alert: Alert): void {
  if (!Number.isFinite(now)) throw new AlertTransitionError('bad-input', 'the time must be a finite number of epoch milliseconds');
  if (now < alert.openedAtMs) throw new AlertTransitionError('bad-input', 'the time is before the alert opened');
}

/** A new alert from the engine's `open` action, assigned to the first member of the care team. */
export function openAlert(action: AlertAction, careTeam: readonly string[], id: string = action.alertKey): Transition {
  if (action.type !== 'open') throw new AlertTransitionError('bad-input', `an alert opens from an open action, not ${action.type}`);
  const alert: Alert = {
    id,
    patientId: action.patientId,
    ruleId: action.ruleId,
    ruleVersion: action.ruleVersion,
    priority: action.priority,
    status: 'open',
    openedAtMs: action.atMs,
    readingIds: action.readingIds.slice(-MAX_ALERT_READING_IDS),
    values: { ...action.values },
    assignee: careTeam[0] ?? null,
    escalationLevel: 0,
    awaitingSinceMs: action.atMs,
    acknowledgedBy: null,
    acknowledgedAtMs: null,
    snoozedUntilMs: null,
    snoozeReason: null,
    resolvedBy: null,
    resolvedAtMs: null,
    resolutionNote: null,
    conditionCleared: false,
    refireCount: 0,
    lastRefireAtMs: null,
  };
  return {
    alert,
    audit: {
      alertId: id,
      actor: 'system',
      action: 'open',
      atMs: action.atMs,
      before: {},
      after: alert,
      description: `rule ${action.ruleId} opened a ${action.priority}-priority alert${alert.assignee ? ` for ${alert.assignee}` : ''}`,
    },
  };
}

/**
 * Applies the engine's later actions for the same episode: `update` (re-fire, suppressed:
 * readings are linked, nobody is paged again) and `clear` (a suggestion to resolve).
 * A resolved alert takes no engine actions.
 */
export function applyEngineAction(alert: Alert, action: AlertAction): Transition {
  if (action.alertKey !== alert.id && `${action.ruleId}|${action.patientId}` !== `${alert.ruleId}|${alert.patientId}`) {
    throw new AlertTransitionError('wrong-alert', 'the action belongs to another alert');
  }
  if (action.type === 'open') throw new AlertTransitionError('invalid-transition', 'an alert is already open for this rule and patient');
  requireStatus(alert, action.type === 'update' ? 'refire' : 'condition-cleared', ['open', 'acknowledged', 'snoozed', 'escalated']);
  const readingIds = [...alert.readingIds];
  for (const id of action.readingIds) if (!readingIds.includes(id)) readingIds.push(id);
  const linked = readingIds.slice(-MAX_ALERT_READING_IDS);
  if (action.type === 'update') {
    const after: Alert = { ...alert, readingIds: linked, values: { ...action.values }, refireCount: alert.refireCount + 1, lastRefireAtMs: action.atMs, conditionCleared: false };
    return transition(alert, after, 'system', 'refire', action.atMs, `rule ${alert.ruleId} fired again while the alert is ${alert.status}; not raised again`);
  }
  const after: Alert = { ...alert, readingIds: linked, conditionCleared: true };
  return transition(alert, after, 'system', 'condition-cleared', action.atMs, `rule ${alert.ruleId} no longer holds; resolving is suggested`);
}

export function acknowledge(alert: Alert, by: Actor, now: number): Transition {
  requireActor(by);
  requireTime(now, alert);
  requireStatus(alert, 'acknowledge', ['open', 'escalated']);
  const after: Alert = { ...alert, status: 'acknowledged', acknowledgedBy: by, acknowledgedAtMs: now };
  return transition(alert, after, by, 'acknowledge', now, `${by} acknowledged the alert`);
}

export function resolve(alert: Alert, by: Actor, now: number, note?: string): Transition {
  requireActor(by);
  requireTime(now, alert);
  requireStatus(alert, 'resolve', ['open', 'acknowledged', 'snoozed', 'escalated']);
  const after: Alert = { ...alert, status: 'resolved', resolvedBy: by, resolvedAtMs: now, resolutionNote: note?.trim() || null, snoozedUntilMs: null };
  return transition(alert, after, by, 'resolve', now, `${by} resolved the alert${after.resolutionNote ? ' with a note' : ''}`);
}

export function snooze(alert: Alert, by: Actor, now: number, untilMs: number, reason: string): Transition {
  requireActor(by);
  requireTime(now, alert);
  requireStatus(alert, 'snooze', ['open', 'acknowledged', 'escalated']);
  if (!Number.isFinite(untilMs) || untilMs <= now) throw new AlertTransitionError('bad-input', 'snooze until a time in the future');
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (!why) throw new AlertTransitionError('bad-input', 'give a reason to snooze');
  const after: Alert = { ...alert, status: 'snoozed', snoozedUntilMs: untilMs, snoozeReason: why };
  return transition(alert, after, by, 'snooze', now, `${by} snoozed the alert until ${new Date(untilMs).toISOString()}`);
}

/**
 * Ends a snooze whose time has come: back to open (waiting for acknowledgement again, with
 * the first care-team member) if the condition still holds, otherwise resolved by the system.
 */
export function wake(alert: Alert, now: number, conditionHolds: boolean, careTeam: readonly string[]): Transition {
  requireTime(now, alert);
  requireStatus(alert, 'wake', ['snoozed']);
  if (alert.snoozedUntilMs !== null && now < alert.snoozedUntilMs) {
    throw new AlertTransitionError('snooze-not-over', 'the snooze has not ended yet');
  }
  const base = { ...alert, snoozedUntilMs: null };
  if (conditionHolds) {
    const after: Alert = { ...base, status: 'open', awaitingSinceMs: now, acknowledgedBy: null, acknowledgedAtMs: null, assignee: careTeam[0] ?? alert.assignee, escalationLevel: 0 };
    return transition(alert, after, 'system', 'wake', now, 'the snooze ended and the condition still holds: the alert is open again');
  }
  const after: Alert = { ...base, status: 'resolved', resolvedBy: 'system', resolvedAtMs: now, resolutionNote: 'condition cleared during snooze', conditionCleared: true };
  return transition(alert, after, 'system', 'resolve', now, 'the snooze ended and the condition no longer holds: resolved');
}

/** Hands an unacknowledged alert to the next member of the care team (in the team's order). */
export function escalate(alert: Alert, by: Actor, now: number, careTeam: readonly string[]): Transition {
  requireActor(by);
  requireTime(now, alert);
  requireStatus(alert, 'escalate', ['open', 'escalated']);
  const current = alert.assignee === null ? -1 : careTeam.indexOf(alert.assignee);
  const nextLevel = current >= 0 ? current + 1 : alert.escalationLevel + 1;
  const next = careTeam[nextLevel];
  if (next === undefined) throw new AlertTransitionError('no-next-member', 'nobody further in the care team to escalate to');
  const after: Alert = { ...alert, status: 'escalated', assignee: next, escalationLevel: nextLevel, awaitingSinceMs: now };
  return transition(alert, after, by, 'escalate', now, `${by === 'system' ? 'unacknowledged: ' : `${by} `}escalated to ${next}`);
}

/**
 * The automatic escalation due at `now`, if any: the alert is unacknowledged (open or
 * already escalated), the rule has an escalation delay, that delay has passed since the
 * alert last started waiting, and the care team has a next member.
 */
export function dueEscalation(alert: Alert, now: number, careTeam: readonly string[], escalateAfterMs: number | undefined): Transition | undefined {
  if (escalateAfterMs === undefined) return undefined;
  if (alert.status !== 'open' && alert.status !== 'escalated') return undefined;
  if (now - alert.awaitingSinceMs < escalateAfterMs) return undefined;
  const current = alert.assignee === null ? -1 : careTeam.indexOf(alert.assignee);
  const nextLevel = current >= 0 ? current + 1 : alert.escalationLevel + 1;
  if (careTeam[nextLevel] === undefined) return undefined;
  return escalate(alert, 'system', now, careTeam);
}
