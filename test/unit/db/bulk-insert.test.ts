import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../common/audit/chain';
import { asCrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { appendAudit, openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { ConsentValidationError, recordConsents } from '../../../renderer/src/db/consents';
import { updateRows } from '../../../renderer/src/db/synced-rows';
import { logTime, logTimeMany, TimeLogValidationError } from '../../../renderer/src/db/time-log';
import type { TimeLogEntry } from '../../../common/billing/time-log';

let n = 0;
async function clinic() {
  const db = asCrmDb(new CareLoopDb(`bulk-${n++}`));
  await db.open();
  const ctx: WriteContext = { actor: 'Nurse A', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1') };
  const patient = await new PatientRepository(db, ctx).create({ givenName: 'Ann', familyName: 'Lee', birthDate: '1950-01-02', sex: 'female', mrn: 'B-1', preferredChannel: 'portal' });
  return { db, ctx, patient };
}

const entry = (patientId: string, minutes: number, date: string) => ({ patientId, staffName: 'Nurse A', minutes, date, activity: 'data-review' as const });

describe('bulk inserts (insertRows through logTimeMany)', () => {
  it('write what one-by-one writes would: the rows, an outbox change and an audit entry each, on one intact chain', async () => {
    const one = await clinic();
    const bulk = await clinic();
    const inputs = (id: string) => [entry(id, 5, '2026-11-01'), entry(id, 12, '2026-11-02'), entry(id, 20, '2026-11-03')];
    for (const e of inputs(one.patient.id)) await logTime(one.db, one.ctx, e);
    await logTimeMany(bulk.db, bulk.ctx, inputs(bulk.patient.id));

    const shape = async (c: Awaited<ReturnType<typeof clinic>>) => {
      const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k]) => !['id', 'patientId', 'createdAt', 'updatedAt', 'stamps', 'rowId', 'changeId', 'seq', 'stamp', 'entityId'].includes(k)));
      const audit = await c.db.audit.orderBy('seq').toArray();
      return {
        rows: (await c.db.timeLog.toArray()).map(strip),
        outbox: (await c.db.outbox.where('table').equals('timeLog').toArray()).map((o) => Object.keys(o.fields).sort()),
        audit: audit.filter((a) => a.action === 'time-log.add').map((a) => [a.actor, a.entity, a.patientId === c.patient.id, JSON.stringify(a.changes).replaceAll(c.patient.id, '<patient>')]),
        chain: verifyAuditChain(audit).intact,
      };
    };
    const a = await shape(one);
    expect(a.rows).toHaveLength(3);
    expect(a.chain).toBe(true);
    expect(await shape(bulk)).toEqual(a);
    // A later single write continues the bulk-written chain.
    await logTime(bulk.db, bulk.ctx, entry(bulk.patient.id, 3, '2026-11-04'));
    expect(verifyAuditChain(await bulk.db.audit.orderBy('seq').toArray()).intact).toBe(true);
  });

  it('all or nothing: one invalid entry or one unknown patient writes none of the batch', async () => {
    const c = await clinic();
    const before = { audit: await c.db.audit.count(), outbox: await c.db.outbox.count() };
    await expect(logTimeMany(c.db, c.ctx, [entry(c.patient.id, 5, '2026-11-01'), entry(c.patient.id, -1, '2026-11-02')])).rejects.toBeInstanceOf(TimeLogValidationError);
    await expect(logTimeMany(c.db, c.ctx, [entry(c.patient.id, 5, '2026-11-01'), entry('nobody', 5, '2026-11-02')])).rejects.toMatchObject({ fields: { patientId: 'is not a patient on this workstation' } });
    expect(await c.db.timeLog.count()).toBe(0);
    expect({ audit: await c.db.audit.count(), outbox: await c.db.outbox.count() }).toEqual(before);
  });
});

describe('recordConsents', () => {
  it('records several decisions audited on one intact chain, or none of them when one is invalid', async () => {
    const c = await clinic();
    const given = (purpose: 'email' | 'sms' | 'analytics') => ({ patientId: c.patient.id, purpose, status: 'given' as const, method: 'electronic' as const });
    const decisions = await recordConsents(c.db, c.ctx, [given('email'), given('sms'), given('analytics')]);
    expect(decisions.map((d) => d.purpose)).toEqual(['email', 'sms', 'analytics']);
    const audit = await c.db.audit.orderBy('seq').toArray();
    expect(audit.filter((a) => a.action === 'consent.change').map((a) => Object.keys(a.changes ?? {})[0])).toEqual(['email', 'sms', 'analytics']);
    expect(verifyAuditChain(audit).intact).toBe(true);
    expect(await c.db.outbox.where('table').equals('consents').count()).toBe(3);

    await expect(recordConsents(c.db, c.ctx, [given('email'), { ...given('sms'), purpose: 'telepathy' as never }])).rejects.toBeInstanceOf(ConsentValidationError);
    expect(await c.db.consents.count()).toBe(3);
  });
});

describe('updateRows', () => {
  it('writes only the rows that change, each with its changed fields in the outbox and the audit, on an intact chain', async () => {
    const c = await clinic();
    const [a, b] = await logTimeMany(c.db, c.ctx, [entry(c.patient.id, 5, '2026-11-01'), entry(c.patient.id, 12, '2026-11-02')]);
    const outboxBefore = await c.db.outbox.count();
    const audit = { action: 'time-log.remove' as const, entity: 'time-log', patientId: c.patient.id, reason: 'logged twice' };
    const after = await updateRows<TimeLogEntry>(c.db, c.ctx, c.db.timeLog, [
      { before: a!, patch: { deleted: true } as Partial<TimeLogEntry>, audit },
      { before: b!, patch: { minutes: 12 }, audit },
    ]);
    expect(after.map((r) => [r.deleted, r.minutes])).toEqual([[true, 5], [false, 12]]);
    expect(after[1]).toBe(b);
    expect((await c.db.timeLog.get(a!.id))?.deleted).toBe(true);
    expect(after[0]!.stamps.deleted).not.toEqual(a!.stamps.deleted);
    const changes = await c.db.outbox.where('seq').above(0).toArray();
    expect(changes.slice(outboxBefore).map((o) => [o.rowId, Object.keys(o.fields)])).toEqual([[a!.id, ['deleted']]]);
    const entries = await c.db.audit.orderBy('seq').toArray();
    expect(entries.at(-1)).toMatchObject({ action: 'time-log.remove', entityId: a!.id, reason: 'logged twice', changes: { deleted: { before: false, after: true } } });
    expect(verifyAuditChain(entries).intact).toBe(true);
    await expect(updateRows<TimeLogEntry>(c.db, c.ctx, c.db.timeLog, [{ before: b!, patch: { minutes: 1 }, audit }, { before: b!, patch: { minutes: 2 }, audit }])).rejects.toThrow(/once per batch/);
    expect((await c.db.timeLog.get(b!.id))?.minutes).toBe(12);
  });
});

describe('appendAudit outside a transaction', () => {
  it('two writers appending at once (the UI thread and the engine worker, each its own connection) keep one intact chain', async () => {
    const c = await clinic();
    const other = asCrmDb(new CareLoopDb(c.db.name));
    await other.open();
    const entry = (i: number) => ({ action: 'settings.video' as const, entity: 'settings', entityId: `k${i}` });
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(i % 2 ? other : c.db, c.ctx, entry(i))));
    const chain = await c.db.audit.orderBy('seq').toArray();
    expect(chain.filter((e) => e.action === 'settings.video')).toHaveLength(20);
    expect(verifyAuditChain(chain).intact).toBe(true);
    other.close();
  });
});
