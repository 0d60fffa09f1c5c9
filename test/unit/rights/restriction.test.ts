import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { restrictionOf } from '../../../common/consent/rights';
import type { Observation } from '../../../common/readings/observation';
import { ConsentRequiredError, RESTRICTED_MESSAGING, sendMessage } from '../../../renderer/src/db/messages';
import { liftRestriction, PatientRightsError, restrictedAmong, restrictProcessing } from '../../../renderer/src/db/patient-rights';
import { AlertPipeline } from '../../../renderer/src/engine/alerts/pipeline';
import { RESTRICTED_RUN, WorkflowRunner } from '../../../renderer/src/engine/workflows/runner';
import { insertRow } from '../../../renderer/src/db/synced-rows';
import { parseWorkflow } from '../../../renderer/src/engine/workflows/workflow';
import type { StoredWorkflow } from '../../../renderer/src/engine/workflows/store';
import { computeDashboard } from '../../../renderer/src/db/dashboard';
import { asCrmDb } from '../../../renderer/src/db/crm-tables';
import { openWorkflowFixture } from '../workflows/workflow-test-db';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.UTC(2026, 5, 2, 10, 7);

async function setup(name: string) {
  const f = await openWorkflowFixture(name);
  const runner = new WorkflowRunner(f.db, async () => f.ctx, { clinicName: () => 'Riverside Clinic', now: () => NOW, dayStart: (ms) => Math.floor(ms / (24 * HOUR)) * 24 * HOUR, workingHours: (d) => [d + 9 * HOUR, d + 17 * HOUR] });
  await runner.ensureDefaults();
  return { ...f, runner };
}

const hr = (patientId: string, i: number, value: number): Observation => ({
  id: `${patientId}:strap:${i}:heart-rate`, clinicId: 'c1', patientId, metric: 'heart-rate', value, unit: '/min', timeMs: NOW + i * 5 * MIN, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: NOW + i * 5 * MIN,
});

