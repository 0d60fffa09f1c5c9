import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { AlertPipeline, type AlertNotice } from '../../../renderer/src/engine/alerts/pipeline';

let db: CareLoopDb;
let ctx: WriteContext;
let patient: PatientRow;
let notices: AlertNotice[];
let n = 0;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 9);

const hr = (i: number, value: number, at = T0 + i * 5 * MIN): Observation => ({
  id: `strap:${i}:heart-rate`, clinicId: 'c1', patientId: patient.id, metric: 'heart-rate', value, unit: '/min', timeMs: at, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: at,
});

const pipeline = () => new AlertPipeline(db, async () => ctx, (x) => notices.push(x));

beforeEach(async () => {
  db = new CareLoopDb(`alerts-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1e') };
  notices = [];
  patient = await new PatientRepository(db, ctx).create({
    givenName: 'Rui', familyName: 'Costa', birthDate: '1949-04-04', sex: 'male', mrn: 'A-1', preferredChannel: 'phone', phone: '+1 555 0100 9999',
    careTeam: [{ name: 'Dr Amara Osei', role: 'physician' }, { name: 'Nurse Jordan Lee', role: 'nurse' }],
  });
});

describe('readings to alerts', () => {
  it('a sustained tachycardia opens exactly one alert, linked to its readings, and escalates when left unacknowledged', async () => {
    const p = pipeline();
    await p.ingest([hr(0, 122), hr(1, 125)]);
    expect(await db.alerts.count()).toBe(0);
    await p.ingest([hr(2, 128)]);
    const [alert] = await db.alerts.toArray();
    expect(await db.alerts.count()).toBe(1);
    expect(alert).toMatchObject({ ruleId: 'tachycardia-at-rest', ruleName: 'Tachycardia', status: 'open', priority: 'medium', assignee: 'Dr Amara Osei' });
    expect(alert!.readingIds).toEqual(['strap:0:heart-rate', 'strap:1:heart-rate', 'strap:2:heart-rate']);
    expect(notices).toEqual([{ alertId: alert!.id, patientId: patient.id, patientName: 'Rui Costa', ruleName: 'Tachycardia', priority: 'medium' }]);

    // Still high: the same alert re-fires quietly; no second alert, no second notice.
    await p.ingest([hr(3, 130), hr(4, 131)]);
    expect(await db.alerts.count()).toBe(1);
    expect((await db.alerts.get(alert!.id))!.refireCount).toBe(2);
    expect(notices).toHaveLength(1);

    // Two hours unacknowledged: escalated to the next member of the care team.
    await p.tick(T0 + 10 * MIN + 2 * 60 * MIN - 1);
    expect((await db.alerts.get(alert!.id))!.status).toBe('open');
    await p.tick(T0 + 10 * MIN + 2 * 60 * MIN);
    expect(await db.alerts.get(alert!.id)).toMatchObject({ status: 'escalated', assignee: 'Nurse Jordan Lee', escalationLevel: 1 });

    await p.act(alert!.id, 'Nurse Jordan Lee', { kind: 'acknowledge' }, T0 + 3 * 60 * MIN);
    await expect(p.act(alert!.id, 'Nurse Jordan Lee', { kind: 'acknowledge' }, T0 + 3 * 60 * MIN)).rejects.toThrow(/cannot acknowledge an alert that is acknowledged/);
    await p.act(alert!.id, 'Nurse Jordan Lee', { kind: 'resolve', note: 'called, rate settled' }, T0 + 4 * 60 * MIN);
    expect(await db.alerts.get(alert!.id)).toMatchObject({ status: 'resolved', resolvedBy: 'Nurse Jordan Lee', resolutionNote: 'called, rate settled' });
    const audited = (await db.audit.where('[entity+entityId]').equals(['alert', alert!.id]).toArray()).map((e) => e.action);
    // The two re-fires of one batch are one write and one audit entry that counts them.
    expect(audited).toEqual(['alert.open', 'alert.refire', 'alert.escalate', 'alert.acknowledge', 'alert.resolve']);
    expect((await db.audit.where('[entity+entityId]').equals(['alert', alert!.id]).toArray())[1]!.reason).toMatch(/refire ×2/);
    // Every change is queued for sync.
    expect(await db.outbox.where('[table+rowId]').equals(['alerts', alert!.id]).count()).toBe(5);
  });

  it('acts on several alerts in one batch, each audited on its own, and refuses the whole batch for one invalid step', async () => {
    const second = await new PatientRepository(db, ctx).create({ givenName: 'Ana', familyName: 'Reis', birthDate: '1950-02-02', sex: 'female', mrn: 'A-2', preferredChannel: 'portal' });
    const p = pipeline();
    await p.ingest([0, 1, 2].flatMap((i) => [hr(i, 125), { ...hr(i, 126), id: `other:${i}`, patientId: second.id }]));
    const alerts = await db.alerts.toArray();
    expect(alerts).toHaveLength(2);
    const ack = (a: (typeof alerts)[number]) => ({ alertId: a.id, by: 'Nurse Jordan Lee', action: { kind: 'acknowledge' as const }, now: T0 + 60 * MIN });
    const [a, b] = alerts as [(typeof alerts)[number], (typeof alerts)[number]];

    // b resolved first: then acknowledging it in a batch is refused, and a stays open too.
    await p.act(b.id, 'Nurse Jordan Lee', { kind: 'resolve' }, T0 + 30 * MIN);
    await expect(p.actMany([ack(a), ack(b)])).rejects.toThrow(/cannot acknowledge/);
    expect((await db.alerts.get(a.id))!.status).toBe('open');
    await expect(p.actMany([ack(a), ack(a)])).rejects.toThrow(/once per batch/);

    const [done] = await p.actMany([ack(a)]);
    expect(done).toMatchObject({ id: a.id, status: 'acknowledged', acknowledgedBy: 'Nurse Jordan Lee', acknowledgedAtMs: T0 + 60 * MIN });
    expect((await db.audit.where('[entity+entityId]').equals(['alert', a.id]).toArray()).map((e) => e.action)).toEqual(['alert.open', 'alert.acknowledge']);
    expect((await db.audit.where('[entity+entityId]').equals(['alert', b.id]).toArray()).map((e) => e.action)).toEqual(['alert.open', 'alert.resolve']);
  });

  it('keeps the rule state across a restart: readings before and after add up', async () => {
    await pipeline().ingest([hr(0, 140), hr(1, 141)]);
    expect(await db.alerts.count()).toBe(0);
    await pipeline().ingest([hr(2, 142)]);
    expect(await db.alerts.count()).toBe(1);
  });

  it('is deterministic: the same history gives the same alerts whatever the batching', async () => {
    const history = [hr(0, 120), hr(1, 121), hr(2, 90), hr(3, 125), hr(4, 126), hr(5, 127), hr(6, 128), hr(7, 90), hr(8, 80)];
    await pipeline().ingest(history);
    const once = (await db.alerts.toArray()).map((a) => [a.alertKey, a.readingIds, a.conditionCleared]);
    db = new CareLoopDb(`alerts-${n++}`);
    await db.open();
    ctx = { ...ctx, clock: await openClock(db, 'ws1e') };
    await db.patients.put(patient);
    const p = pipeline();
    for (const o of history) await p.ingest([o]);
    expect((await db.alerts.toArray()).map((a) => [a.alertKey, a.readingIds, a.conditionCleared])).toEqual(once);
    expect(once).toHaveLength(1);
    expect(once[0]![2]).toBe(true);
  });

  it('ignores control-solution and flagged readings for alerts (they are stored, not judged)', async () => {
    const p = pipeline();
    await p.ingest([0, 1, 2, 3].map((i) => ({ ...hr(i, 150), flags: ['sensor-contact-lost' as const] })));
    expect(await db.alerts.count()).toBe(0);
  });
});

describe('alerts raised on two workstations', () => {
  it('the same readings open the same alert row on both, so sync merges one alert', async () => {
    const other = new CareLoopDb(`alerts-other-${n++}`);
    await other.open();
    await other.patients.put(patient);
    const otherCtx = { ...ctx, workstation: 'ws2', clock: await openClock(other, 'ws2e') };
    const readings = [hr(0, 130), hr(1, 131), hr(2, 132)];
    await pipeline().ingest(readings);
    await new AlertPipeline(other, async () => otherCtx).ingest(readings);
    const [a] = await db.alerts.toArray();
    const [b] = await other.alerts.toArray();
    expect(a!.id).toBe(b!.id);
    expect(a!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
