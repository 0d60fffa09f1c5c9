import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Metric, Observation } from '../../../common/readings/observation';
import type { StoredRule } from '../../../renderer/src/db/alerts';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { enrol, ensureDefaultPrograms } from '../../../renderer/src/db/programs';
import { AlertPipeline } from '../../../renderer/src/engine/alerts/pipeline';
import { RuleValidationError, type CombinationCondition, type RuleDefinition } from '../../../renderer/src/engine/rules/rule';

let db: CareLoopDb;
let ctx: WriteContext;
let patient: PatientRow;
let n = 0;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 20, 9);

const reading = (metric: Metric, unit: string, i: number, value: number, at: number): Observation => ({
  id: `dev:${i}:${metric}`, clinicId: 'c1', patientId: patient.id, metric, value, unit, timeMs: at, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: at,
});
const weight = (i: number, kg: number) => reading('body-weight', 'kg', i, kg, T0 + i * 12 * HOUR);
const hr = (i: number, bpm: number) => reading('heart-rate', '/min', i, bpm, T0 + i * 5 * MIN);

const storedRule = async (ruleId: string): Promise<StoredRule> => (await db.rules.toArray()).find((r) => r.definition.id === ruleId)!;
const journalCounts = async () => ({ rules: await db.rules.count(), audit: await db.audit.count(), outbox: await db.outbox.count() });

/** A pipeline whose default rules are already stored (as on a workstation that judged a reading). */
async function seededPipeline(): Promise<AlertPipeline> {
  const p = new AlertPipeline(db, async () => ctx, () => undefined, () => T0 + 30 * 24 * HOUR);
  await p.tick(T0 - HOUR);
  return p;
}

