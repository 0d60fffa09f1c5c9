import { describe, expect, it } from 'vitest';
import { atTime, isBirthday, slotsBetween } from '../../../renderer/src/engine/workflows/clock';
import { decide, type WorkflowRef } from '../../../renderer/src/engine/workflows/decide';
import { defaultWorkflows } from '../../../renderer/src/engine/workflows/defaults';
import type { WorkflowEvent } from '../../../renderer/src/engine/workflows/events';
import { alertEvent, DAY, dailyBp, facts, HOUR, T0, utcDays } from './facts';

const byKey = (key: string): WorkflowRef => {
  const d = defaultWorkflows().find((w) => w.key === key);
  if (!d) throw new Error(`no default ${key}`);
  return { id: key, definition: d };
};

describe('shipped default workflows', () => {
  it('are five valid, enabled workflows, each with a rationale', () => {
    const all = defaultWorkflows();
    expect(all.map((w) => w.key)).toEqual(['appointment-reminder', 'medication-reminders', 'no-reading-nudge', 'high-alert-follow-up', 'goal-met-encouragement']);
    for (const w of all) {
      expect(w.enabled).toBe(true);
      expect(w.rationale.length).toBeGreaterThan(40);
    }
  });

  it('appointment reminder: the day before, on the preferred channel', () => {
    const w = byKey('appointment-reminder');
    const e = (startMs: number): WorkflowEvent => ({ kind: 'appointment-upcoming', patientId: 'p1', atMs: T0, appointmentId: 'ap', startMs });
    expect(decide(w, e(T0 + 23 * HOUR), facts({ preferredChannel: 'email' }))).toMatchObject({ act: true, actions: [{ kind: 'send-message', template: 'Appointment reminder', channel: 'email' }] });
    expect(decide(w, e(T0 + 2 * DAY), facts()).act).toBe(false);
  });

  it('medication reminders: at 08:00 and 20:00, only for patients with medicines who asked for reminders', () => {
    const w = byKey('medication-reminders');
    const e: WorkflowEvent = { kind: 'medication-schedule', patientId: 'p1', atMs: T0, time: '20:00', slotMs: T0 };
    expect(decide(w, e, facts())).toMatchObject({ act: true, actions: [{ kind: 'send-message', template: 'Medication reminder' }] });
    expect(decide(w, e, facts({ tags: [] }))).toMatchObject({ act: false, reason: 'the patient is not tagged medication-reminders' });
    expect(decide(w, e, facts({ medicationCount: 0 })).act).toBe(false);
    expect(decide(w, { ...e, time: '12:00' }, facts()).act).toBe(false);
  });

  it('no reading for 3 days: a nudge on day 3, not before', () => {
    const w = byKey('no-reading-nudge');
    const e = (lastReadingMs: number): WorkflowEvent => ({ kind: 'no-reading', patientId: 'p1', atMs: T0, lastReadingMs, monitoringSinceMs: T0 - 90 * DAY });
    expect(decide(w, e(T0 - 3 * DAY - 1), facts())).toMatchObject({ act: true, actions: [{ kind: 'send-message', template: 'No readings for 3 days' }] });
    expect(decide(w, e(T0 - 2 * DAY), facts()).act).toBe(false);
  });

  it('high-priority alert: notify the care team, a nurse task due in 4 hours, a follow-up within 2 days', () => {
    const w = byKey('high-alert-follow-up');
    const d = decide(w, alertEvent(), facts());
    expect(d).toMatchObject({
      act: true,
      actions: [
        { kind: 'notify-care-team', recipients: ['Dr Amara Singh', 'Nurse Jordan Lee'] },
        { kind: 'create-task', assigneeStaffId: 'nurse', priority: 'high', dueMs: T0 + 4 * HOUR },
        { kind: 'book-follow-up', clinicianStaffId: 'doc', fromMs: T0, untilMs: T0 + 2 * DAY },
      ],
    });
    expect(decide(w, alertEvent({ priority: 'medium' }), facts()).act).toBe(false);
    expect(decide(w, alertEvent({ priority: 'low' }), facts()).act).toBe(false);
  });

  it('goal met: a week of daily blood pressures under 140/90 earns the encouragement', () => {
    const w = byKey('goal-met-encouragement');
    const monday = Math.round(Date.UTC(2026, 2, 16) / DAY);
    const days = utcDays(14, monday + 2);
    const e = (bp: (i: number) => [number, number]): WorkflowEvent => ({ kind: 'goal-met', patientId: 'p1', atMs: (monday + 2) * DAY, days, readings: dailyBp(days, bp) });
    expect(decide(w, e(() => [132, 84]), facts())).toMatchObject({ act: true, runKey: `goal-met-encouragement|goal-met:p1:${monday - 1}`, actions: [{ kind: 'send-message', template: 'Well done this week' }] });
    expect(decide(w, e((i) => (i === monday - 4 ? [141, 84] : [132, 84])), facts()).act).toBe(false);
  });
});

describe('clock helpers', () => {
  const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
  it('finds the times of day in a window, skipping ones too late to be useful', () => {
    const day = Date.UTC(2026, 2, 10);
    expect(atTime(day, '08:30')).toBe(day + 8.5 * HOUR);
    expect(slotsBetween(['08:00', '20:00'], day + 7 * HOUR, day + 8 * HOUR, utcDay, HOUR)).toEqual([{ time: '08:00', slotMs: day + 8 * HOUR }]);
    expect(slotsBetween(['08:00', '20:00'], day + 8 * HOUR, day + 9 * HOUR, utcDay, HOUR)).toEqual([]);
    // Off all day: the morning slot is stale by the afternoon; the window crosses midnight.
    expect(slotsBetween(['08:00'], day - 10 * HOUR, day + 15 * HOUR, utcDay, HOUR)).toEqual([]);
    expect(slotsBetween(['23:30', '00:15'], day - HOUR, day + HOUR, utcDay, 2 * HOUR).map((s) => s.time)).toEqual(['23:30', '00:15']);
  });

  it('birthdays, with 29 February kept on 28 February in common years', () => {
    expect(isBirthday('1951-05-04', '2026-05-04')).toBe(true);
    expect(isBirthday('1951-05-04', '2026-05-05')).toBe(false);
    expect(isBirthday('1960-02-29', '2026-02-28')).toBe(true);
    expect(isBirthday('1960-02-29', '2028-02-28')).toBe(false);
    expect(isBirthday('1960-02-29', '2028-02-29')).toBe(true);
  });
});
