import { describe, expect, it } from 'vitest';
import type { AlertAction } from '../../../renderer/src/engine/rules/evaluate';
import {
  AlertTransitionError,
  acknowledge,
  applyEngineAction,
  dueEscalation,
  escalate,
  openAlert,
  resolve,
  snooze,
  wake,
  type Alert,
} from '../../../renderer/src/engine/rules/lifecycle';
import { MIN, T0 } from './helpers';

const team = ['nurse-ana', 'dr-bello', 'dr-chen'];
const openAction: AlertAction = {
  type: 'open',
  alertKey: 'tachycardia-at-rest|p1|' + T0,
  patientId: 'p1',
  ruleId: 'tachycardia-at-rest',
  ruleVersion: 1,
  priority: 'high',
  atMs: T0,
  readingIds: ['r1', 'r2', 'r3'],
  values: { 'heart-rate': 130 },
};
const fresh = (): Alert => openAlert(openAction, team).alert;

function throwsCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AlertTransitionError);
    expect((e as AlertTransitionError).code).toBe(code);
    return;
  }
  throw new Error('expected an AlertTransitionError');
}

describe('alert lifecycle', () => {
  it('opens assigned to the first care-team member, linked to its readings, with an audit entry', () => {
    const { alert, audit } = openAlert(openAction, team);
    expect(alert).toMatchObject({ id: openAction.alertKey, status: 'open', assignee: 'nurse-ana', readingIds: ['r1', 'r2', 'r3'], openedAtMs: T0 });
    expect(audit).toMatchObject({ alertId: alert.id, actor: 'system', action: 'open', atMs: T0 });
  });

  it('open → acknowledged → resolved, auditing who, what, when and the changed fields', () => {
    const ack = acknowledge(fresh(), 'nurse-ana', T0 + MIN);
    expect(ack.alert.status).toBe('acknowledged');
    expect(ack.audit).toEqual({
      alertId: openAction.alertKey,
      actor: 'nurse-ana',
      action: 'acknowledge',
      atMs: T0 + MIN,
      before: { status: 'open', acknowledgedBy: null, acknowledgedAtMs: null },
      after: { status: 'acknowledged', acknowledgedBy: 'nurse-ana', acknowledgedAtMs: T0 + MIN },
      description: 'nurse-ana acknowledged the alert',
    });
    const done = resolve(ack.alert, 'dr-bello', T0 + 10 * MIN, 'called the patient; exercise');
    expect(done.alert).toMatchObject({ status: 'resolved', resolvedBy: 'dr-bello', resolvedAtMs: T0 + 10 * MIN, resolutionNote: 'called the patient; exercise' });
    expect(done.audit.before).toMatchObject({ status: 'acknowledged' });
  });

  it('never mutates the alert it is given', () => {
    const a = fresh();
    const copy = JSON.stringify(a);
    acknowledge(a, 'nurse-ana', T0 + MIN);
    snooze(a, 'nurse-ana', T0 + MIN, T0 + 60 * MIN, 'patient at the gym');
    expect(JSON.stringify(a)).toBe(copy);
  });

  it('rejects invalid transitions with a typed error', () => {
    const resolved = resolve(fresh(), 'nurse-ana', T0 + MIN).alert;
    throwsCode(() => acknowledge(resolved, 'nurse-ana', T0 + 2 * MIN), 'invalid-transition');
    throwsCode(() => resolve(resolved, 'nurse-ana', T0 + 2 * MIN), 'invalid-transition');
    throwsCode(() => snooze(resolved, 'nurse-ana', T0 + 2 * MIN, T0 + 9 * MIN, 'x'), 'invalid-transition');
    const acked = acknowledge(fresh(), 'nurse-ana', T0 + MIN).alert;
    throwsCode(() => acknowledge(acked, 'nurse-ana', T0 + 2 * MIN), 'invalid-transition');
    throwsCode(() => escalate(acked, 'nurse-ana', T0 + 2 * MIN, team), 'invalid-transition');
    throwsCode(() => wake(fresh(), T0 + MIN, true, team), 'invalid-transition');
    throwsCode(() => acknowledge(fresh(), '', T0 + MIN), 'bad-input');
    throwsCode(() => acknowledge(fresh(), 'nurse-ana', T0 - 1), 'bad-input');
    throwsCode(() => openAlert({ ...openAction, type: 'update' }, team), 'bad-input');
  });

  it('snoozes until a time with a reason, and wakes to open if the condition still holds, else resolves', () => {
    throwsCode(() => snooze(fresh(), 'nurse-ana', T0 + MIN, T0 + MIN, 'now'), 'bad-input');
    throwsCode(() => snooze(fresh(), 'nurse-ana', T0 + MIN, T0 + 30 * MIN, '  '), 'bad-input');
    const s = snooze(escalate(fresh(), 'nurse-ana', T0 + MIN, team).alert, 'dr-bello', T0 + 2 * MIN, T0 + 30 * MIN, 'repeat reading in 30 minutes');
    expect(s.alert).toMatchObject({ status: 'snoozed', snoozedUntilMs: T0 + 30 * MIN, snoozeReason: 'repeat reading in 30 minutes' });
    throwsCode(() => wake(s.alert, T0 + 29 * MIN, true, team), 'snooze-not-over');
    const back = wake(s.alert, T0 + 30 * MIN, true, team);
    expect(back.alert).toMatchObject({ status: 'open', assignee: 'nurse-ana', escalationLevel: 0, awaitingSinceMs: T0 + 30 * MIN, snoozedUntilMs: null });
    expect(back.audit).toMatchObject({ actor: 'system', action: 'wake' });
    const gone = wake(s.alert, T0 + 31 * MIN, false, team);
    expect(gone.alert).toMatchObject({ status: 'resolved', resolvedBy: 'system', conditionCleared: true });
  });

  it('escalates along the care team when unacknowledged past the rule\'s delay, and stops at the end', () => {
    const delay = 15 * MIN;
    let a = fresh();
    expect(dueEscalation(a, T0 + 14 * MIN, team, delay)).toBeUndefined();
    const first = dueEscalation(a, T0 + 15 * MIN, team, delay)!;
    expect(first.alert).toMatchObject({ status: 'escalated', assignee: 'dr-bello', escalationLevel: 1, awaitingSinceMs: T0 + 15 * MIN });
    expect(first.audit).toMatchObject({ actor: 'system', action: 'escalate', before: { status: 'open', assignee: 'nurse-ana' }, after: { status: 'escalated', assignee: 'dr-bello' } });
    a = first.alert;
    expect(dueEscalation(a, T0 + 29 * MIN, team, delay)).toBeUndefined(); // the clock restarts at each escalation
    a = dueEscalation(a, T0 + 30 * MIN, team, delay)!.alert;
    expect(a.assignee).toBe('dr-chen');
    expect(dueEscalation(a, T0 + 60 * MIN, team, delay)).toBeUndefined(); // nobody further
    throwsCode(() => escalate(a, 'dr-chen', T0 + 61 * MIN, team), 'no-next-member');
    // acknowledged alerts and rules without a delay do not escalate
    expect(dueEscalation(acknowledge(fresh(), 'nurse-ana', T0 + MIN).alert, T0 + 60 * MIN, team, delay)).toBeUndefined();
    expect(dueEscalation(fresh(), T0 + 600 * MIN, team, undefined)).toBeUndefined();
    // an escalated alert can be acknowledged by the new assignee
    expect(acknowledge(first.alert, 'dr-bello', T0 + 16 * MIN).alert.status).toBe('acknowledged');
  });

  it('links re-fired readings without raising again, and marks a cleared condition as a resolve suggestion', () => {
    const refire = applyEngineAction(fresh(), { ...openAction, type: 'update', atMs: T0 + 5 * MIN, readingIds: ['r3', 'r4'], values: { 'heart-rate': 135 } });
    expect(refire.alert).toMatchObject({ status: 'open', readingIds: ['r1', 'r2', 'r3', 'r4'], refireCount: 1, lastRefireAtMs: T0 + 5 * MIN, values: { 'heart-rate': 135 } });
    expect(refire.audit.action).toBe('refire');
    const cleared = applyEngineAction(refire.alert, { ...openAction, type: 'clear', atMs: T0 + 9 * MIN, readingIds: ['r9'] });
    expect(cleared.alert).toMatchObject({ status: 'open', conditionCleared: true });
    throwsCode(() => applyEngineAction(fresh(), openAction), 'invalid-transition');
    throwsCode(() => applyEngineAction(fresh(), { ...openAction, type: 'update', alertKey: 'x', ruleId: 'fever' }), 'wrong-alert');
    const resolved = resolve(fresh(), 'nurse-ana', T0 + MIN).alert;
    throwsCode(() => applyEngineAction(resolved, { ...openAction, type: 'update' }), 'invalid-transition');
  });
});