describe('restriction of processing (GDPR Art. 18)', () => {
  it('is a synced, audited flag with ground, by and when; queued messages are withheld at once and new ones refused; notes still logged', async () => {
    const f = await setup('restrict-flag');
    const queued = await sendMessage(f.db, f.ctx, { patientId: f.patient.id, channel: 'sms', body: 'See you Tuesday' });
    const r = await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'accuracy-contested' });
    expect(r).toMatchObject({ ground: 'accuracy-contested', by: 'CareLoop automation', atMs: expect.any(Number) });
    expect(restrictionOf(await f.db.patients.get(f.patient.id))).toEqual(r);
    expect(await restrictedAmong(f.db, [f.patient.id, f.unconsented.id])).toEqual(new Set([f.patient.id]));

    const audit = await f.db.audit.where('action').equals('patient.restrict').toArray();
    expect(audit).toEqual([expect.objectContaining({ patientId: f.patient.id, reason: 'accuracy-contested', changes: { restriction: { before: undefined, after: r } } })]);
    const change = (await f.db.outbox.toArray()).find((e) => e.table === 'patients' && e.rowId === f.patient.id && 'restriction' in e.fields);
    expect(change?.fields['restriction']?.value).toEqual(r);

    expect(await f.db.messages.get(queued.id)).toMatchObject({ status: 'withheld', error: RESTRICTED_MESSAGING });
    const err = await sendMessage(f.db, f.ctx, { patientId: f.patient.id, channel: 'sms', body: 'Hello' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsentRequiredError);
    expect((err as Error).message).toMatch(/restricted/);
    expect((await sendMessage(f.db, f.ctx, { patientId: f.patient.id, channel: 'staff-note', body: 'patient asked to restrict' })).status).toBe('logged');

    // Restricting again changes nothing; an unknown patient is a typed error.
    await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'legal-claims' });
    expect(await f.db.audit.where('action').equals('patient.restrict').count()).toBe(1);
    await expect(restrictProcessing(f.db, f.ctx, { patientId: 'nobody', ground: 'legal-claims' })).rejects.toBeInstanceOf(PatientRightsError);
    await expect(restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'because' as never })).rejects.toThrow(/choose why/);
  });

  it('leaves the patient out of the population dashboard until lifted', async () => {
    const f = await setup('restrict-dashboard');
    const before = await computeDashboard(asCrmDb(f.db), { nowMs: NOW, zone: 'UTC' });
    await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'accuracy-contested' });
    const during = await computeDashboard(asCrmDb(f.db), { nowMs: NOW, zone: 'UTC' });
    expect(during).toMatchObject({ patients: before.patients - 1, restricted: 1 });
    await liftRestriction(f.db, f.ctx, f.patient.id);
    expect(await computeDashboard(asCrmDb(f.db), { nowMs: NOW, zone: 'UTC' })).toMatchObject({ patients: before.patients, restricted: 0 });
  });

  it('lifting it is audited and messaging works again', async () => {
    const f = await setup('restrict-lift');
    await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'objection-pending' });
    await liftRestriction(f.db, f.ctx, f.patient.id);
    expect(restrictionOf(await f.db.patients.get(f.patient.id))).toBeUndefined();
    expect(await f.db.audit.where('action').equals('patient.restriction-lift').toArray()).toEqual([expect.objectContaining({ patientId: f.patient.id, reason: 'objection-pending' })]);
    expect((await sendMessage(f.db, f.ctx, { patientId: f.patient.id, channel: 'sms', body: 'Hello again' })).status).toBe('queued');
  });

  it('automation skips the patient: no workflow runs, and a run scheduled before the restriction does nothing and says why', async () => {
    const f = await setup('restrict-workflows');
    const definition = parseWorkflow({ key: 'hypo-risk', name: 'Hypoglycaemia raises risk', delayMinutes: 30, trigger: { kind: 'reading-received', limit: { metric: 'glucose', atOrBelow: 3 } }, actions: [{ kind: 'set-risk-tier', tier: 'high' }] });
    await f.db.transaction('rw', [f.db.workflows, f.db.audit, f.db.outbox, f.db.meta], () => insertRow<StoredWorkflow>(f.db, f.ctx, f.db.workflows, { definition }, { action: 'workflow.create', entity: 'workflow' }));
    const glucose = (id: string, patientId: string): Observation => ({ id, clinicId: 'c1', patientId, metric: 'glucose', value: 2.6, unit: 'mmol/L', timeMs: NOW, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: NOW });

    const [scheduled] = await f.runner.onReadings([glucose('g1', f.patient.id)]);
    expect(scheduled).toMatchObject({ status: 'scheduled' });
    await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'legal-claims' });
    const done = (await f.runner.tick(NOW + 31 * MIN)).find((r) => r.id === scheduled!.id)!;
    expect(done).toMatchObject({ status: 'withheld', outcome: RESTRICTED_RUN, results: [{ kind: 'set-risk-tier', status: 'withheld' }] });
    expect((await f.db.patients.get(f.patient.id))!.tags).not.toContain('risk:high');

    // New events for the restricted patient start no run; the other patient's do.
    expect(await f.runner.onReadings([glucose('g2', f.patient.id)])).toEqual([]);
    expect(await f.runner.onAlertOpened({ alertId: 'a-1', patientId: f.patient.id, patientName: 'Ruth Okafor', ruleName: 'Systolic very high', priority: 'high' })).toEqual([]);
    expect(await f.runner.onReadings([glucose('g3', f.unconsented.id)])).toHaveLength(1);
  });

  it('the rules skip the patient: readings are stored but open no alert; another patient’s do', async () => {
    const f = await setup('restrict-alerts');
    await restrictProcessing(f.db, f.ctx, { patientId: f.patient.id, ground: 'unlawful-processing' });
    const pipeline = new AlertPipeline(f.db, async () => f.ctx, () => undefined, () => NOW + HOUR);
    await pipeline.ingest([0, 1, 2, 3].map((i) => hr(f.patient.id, i, 130)));
    expect(await f.db.alerts.count()).toBe(0);
    await pipeline.ingest([0, 1, 2, 3].map((i) => hr(f.unconsented.id, i, 130)));
    expect((await f.db.alerts.toArray()).map((a) => a.patientId)).toEqual([f.unconsented.id]);
    await pipeline.tick(NOW + 3 * HOUR);
    expect((await f.db.alerts.toArray()).every((a) => a.patientId === f.unconsented.id)).toBe(true);
  });
});