beforeEach(async () => {
  db = new CareLoopDb(`rule-edits-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1e') };
  patient = await new PatientRepository(db, ctx).create({
    givenName: 'Rui', familyName: 'Costa', birthDate: '1949-04-04', sex: 'male', mrn: 'A-1', preferredChannel: 'phone', phone: '+1 555 0100 9999',
    conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }],
    careTeam: [{ name: 'Dr Amara Osei', role: 'physician' }, { name: 'Nurse Jordan Lee', role: 'nurse' }],
  });
});

describe('staff edit the alert rules', () => {
  it('saving a rule bumps its version, audits it as rule.update and queues it for sync', async () => {
    const p = await seededPipeline();
    const before = await storedRule('tachycardia-at-rest');
    expect(before.definition.version).toBe(1);
    const edited: RuleDefinition = { ...before.definition, escalateAfterMs: 15_000, priority: 'high' };

    const saved = await p.saveRule(edited);

    expect(saved).toEqual({ rowId: before.id, ruleId: 'tachycardia-at-rest', version: 2, created: false });
    const after = await storedRule('tachycardia-at-rest');
    expect(after.definition).toMatchObject({ version: 2, escalateAfterMs: 15_000, priority: 'high' });
    const audit = await db.audit.where('[entity+entityId]').equals(['rule', before.id]).toArray();
    expect(audit.map((e) => e.action)).toEqual(['rule.create', 'rule.update']);
    expect(audit[1]!.actor).toBe('Nurse Lee');
    expect(await db.outbox.where('[table+rowId]').equals(['rules', before.id]).count()).toBe(2);

    // Saving the same definition again changes nothing: no new version, no audit entry.
    const counts = await journalCounts();
    expect(await p.saveRule(after.definition)).toMatchObject({ version: 2 });
    expect(await journalCounts()).toEqual(counts);
  });

  it('a new rule is created at version 1 and audited as rule.create', async () => {
    const p = await seededPipeline();
    const saved = await p.saveRule({
      id: 'very-high-heart-rate', name: 'Very high heart rate', description: 'Heart rate above 150/min.', source: 'Clinic protocol 12', priority: 'high',
      condition: { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 150, overrides: [] },
    });
    expect(saved).toMatchObject({ ruleId: 'very-high-heart-rate', version: 1, created: true });
    expect((await db.audit.where('[entity+entityId]').equals(['rule', saved.rowId]).toArray()).map((e) => e.action)).toEqual(['rule.create']);
    await p.ingest([hr(0, 160)]);
    expect((await db.alerts.toArray()).map((a) => a.ruleId)).toEqual(['very-high-heart-rate']);
  });

  it('a rule limited to a program reaches the patients enrolled in it, also when they are enrolled while the engine runs', async () => {
    let now = T0 + 30 * 24 * HOUR;
    const p = new AlertPipeline(db, async () => ctx, () => undefined, () => now);
    await p.tick(T0 - HOUR);
    await p.saveRule({
      id: 'hf-program-heart-rate', name: 'Heart rate in the heart-failure program', description: 'Heart rate above 150/min.', source: 'Clinic protocol 14', priority: 'high',
      appliesTo: { patients: [{ kind: 'program', value: 'heart-failure' }], except: [] },
      condition: { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 150, overrides: [] },
    });
    await p.ingest([hr(0, 160)]);
    expect((await db.alerts.toArray()).map((a) => a.ruleId)).not.toContain('hf-program-heart-rate');

    await ensureDefaultPrograms(db, ctx);
    const hf = (await db.carePrograms.toArray()).find((x) => x.key === 'heart-failure')!;
    await enrol(db, ctx, { patientId: patient.id, programId: hf.id, startMs: T0, reason: 'Discharged after decompensation' });
    now += 30_000; // the patient's context is still trusted for a minute: nothing changes yet
    await p.ingest([hr(1, 40), hr(2, 161)]);
    expect((await db.alerts.toArray()).map((a) => a.ruleId)).not.toContain('hf-program-heart-rate');
    now += 5 * MIN; // read again from the record and the enrolments
    await p.ingest([hr(3, 40), hr(4, 162)]);
    expect((await db.alerts.toArray()).map((a) => a.ruleId)).toContain('hf-program-heart-rate');
  });

  it('refuses bad input with the field and its message, and changes nothing', async () => {
    const p = await seededPipeline();
    const before = await storedRule('tachycardia-at-rest');
    const counts = await journalCounts();
    const condition = before.definition.condition as CombinationCondition;
    const bad = {
      ...before.definition,
      // Hysteresis on the wrong side: for '>' the clear level must be at or below the level.
      condition: { ...condition, conditions: [{ ...condition.conditions[0]!, clearLevel: 120 }, condition.conditions[1]!] },
    };
    const err = await p.saveRule(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleValidationError);
    expect((err as RuleValidationError).issues).toEqual([{ path: 'condition.conditions.0.clearLevel', message: expect.stringMatching(/clearLevel must be at or below level/) }]);

    const noName = await p.saveRule({ ...before.definition, name: '  ' }).catch((e: unknown) => e);
    expect((noName as RuleValidationError).issues).toEqual([{ path: 'name', message: 'enter a name' }]);
    const badDelay = await p.saveRule({ ...before.definition, escalateAfterMs: 0 }).catch((e: unknown) => e);
    expect((badDelay as RuleValidationError).issues).toEqual([{ path: 'escalateAfterMs', message: 'escalateAfterMs must be greater than 0' }]);

    expect(await journalCounts()).toEqual(counts);
    expect(await storedRule('tachycardia-at-rest')).toEqual(before);
  });

  it('refuses an edit of a version that has since changed (two staff editing the same rule)', async () => {
    const p = await seededPipeline();
    const opened = (await storedRule('tachycardia-at-rest')).definition;
    await p.saveRule({ ...opened, priority: 'high' });
    const err = await p.saveRule({ ...opened, priority: 'low' }).catch((e: unknown) => e);
    expect((err as RuleValidationError).issues[0]).toMatchObject({ path: 'version', message: expect.stringMatching(/changed elsewhere \(now version 2\)/) });
    expect((await storedRule('tachycardia-at-rest')).definition).toMatchObject({ version: 2, priority: 'high' });
  });

  it('the pipeline judges the next reading by the edited rule without losing the patient’s window', async () => {
    const p = await seededPipeline();
    // 80 → 81.2 kg within 3 days: a 1.2 kg gain is under the default 2 kg.
    await p.ingest([weight(0, 80), weight(1, 80.6), weight(2, 81.2)]);
    expect(await db.alerts.count()).toBe(0);

    const rule = (await storedRule('hf-rapid-weight-gain')).definition;
    await p.saveRule({ ...rule, condition: { ...rule.condition, amount: 1.5 } });

    // 81.6 kg is 1.6 kg over the window's lowest (80 kg, read before the edit): the edited rule raises.
    await p.ingest([weight(3, 81.6)]);
    const [alert] = await db.alerts.toArray();
    expect(alert).toMatchObject({ ruleId: 'hf-rapid-weight-gain', ruleVersion: 2, status: 'open' });
    expect(alert!.values['change(body-weight)']).toBeCloseTo(1.6);
  });

  it('reloadRules picks up a rule changed in storage (as sync delivers it) for the next reading', async () => {
    const p = await seededPipeline();
    await p.ingest([hr(0, 104), hr(1, 105)]);
    const row = await storedRule('tachycardia-at-rest');
    const condition = row.definition.condition as CombinationCondition;
    const stricter = { ...condition, conditions: condition.conditions.map((c) => ({ ...c, level: 110, clearLevel: 105 })) } as CombinationCondition;
    await db.rules.put({ ...row, definition: { ...row.definition, version: 2, condition: stricter } });
    await p.reloadRules();
    await p.ingest([hr(2, 106), hr(3, 107), hr(4, 108)]);
    expect(await db.alerts.count()).toBe(0);
  });

  it('an alert opened from readings stamped ahead of the wall clock waits for escalation from now, not from the reading', async () => {
    const now = T0 + 30 * MIN;
    const p = new AlertPipeline(db, async () => ctx, () => undefined, () => now);
    await p.tick(T0 - HOUR);
    const rule = (await storedRule('tachycardia-at-rest')).definition;
    await p.saveRule({ ...rule, escalateAfterMs: 15_000 });
    // A time-lapse strap stamps its readings on its own fast clock: here half an hour ahead of the wall clock.
    await p.ingest([hr(0, 130), hr(1, 131), hr(2, 132)].map((o) => ({ ...o, timeMs: o.timeMs + HOUR })));
    const [alert] = await db.alerts.toArray();
    expect(alert).toMatchObject({ status: 'open', assignee: 'Dr Amara Osei', openedAtMs: now, awaitingSinceMs: now });
    expect(alert!.alertKey).toBe(`tachycardia-at-rest|${patient.id}|${T0 + HOUR + 10 * MIN}`);
    await p.tick(now + 14_999);
    expect((await db.alerts.get(alert!.id))!.status).toBe('open');
    await p.tick(now + 15_000);
    expect(await db.alerts.get(alert!.id)).toMatchObject({ status: 'escalated', assignee: 'Nurse Jordan Lee' });
  });
});
