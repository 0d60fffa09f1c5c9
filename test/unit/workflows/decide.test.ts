import { describe, expect, it } from 'vitest';
import { channelFor, decide, goalMet, pickStaff, type WorkflowRef } from '../../../renderer/src/engine/workflows/decide';
import { eventKey, type WorkflowEvent } from '../../../renderer/src/engine/workflows/events';
import { parseWorkflow, riskTierOf, withRiskTier, WorkflowValidationError, type WorkflowInput } from '../../../renderer/src/engine/workflows/workflow';
import { alertEvent, DAY, dailyBp, facts, HOUR, T0, utcDays } from './facts';

const wf = (input: Partial<WorkflowInput> & Pick<WorkflowInput, 'trigger' | 'actions'>, id = 'w1'): WorkflowRef => ({ id, definition: parseWorkflow({ key: 'test', name: 'Test workflow', ...input }) });
const note = [{ kind: 'notify-care-team', text: 'look' }] as WorkflowInput['actions'];

describe('workflow definitions', () => {
  it('applies defaults and rejects bad input with a message per field', () => {
    const d = parseWorkflow({ key: 'k-1', name: 'x', trigger: { kind: 'no-reading', days: 3 }, actions: [{ kind: 'send-message', template: 'T' }] });
    expect(d).toMatchObject({ enabled: true, delayMinutes: 0, conditions: [], actions: [{ channel: 'preferred' }] });
    try {
      parseWorkflow({ key: 'Bad Key', name: '', trigger: { kind: 'no-reading', days: 0 }, actions: [] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WorkflowValidationError);
      const f = (err as WorkflowValidationError).fields;
      expect(Object.keys(f).sort()).toEqual(['actions', 'key', 'name', 'trigger.days']);
      expect(f['trigger.days']).toBe('the number of days must be at least 1');
    }
    expect(() => parseWorkflow({ key: 'k', name: 'x', trigger: { kind: 'medication-schedule', times: ['8am'] }, actions: note })).toThrow(/24-hour/);
    expect(() => parseWorkflow({ key: 'kk', name: 'x', trigger: { kind: 'reading-received', limit: { metric: 'glucose' } }, actions: note })).toThrow(/limit/);
  });

  it('keeps the risk tier as one risk: tag', () => {
    expect(riskTierOf(['a', 'risk:high'])).toBe('high');
    expect(riskTierOf(['risk:extreme'])).toBeUndefined();
    expect(withRiskTier(['a', 'risk:low'], 'high')).toEqual(['a', 'risk:high']);
    expect(withRiskTier(['a', 'risk:low'], undefined)).toEqual(['a']);
  });
});

describe('decide: triggers', () => {
  const alertFlow = wf({ trigger: { kind: 'alert-opened', priorities: ['high'] }, actions: note });

  it('acts on a matching alert with a run key of workflow × alert', () => {
    const d = decide(alertFlow, alertEvent(), facts());
    expect(d).toMatchObject({ act: true, runKey: 'w1|alert-opened:a1', dueMs: T0, summary: 'High-priority alert: Blood pressure very high' });
  });

  it('explains every refusal', () => {
    expect(decide(alertFlow, alertEvent({ priority: 'medium' }), facts())).toEqual({ act: false, reason: 'the alert is medium priority' });
    expect(decide(wf({ trigger: { kind: 'alert-opened', priorities: ['high'], ruleIds: ['other'] }, actions: note }), alertEvent(), facts())).toMatchObject({ act: false, reason: 'the alert comes from another rule' });
    expect(decide(wf({ enabled: false, trigger: { kind: 'alert-opened', priorities: ['high'] }, actions: note }), alertEvent(), facts())).toMatchObject({ act: false, reason: 'the workflow is switched off' });
    expect(decide(alertFlow, alertEvent(), facts({ archived: true }))).toMatchObject({ act: false, reason: 'the patient is archived' });
    expect(decide(alertFlow, alertEvent({ patientId: 'p2' }), facts())).toMatchObject({ act: false });
    expect(decide(alertFlow, { kind: 'birthday', patientId: 'p1', atMs: T0, year: 2026 }, facts())).toMatchObject({ act: false, reason: 'the workflow starts on alert-opened, not birthday' });
  });

  it('reading received: at or above / at or below the limit, same metric only', () => {
    const flow = wf({ trigger: { kind: 'reading-received', limit: { metric: 'glucose', atOrBelow: 3, atOrAbove: 20 } }, actions: note });
    const r = (metric: string, value: number): WorkflowEvent => ({ kind: 'reading-received', patientId: 'p1', atMs: T0, observationId: `o-${metric}-${value}`, metric, value, unit: 'mmol/L' });
    expect(decide(flow, r('glucose', 3), facts()).act).toBe(true);
    expect(decide(flow, r('glucose', 20), facts()).act).toBe(true);
    expect(decide(flow, r('glucose', 2.9), facts())).toMatchObject({ act: true, runKey: 'w1|reading:o-glucose-2.9' });
    expect(decide(flow, r('glucose', 6), facts())).toMatchObject({ act: false, reason: 'the reading is within the limits' });
    expect(decide(flow, r('spo2', 2), facts())).toMatchObject({ act: false });
    expect(decide(flow, r('glucose', Number.NaN), facts())).toMatchObject({ act: false, reason: 'the reading has no value' });
  });

  it('appointment upcoming: within the hours before, not after the start; a moved visit is a new occasion', () => {
    const flow = wf({ trigger: { kind: 'appointment-upcoming', hoursBefore: 24 }, actions: note });
    const e = (startMs: number): WorkflowEvent => ({ kind: 'appointment-upcoming', patientId: 'p1', atMs: T0, appointmentId: 'ap1', startMs });
    expect(decide(flow, e(T0 + 24 * HOUR), facts()).act).toBe(true);
    expect(decide(flow, e(T0 + 25 * HOUR), facts())).toMatchObject({ act: false, reason: 'the appointment is more than 24 hours away' });
    expect(decide(flow, e(T0), facts())).toMatchObject({ act: false, reason: 'the appointment has started' });
    expect(eventKey(e(T0 + HOUR))).not.toBe(eventKey(e(T0 + 2 * HOUR)));
  });

  it('booked and missed appointments, enrolments (by program) and birthdays', () => {
    const appt = (kind: 'appointment-booked' | 'appointment-missed'): WorkflowEvent => ({ kind, patientId: 'p1', atMs: T0, appointmentId: 'ap1', startMs: T0 });
    expect(decide(wf({ trigger: { kind: 'appointment-booked' }, actions: note }), appt('appointment-booked'), facts())).toMatchObject({ act: true, runKey: 'w1|appointment-booked:ap1' });
    expect(decide(wf({ trigger: { kind: 'appointment-missed' }, actions: note }), appt('appointment-missed'), facts())).toMatchObject({ act: true, runKey: 'w1|appointment-missed:ap1' });
    expect(decide(wf({ trigger: { kind: 'appointment-missed' }, actions: note }), appt('appointment-booked'), facts()).act).toBe(false);
    const enrol: WorkflowEvent = { kind: 'enrolment', patientId: 'p1', atMs: T0, enrolmentId: 'e1', programKey: 'diabetes' };
    expect(decide(wf({ trigger: { kind: 'enrolment' }, actions: note }), enrol, facts()).act).toBe(true);
    expect(decide(wf({ trigger: { kind: 'enrolment', programKeys: ['hypertension'] }, actions: note }), enrol, facts())).toMatchObject({ act: false, reason: 'the enrolment is in diabetes' });
    expect(decide(wf({ trigger: { kind: 'birthday' }, actions: note }), { kind: 'birthday', patientId: 'p1', atMs: T0, year: 2026 }, facts())).toMatchObject({ act: true, runKey: 'w1|birthday:p1:2026' });
  });

  it('no reading for N days: counted from the last reading, or from the start of monitoring; one nudge per silence', () => {
    const flow = wf({ trigger: { kind: 'no-reading', days: 3 }, actions: note });
    const e = (lastReadingMs: number | null): WorkflowEvent => ({ kind: 'no-reading', patientId: 'p1', atMs: T0, lastReadingMs, monitoringSinceMs: T0 - 10 * DAY });
    expect(decide(flow, e(T0 - 3 * DAY), facts())).toMatchObject({ act: true, runKey: `w1|no-reading:p1:${T0 - 3 * DAY}` });
    expect(decide(flow, e(T0 - 3 * DAY + 1), facts())).toMatchObject({ act: false, reason: 'there was a reading in the last 3 days' });
    expect(decide(flow, e(null), facts())).toMatchObject({ act: true, runKey: 'w1|no-reading:p1:never' });
    expect(decide(flow, { kind: 'no-reading', patientId: 'p1', atMs: T0, lastReadingMs: null, monitoringSinceMs: T0 - DAY }, facts()).act).toBe(false);
  });

  it('medication times: only the workflow’s own times, one run per slot', () => {
    const flow = wf({ trigger: { kind: 'medication-schedule', times: ['08:00', '20:00'] }, actions: note });
    expect(decide(flow, { kind: 'medication-schedule', patientId: 'p1', atMs: T0, time: '08:00', slotMs: T0 }, facts())).toMatchObject({ act: true, runKey: `w1|medication:p1:${T0}` });
    expect(decide(flow, { kind: 'medication-schedule', patientId: 'p1', atMs: T0, time: '12:00', slotMs: T0 }, facts()).act).toBe(false);
  });
});

describe('decide: goal met for a week', () => {
  const trigger = { kind: 'goal-met' as const, days: 7, targets: [{ metric: 'blood-pressure-systolic' as const, below: 140 }, { metric: 'blood-pressure-diastolic' as const, below: 90 }] };
  // 2026-03-16 is a Monday: day index 20528. The window Mon 9 – Sun 15 March is complete on the 16th.
  const monday = Math.round(Date.UTC(2026, 2, 16) / DAY);
  const days = utcDays(14, monday);
  const event = (bp: (i: number) => [number, number] | undefined, d = days) => ({ kind: 'goal-met' as const, patientId: 'p1', atMs: monday * DAY + HOUR, days: d, readings: dailyBp(d, bp) });

  it('met: a reading every day of the last Monday-to-Sunday week, all on target; keyed by the week', () => {
    const m = goalMet(trigger, event(() => [128, 82]));
    expect(m).toEqual({ ok: true, keySuffix: `:${monday - 1}` });
    expect(new Date((monday - 1) * DAY).getUTCDay()).toBe(0); // the window ends on a Sunday
  });

  it('the same week is found on every day of the following week (so it is praised once)', () => {
    for (let today = monday; today < monday + 7; today++) expect(goalMet(trigger, event(() => [120, 80], utcDays(14, today)))).toEqual({ ok: true, keySuffix: `:${monday - 1}` });
  });

  it('not met: a day without a reading, a reading off target (either metric), or too few days', () => {
    expect(goalMet(trigger, event((i) => (i === monday - 3 ? undefined : [120, 80])))).toMatchObject({ ok: false, reason: 'a day without a blood-pressure-systolic reading' });
    expect(goalMet(trigger, event((i) => (i === monday - 2 ? [140, 80] : [120, 80])))).toMatchObject({ ok: false, reason: 'a blood-pressure-systolic reading was off target' });
    expect(goalMet(trigger, event((i) => (i === monday - 7 ? [120, 95] : [120, 80])))).toMatchObject({ ok: false, reason: 'a blood-pressure-diastolic reading was off target' });
    expect(goalMet(trigger, event(() => [120, 80], utcDays(5, monday)))).toMatchObject({ ok: false });
    // Off-target readings outside the window do not count against it.
    expect(goalMet(trigger, event((i) => (i < monday - 7 ? [180, 110] : [120, 80]))).ok).toBe(true);
  });
});

describe('decide: conditions and planned actions', () => {
  const base = { trigger: { kind: 'alert-opened' as const, priorities: ['high' as const] } };
  it('every condition must hold', () => {
    const c = (conditions: WorkflowInput['conditions']) => decide(wf({ ...base, conditions, actions: note }), alertEvent(), facts());
    expect(c([{ kind: 'has-condition', text: 'hypertension' }]).act).toBe(true);
    expect(c([{ kind: 'has-condition', text: 'i10' }]).act).toBe(true);
    expect(c([{ kind: 'has-condition', text: 'asthma' }])).toMatchObject({ act: false, reason: 'the patient has no condition matching “asthma”' });
    expect(c([{ kind: 'has-tag', tag: 'medication-reminders' }]).act).toBe(true);
    expect(c([{ kind: 'has-tag', tag: 'vip' }]).act).toBe(false);
    expect(c([{ kind: 'in-program', programKey: 'hypertension' }]).act).toBe(true);
    expect(c([{ kind: 'in-program', programKey: 'copd' }]).act).toBe(false);
    expect(c([{ kind: 'has-consent', purpose: 'sms' }]).act).toBe(true);
    expect(c([{ kind: 'has-consent', purpose: 'email' }])).toMatchObject({ act: false, reason: 'the patient has not consented to email' });
    expect(c([{ kind: 'risk-tier', tiers: ['high'] }])).toMatchObject({ act: false, reason: "the patient's risk tier is not set" });
    expect(decide(wf({ ...base, conditions: [{ kind: 'risk-tier', tiers: ['high'] }], actions: note }), alertEvent(), facts({ riskTier: 'high' })).act).toBe(true);
    expect(decide(wf({ ...base, conditions: [{ kind: 'has-medications' }], actions: note }), alertEvent(), facts({ medicationCount: 0 })).act).toBe(false);
    expect(c([{ kind: 'has-tag', tag: 'medication-reminders' }, { kind: 'has-tag', tag: 'vip' }]).act).toBe(false);
  });

  it('resolves assignee, clinician, channel, due times and the delay', () => {
    const d = decide(
      wf({
        ...base,
        delayMinutes: 30,
        actions: [
          { kind: 'send-message', template: 'T' },
          { kind: 'notify-care-team', text: 'Check' },
          { kind: 'create-task', title: 'Call', role: 'nurse', dueInHours: 4, priority: 'high' },
          { kind: 'book-follow-up', withinDays: 2 },
          { kind: 'set-risk-tier', tier: 'high' },
        ],
      }),
      alertEvent(),
      facts(),
    );
    if (!d.act) throw new Error(d.reason);
    const due = T0 + 30 * 60_000;
    expect(d.dueMs).toBe(due);
    expect(d.actions).toEqual([
      { kind: 'send-message', template: 'T', channel: 'sms' },
      { kind: 'notify-care-team', text: 'Check (High-priority alert: Blood pressure very high)', recipients: ['Dr Amara Singh', 'Nurse Jordan Lee'] },
      { kind: 'create-task', title: 'Call: Ruth Okafor', details: 'High-priority alert: Blood pressure very high', assigneeStaffId: 'nurse', dueMs: due + 4 * HOUR, priority: 'high' },
      { kind: 'book-follow-up', clinicianStaffId: 'doc', fromMs: due, untilMs: due + 2 * DAY, appointmentType: 'Remote monitoring review' },
      { kind: 'set-risk-tier', tier: 'high' },
    ]);
  });

  it('staff and channel fallbacks', () => {
    expect(pickStaff(facts({ careTeam: [{ name: 'Outside GP' }, { name: 'Nurse', staffId: 'n', staffRole: 'nurse' }] }), 'physician')).toBe('n');
    expect(pickStaff(facts({ careTeam: [{ name: 'Outside GP' }] }), 'nurse')).toBeUndefined();
    expect(channelFor('preferred', facts({ preferredChannel: 'email' }))).toBe('email');
    expect(channelFor('preferred', facts({ preferredChannel: 'phone' }))).toBe('sms');
    expect(channelFor('portal', facts())).toBe('portal');
  });
});
