import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasConsent, type ConsentPurpose } from '../../../common/consent/consent';
import { PATIENT_CHANNELS, type MessageChannel } from '../../../common/messaging/message';
import type { Observation } from '../../../common/readings/observation';
import { consentState } from '../../../renderer/src/db/consents';
import { asCrmDb, type CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { ConsentRequiredError, sendMessage } from '../../../renderer/src/db/messages';
import { DemoOptionsError, loadDemoClinic, type DemoClinicResult } from '../../../renderer/src/engine/demo/load-demo-clinic';
import { refusalFor } from '../../../renderer/src/engine/demo/record-messages';
import { MAX_ALERT_READING_IDS } from '../../../renderer/src/engine/rules/lifecycle';
import type { Condition, RuleDefinition } from '../../../renderer/src/engine/rules/rule';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
let dbCount = 0;

async function demoClinic(o: { count: number; seed: number; historyDays: number; deviceDays?: number; wearables: number }): Promise<{ db: CrmDb; ctx: WriteContext; result: DemoClinicResult }> {
  const db = asCrmDb(new CareLoopDb(`demo-${dbCount++}`));
  await db.open();
  const ctx: WriteContext = { actor: 'Nurse Demo', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1e') };
  const result = await loadDemoClinic(db, ctx, { ...o, nowMs: NOW, clinicName: 'Riverside Family Practice' });
  return { db, ctx, result };
}

/** Everything the demo wrote, keyed by MRN instead of row ids (which are UUIDv7, new on every load). */
async function projection(db: CrmDb): Promise<unknown> {
  const patients = await db.patients.toArray();
  const mrn = new Map(patients.map((p) => [p.id, p.mrn]));
  const m = (id: string | undefined) => mrn.get(id ?? '') ?? '?';
  const programs = new Map((await db.carePrograms.toArray()).map((p) => [p.id, p.name]));
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    patients: sorted(patients.map((p) => ({ mrn: p.mrn, name: `${p.givenName} ${p.familyName}`, tags: p.tags }))),
    consents: sorted((await db.consents.toArray()).map((c) => [m(c.patientId), c.purpose, c.status])),
    appointments: sorted((await db.appointments.toArray()).map((a) => [m(a.patientId), a.startMs, a.endMs, a.status])),
    enrolments: sorted((await db.enrolments.toArray()).map((e) => [m(e.patientId), programs.get(e.programId), e.startMs])),
    observations: sorted((await db.observations.toArray()).map((o) => [o.id, o.value])),
    alerts: sorted((await db.alerts.toArray()).map((a) => [m(a.patientId), a.ruleId, a.openedAtMs, a.status, a.values, a.acknowledgedAtMs, a.resolvedAtMs])),
    messages: sorted((await db.messages.toArray()).map((x) => [m(x.patientId), x.channel, x.direction, x.status, x.createdMs, x.body, x.error ?? ''])),
    timeLog: sorted((await db.timeLog.toArray()).map((t) => [m(t.patientId), t.date, t.minutes, t.activity])),
    tasks: sorted((await db.tasks.toArray()).map((t) => [m(t.patientId), t.title, t.dueMs, t.priority])),
    seriesBlocks: await db.seriesBlocks.count(),
  };
}

// A year of everything but home readings, which cover the last 90 days to keep the test quick.
describe('the demo clinic with a year of history (N = 50)', () => {
  let db: CrmDb;
  let ctx: WriteContext;
  let result: DemoClinicResult;
  let patients: PatientRow[];

  beforeAll(async () => {
    ({ db, ctx, result } = await demoClinic({ count: 50, seed: 7, historyDays: 365, deviceDays: 90, wearables: 1 }));
    patients = await db.patients.toArray();
  }, 60_000);

  it('writes plausible counts per table, and the counts it reports are the rows written', async () => {
    expect(result.created).toBe(50);
    const monitored = patients.filter((p) => p.tags.includes('remote-monitoring'));
    expect(monitored.length).toBeGreaterThan(8);
    expect(monitored.length).toBeLessThan(35);
    expect(await db.patients.count()).toBe(50);
    // Appointments over the year: about one per patient, some in the weeks ahead.
    expect(result.appointments).toBe(await db.appointments.count());
    expect(result.appointments).toBeGreaterThan(30);
    expect((await db.appointments.where('startMs').above(NOW).count())).toBeGreaterThan(0);
    expect((await db.appointments.where('startMs').below(NOW - 180 * DAY).count())).toBeGreaterThan(0);
    // Home readings: hundreds per monitored patient over 90 days, none outside them.
    expect(result.readings).toBe(await db.observations.count());
    expect(result.readings / monitored.length).toBeGreaterThan(100);
    expect(await db.observations.where('timeMs').below(NOW - 91 * DAY).count()).toBe(0);
    expect(await db.observations.where('timeMs').above(NOW).count()).toBe(0);
    // A program per monitored condition, and consents for most patients.
    expect(result.enrolments).toBe(await db.enrolments.count());
    expect(result.enrolments).toBeGreaterThanOrEqual(monitored.length);
    expect(result.consents).toBe(await db.consents.count());
    expect(result.consents).toBeGreaterThan(50);
    // Messages: a thread per patient, several per patient over the year.
    expect(result.messages).toBe(await db.messages.count());
    expect(result.messages / 50).toBeGreaterThan(2);
    expect(result.messages / 50).toBeLessThan(40);
    // The worklist: time logged most months for every monitored patient, a review task each.
    expect(result.timeEntries).toBe(await db.timeLog.count());
    expect(result.timeEntries / monitored.length).toBeGreaterThan(12);
    expect(result.tasks).toBe(await db.tasks.count());
    expect(result.tasks).toBeGreaterThanOrEqual(monitored.length);
    expect(result.alerts).toBe(await db.alerts.count());
    expect(result.alerts).toBeGreaterThan(0);
    expect(result.devices).toBeGreaterThan(0);
    expect(result.wearableSamples).toBeGreaterThan(300_000);
  });

  it('has threads that look like a clinic: reminders delivered, replies read, calls logged, staff notes', async () => {
    const messages = await db.messages.toArray();
    const kinds = new Set(messages.map((x) => `${x.channel}/${x.direction}/${x.status}`));
    expect(kinds).toContain('sms/outbound/delivered');
    expect(kinds).toContain('phone-log/outbound/logged');
    expect(kinds).toContain('staff-note/internal/logged');
    expect([...kinds].some((k) => k.endsWith('/inbound/read'))).toBe(true);
    expect(messages.every((x) => x.createdMs <= NOW && x.createdMs >= NOW - 366 * DAY)).toBe(true);
    expect(messages.some((x) => x.body.includes('reminder of your appointment at Riverside Family Practice'))).toBe(true);
    expect(messages.every((x) => !x.body.includes('{{'))).toBe(true);
  });

  it('never sends a message on a channel the patient has not consented to, and withholds it as sendMessage does', async () => {
    const byId = new Map(patients.map((p) => [p.id, p]));
    const messages = await db.messages.toArray();
    let checked = 0;
    for (const x of messages) {
      if (x.direction !== 'outbound' || !PATIENT_CHANNELS.has(x.channel)) continue;
      const consents = await consentState(db, x.patientId);
      const consented = hasConsent(consents, x.channel as ConsentPurpose);
      if (x.status === 'withheld') expect(!consented || !x.error?.includes('consented')).toBe(true);
      else {
        expect(consented).toBe(true);
        expect(x.to).toBe(x.channel === 'sms' ? byId.get(x.patientId)!.phone : x.channel === 'email' ? byId.get(x.patientId)!.email : undefined);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    // The refusal the demo applied is the one the real sendMessage gives, for every patient and channel.
    for (const p of patients.slice(0, 12)) {
      for (const channel of ['sms', 'email', 'portal', 'in-app'] as MessageChannel[]) {
        const expected = refusalFor(p, await consentState(db, p.id), channel);
        const real = await sendMessage(db, ctx, { patientId: p.id, channel, body: 'Consent check' }).then(
          () => undefined,
          (err: unknown) => {
            if (!(err instanceof ConsentRequiredError)) throw err;
            return err.message;
          },
        );
        expect(real).toBe(expected === undefined ? undefined : `Not sent: ${expected}.`);
      }
    }
  });

  it('raises alerts only by evaluating the rules: each alert names stored readings of its patient that meet its rule at opening', async () => {
    const rules = new Map((await db.rules.toArray()).map((r) => [r.definition.id, r.definition as RuleDefinition]));
    const alerts = await db.alerts.toArray();
    let levelChecked = 0;
    for (const a of alerts) {
      expect(a.readingIds.length).toBeGreaterThan(0);
      const readings = await db.observations.bulkGet(a.readingIds);
      for (const r of readings) {
        expect(r).toBeDefined();
        expect(r!.patientId).toBe(a.patientId);
      }
      // The list keeps the newest MAX_ALERT_READING_IDS: a long episode's opening reading may have left it.
      if (a.readingIds.length < MAX_ALERT_READING_IDS) expect(Math.min(...readings.map((r) => r!.timeMs))).toBeLessThanOrEqual(a.openedAtMs);
      const rule = rules.get(a.ruleId)!;
      expect(rule).toBeDefined();
      const history = (await db.observations.where('[patientId+timeMs]').between([a.patientId, a.openedAtMs - 30 * DAY], [a.patientId, a.openedAtMs], true, true).toArray()).sort(
        (x, y) => x.timeMs - y.timeMs || (x.id < y.id ? -1 : 1),
      );
      // Readings taken together (a cuff's systolic, diastolic and pulse) share a time: the rule
      // holds after one of them has been taken into account.
      const verdicts = history.map((r, i) => (r.timeMs === a.openedAtMs ? holds(rule.condition, history.slice(0, i + 1), a.openedAtMs) : null)).filter((v) => v !== null);
      const verdict = verdicts.includes(undefined) ? undefined : verdicts.includes(true);
      if (verdict !== undefined) {
        expect(verdict, `${a.ruleId} at ${new Date(a.openedAtMs).toISOString()}`).toBe(true);
        levelChecked++;
      }
    }
    expect(levelChecked).toBeGreaterThan(alerts.length * 0.8);
  });

  it('has staff work older alerts as they would have: acknowledged within hours, resolved once clear; recent ones left in the inbox', async () => {
    const alerts = await db.alerts.toArray();
    const older = alerts.filter((a) => a.openedAtMs < NOW - 14 * DAY);
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((a) => a.status === 'acknowledged' || a.status === 'resolved')).toBe(true);
    for (const a of older) {
      expect(a.acknowledgedAtMs! - a.openedAtMs).toBeLessThanOrEqual(11 * 3_600_000);
      if (a.status === 'resolved') expect(a.resolvedAtMs!).toBeGreaterThan(a.acknowledgedAtMs!);
    }
    expect(alerts.some((a) => a.status === 'resolved')).toBe(true);
    expect(alerts.filter((a) => a.openedAtMs >= NOW - 14 * DAY).every((a) => a.status !== 'resolved')).toBe(true);
    expect(result.alertsAcknowledged).toBe(alerts.filter((a) => a.acknowledgedAtMs !== null).length);
  });
});

describe('the demo clinic options', () => {
  it('refuses what it cannot make with a typed error, before writing anything', async () => {
    const db = asCrmDb(new CareLoopDb(`demo-${dbCount++}`));
    await db.open();
    const ctx: WriteContext = { actor: 'Nurse Demo', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1e') };
    const base = { count: 5, seed: 1, historyDays: 30, wearables: 0, nowMs: NOW, clinicName: 'Riverside' };
    await expect(loadDemoClinic(db, ctx, { ...base, count: 0 })).rejects.toThrow(DemoOptionsError);
    await expect(loadDemoClinic(db, ctx, { ...base, historyDays: -1 })).rejects.toThrow(DemoOptionsError);
    await expect(loadDemoClinic(db, ctx, { ...base, deviceDays: 400 })).rejects.toThrow(DemoOptionsError);
    expect(await db.patients.count()).toBe(0);
  });
});

describe('the demo clinic is deterministic', () => {
  it('gives the same clinic for the same seed and a different one for another seed', async () => {
    const a = await demoClinic({ count: 15, seed: 3, historyDays: 60, wearables: 1 });
    const b = await demoClinic({ count: 15, seed: 3, historyDays: 60, wearables: 1 });
    const c = await demoClinic({ count: 15, seed: 4, historyDays: 60, wearables: 1 });
    const { phaseMs: _a, ...ra } = a.result;
    const { phaseMs: _b, ...rb } = b.result;
    expect(rb).toEqual(ra);
    const pa = await projection(a.db);
    expect(await projection(b.db)).toEqual(pa);
    expect(await projection(c.db)).not.toEqual(pa);
  });
});

/**
 * An independent reading of a rule's condition at time t over the readings taken into account
 * so far (oldest first): threshold (latest value), window mean and rate of change (rise from
 * the window's lowest) over the window ending at that metric's latest reading. Undefined for
 * kinds it does not judge (missing data, NEWS2).
 */
function holds(c: Condition, history: readonly Observation[], t: number): boolean | undefined {
  // A running mean and a fresh sum differ in the last bits: values within 1e-9 of the level count as either side.
  const e = 1e-9;
  const cmp = (v: number, op: string, level: number) => (op === '>' ? v > level - e : op === '>=' ? v >= level - e : op === '<' ? v < level + e : v <= level + e);
  const series = (metric: string) => history.filter((o) => o.metric === metric && o.timeMs <= t);
  const windowOf = (metric: string, windowMs: number) => {
    const all = series(metric);
    const last = all.at(-1)?.timeMs ?? t;
    return all.filter((o) => o.timeMs >= last - windowMs);
  };
  switch (c.kind) {
    case 'threshold': {
      const latest = series(c.metric).at(-1);
      return latest && t - latest.timeMs <= (c.freshForMs ?? Infinity) ? cmp(latest.value, c.operator, c.level) : false;
    }
    case 'window-aggregate': {
      if (c.aggregate !== 'mean') return undefined;
      const inWindow = windowOf(c.metric, c.windowMs);
      if (inWindow.length < c.minCount) return false;
      return cmp(inWindow.reduce((s, o) => s + o.value, 0) / inWindow.length, c.operator, c.level);
    }
    case 'rate-of-change': {
      const inWindow = windowOf(c.metric, c.windowMs);
      if (!inWindow.length) return false;
      const latest = inWindow.at(-1)!.value;
      const values = inWindow.map((o) => o.value);
      return c.direction === 'rise' ? latest - Math.min(...values) >= c.amount : Math.max(...values) - latest >= c.amount;
    }
    case 'all':
    case 'any': {
      const parts = c.conditions.map((x) => holds(x, history, t));
      if (parts.some((x) => x === undefined)) return undefined;
      return c.kind === 'all' ? parts.every(Boolean) : parts.some(Boolean);
    }
    default:
      return undefined;
  }
}
