import type { LocalDay, PatientFacts, ReadingFact, WorkflowEvent } from '../../../renderer/src/engine/workflows/events';

/** A patient as the decision sees one, with everything a default needs; override per test. */
export function facts(over: Partial<PatientFacts> = {}): PatientFacts {
  return {
    patientId: 'p1',
    name: 'Ruth Okafor',
    archived: false,
    birthDate: '1951-05-04',
    tags: ['medication-reminders'],
    conditions: [{ display: 'Essential hypertension', code: 'I10' }],
    medicationCount: 2,
    programKeys: ['hypertension'],
    consents: ['sms', 'monitoring'],
    preferredChannel: 'sms',
    careTeam: [
      { name: 'Dr Amara Singh', staffId: 'doc', staffRole: 'physician' },
      { name: 'Nurse Jordan Lee', staffId: 'nurse', staffRole: 'nurse' },
    ],
    ...over,
  };
}

export const T0 = Date.UTC(2026, 2, 10, 12, 0); // Tuesday 10 March 2026, 12:00 UTC
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** UTC days ending yesterday (relative to `todayIndex`). */
export function utcDays(count: number, todayIndex: number): LocalDay[] {
  const out: LocalDay[] = [];
  for (let i = todayIndex - count; i < todayIndex; i++) out.push({ index: i, startMs: i * DAY, endMs: (i + 1) * DAY });
  return out;
}

/** A blood pressure every day at 08:00 UTC of the given days, systolic/diastolic from `bp(dayIndex)`. */
export function dailyBp(days: readonly LocalDay[], bp: (index: number) => [number, number] | undefined): ReadingFact[] {
  const out: ReadingFact[] = [];
  for (const d of days) {
    const v = bp(d.index);
    if (!v) continue;
    out.push({ metric: 'blood-pressure-systolic', value: v[0], timeMs: d.startMs + 8 * HOUR }, { metric: 'blood-pressure-diastolic', value: v[1], timeMs: d.startMs + 8 * HOUR });
  }
  return out;
}

export const alertEvent = (over: Partial<Extract<WorkflowEvent, { kind: 'alert-opened' }>> = {}): WorkflowEvent => ({
  kind: 'alert-opened', patientId: 'p1', atMs: T0, alertId: 'a1', priority: 'high', ruleId: 'bp-high', ruleName: 'Blood pressure very high', ...over,
});
