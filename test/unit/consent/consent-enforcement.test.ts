import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import type { ConsentPurpose } from '../../../common/consent/consent';
import type { MessageChannel } from '../../../common/messaging/message';
import type { Observation } from '../../../common/readings/observation';
import { recordConsent, recordDisclosure, sharingCheck, SharingConsentError } from '../../../renderer/src/db/consents';
import { asCrmDb } from '../../../renderer/src/db/crm-tables';
import { computeDashboard } from '../../../renderer/src/db/dashboard';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { pairDevice } from '../../../renderer/src/db/devices';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { ConsentRequiredError, sendMessage } from '../../../renderer/src/db/messages';
import { discardUnconsentedReadings, MONITORING_WITHDRAWN, storeObservations } from '../../../renderer/src/db/observations';
import { disclosuresOf } from '../../../renderer/src/db/patient-rights';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { downloadDevice } from '../../../renderer/src/engine/devices/download';

/**
 * Issue 9, "Done when": withdrawing each consent stops exactly what it should, at once — one
 * test per purpose, asserting what stops and what keeps working.
 */

let db: CareLoopDb;
let ctx: WriteContext;
let ivy: PatientRow;
let tom: PatientRow;
let n = 0;

const EVERY: ConsentPurpose[] = ['monitoring', 'sms', 'email', 'phone', 'portal', 'in-app', 'sharing', 'analytics'];

async function giveAll(patientId: string) {
  for (const purpose of EVERY) await recordConsent(db, ctx, { patientId, purpose, status: 'given', method: 'written' });
}
const withdraw = (patientId: string, purpose: ConsentPurpose) => recordConsent(db, ctx, { patientId, purpose, status: 'withdrawn', method: 'verbal' });
const send = (patientId: string, channel: MessageChannel, body = 'Hello') => sendMessage(db, ctx, { patientId, channel, body });
const statusOf = async (id: string) => (await db.messages.get(id))!;

beforeEach(async () => {
  db = new CareLoopDb(`consent-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  const repo = new PatientRepository(db, ctx);
  ivy = await repo.create({ givenName: 'Ivy', familyName: 'Chen', birthDate: '1948-02-02', sex: 'female', mrn: 'C-1', phone: '+1 555 0100 3333', email: 'ivy@example.org', preferredChannel: 'sms' });
  tom = await repo.create({ givenName: 'Tom', familyName: 'Berg', birthDate: '1960-03-03', sex: 'male', mrn: 'C-2', phone: '+1 555 0100 4444', email: 'tom@example.org', preferredChannel: 'email' });
  await giveAll(ivy.id);
  await giveAll(tom.id);
});

describe('withdrawing a message channel', () => {
  it('sms: queued SMS are withheld at once with the reason (kept, audited); new SMS are refused; email, staff notes and other patients keep working', async () => {
    const sms = await send(ivy.id, 'sms');
    const email = await send(ivy.id, 'email');
    const tomSms = await send(tom.id, 'sms');
    const withheldBefore = await db.audit.where('action').equals('message.withhold').count();

    await withdraw(ivy.id, 'sms');

    expect(await statusOf(sms.id)).toMatchObject({ status: 'withheld', error: 'consent for sms withdrawn' });
    expect(await db.audit.where('action').equals('message.withhold').count()).toBe(withheldBefore + 1);
    // The withheld message syncs, so the cloud instance's sender sees it is no longer queued.
    expect((await db.outbox.toArray()).some((e) => e.table === 'messages' && e.rowId === sms.id && e.fields['status']?.value === 'withheld')).toBe(true);
    await expect(send(ivy.id, 'sms')).rejects.toBeInstanceOf(ConsentRequiredError);

    expect((await statusOf(email.id)).status).toBe('queued');
    expect((await send(ivy.id, 'email')).status).toBe('queued');
    expect((await send(ivy.id, 'staff-note', 'called, no answer')).status).toBe('logged');
    expect((await statusOf(tomSms.id)).status).toBe('queued');
  });

  it('email: queued email is withheld; SMS keeps working', async () => {
    const email = await send(ivy.id, 'email');
    const sms = await send(ivy.id, 'sms');
    await withdraw(ivy.id, 'email');
    expect(await statusOf(email.id)).toMatchObject({ status: 'withheld', error: 'consent for email withdrawn' });
    await expect(send(ivy.id, 'email')).rejects.toThrow(/not consented to email/);
    expect((await statusOf(sms.id)).status).toBe('queued');
    expect((await send(ivy.id, 'sms')).status).toBe('queued');
  });

  it('portal: portal messages stop; in-app messages keep working', async () => {
    const portal = await send(ivy.id, 'portal');
    const inApp = await send(ivy.id, 'in-app');
    await withdraw(ivy.id, 'portal');
    expect((await statusOf(portal.id)).status).toBe('withheld');
    expect((await statusOf(inApp.id)).status).toBe('queued');
    await expect(send(ivy.id, 'portal')).rejects.toBeInstanceOf(ConsentRequiredError);
    expect((await send(ivy.id, 'in-app')).status).toBe('queued');
  });

  it('in-app: in-app messages stop; portal keeps working', async () => {
    const inApp = await send(ivy.id, 'in-app');
    await withdraw(ivy.id, 'in-app');
    expect((await statusOf(inApp.id)).status).toBe('withheld');
    expect((await send(ivy.id, 'portal')).status).toBe('queued');
  });

  it('phone: no written message stops (calls are made by people, and a call is still logged); the withdrawal is recorded', async () => {
    const sms = await send(ivy.id, 'sms');
    await withdraw(ivy.id, 'phone');
    expect((await statusOf(sms.id)).status).toBe('queued');
    expect((await send(ivy.id, 'phone-log', 'patient called in')).status).toBe('logged');
    expect((await db.audit.where('action').equals('consent.change').last())!.changes).toEqual({ phone: { before: undefined, after: 'withdrawn' } });
  });
});

describe('withdrawing monitoring', () => {
  const fakeMain = (calls: string[]) =>
    ({
      call: async () => {
        calls.push('call');
        throw new Error('not expected');
      },
      stream: () => {
        calls.push('stream');
        throw new Error('the device must not be read');
      },
    }) as unknown as ContractClient<MainApi>;

  const reading = (id: string, patientId: string, value = 120): Observation => ({
    id, clinicId: 'c1', patientId, metric: 'blood-pressure-systolic', value, unit: 'mm[Hg]', timeMs: Date.now() - 60_000, source: { kind: 'ingest', grade: 'consumer' }, flags: [], receivedMs: Date.now(),
  });

  it('a download for the patient reads and stores nothing and says why (a typed refusal, audited); messaging keeps working', async () => {
    const device = await pairDevice(db, ctx, { patientId: ivy.id, family: 'contour', model: 'Contour Next USB', serial: 'S-1', label: 'Meter', target: { kind: 'simulated', simulator: 'contour-next-usb', serial: 'S-1' }, grade: 'clinical' });
    await withdraw(ivy.id, 'monitoring');
    const calls: string[] = [];
    const result = await downloadDevice(db, fakeMain(calls), ctx, device.id, { setClockIfSkewed: false, timeZone: 'UTC' }, () => undefined);
    expect(calls).toEqual([]);
    expect(result).toMatchObject({ outcome: 'refused', newReadings: 0, error: { code: 'monitoring-consent-withdrawn', message: MONITORING_WITHDRAWN } });
    expect(await db.observations.count()).toBe(0);
    const audit = await db.audit.where('action').equals('device.download').last();
    expect(audit).toMatchObject({ patientId: ivy.id, changes: { outcome: { after: 'refused' } } });
    expect((await send(ivy.id, 'sms')).status).toBe('queued');
  });

  it('cloud-ingested readings pulled for the patient are not kept (audited with the count); another patient’s are', async () => {
    await withdraw(ivy.id, 'monitoring');
    // As the sync engine's pulled page stored them:
    const pulled = [reading('i1', ivy.id), reading('i2', ivy.id), reading('t1', tom.id)];
    await storeObservations(db, pulled);
    const { kept, discarded } = await discardUnconsentedReadings(db, ctx, pulled);
    expect(discarded).toBe(2);
    expect(kept.map((o) => o.id)).toEqual(['t1']);
    expect((await db.observations.toArray()).map((o) => o.id)).toEqual(['t1']);
    const refusal = await db.audit.where('action').equals('reading.refuse').toArray();
    expect(refusal).toEqual([expect.objectContaining({ patientId: ivy.id, reason: MONITORING_WITHDRAWN, changes: { discarded: { before: undefined, after: 2 } } })]);
  });

  it('given again, readings are kept again', async () => {
    await withdraw(ivy.id, 'monitoring');
    await recordConsent(db, ctx, { patientId: ivy.id, purpose: 'monitoring', status: 'given', method: 'written' });
    const pulled = [reading('i3', ivy.id)];
    await storeObservations(db, pulled);
    expect((await discardUnconsentedReadings(db, ctx, pulled)).kept).toHaveLength(1);
  });
});

describe('withdrawing sharing', () => {
  it('refuses a share with another provider (thrown, audited, not listed as a disclosure); export to the patient and messaging keep working', async () => {
    await recordDisclosure(db, ctx, { patientId: ivy.id, kind: 'share', to: { kind: 'provider', name: 'City Cardiology' }, format: 'fhir-bundle', encrypted: true });
    expect(await sharingCheck(db, ivy.id)).toBeUndefined();
    await withdraw(ivy.id, 'sharing');
    expect(await sharingCheck(db, ivy.id)).toMatch(/withdrawn consent to sharing/);
    const err = await recordDisclosure(db, ctx, { patientId: ivy.id, kind: 'share', to: { kind: 'provider', name: 'City Cardiology' }, format: 'fhir-bundle', encrypted: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SharingConsentError);
    expect((err as Error).message).toMatch(/withdrawn consent to sharing/);
    expect(await db.audit.where('action').equals('disclosure.refuse').toArray()).toEqual([expect.objectContaining({ patientId: ivy.id, reason: expect.stringMatching(/withdrawn/) })]);

    await recordDisclosure(db, ctx, { patientId: ivy.id, kind: 'export', to: { kind: 'patient' }, format: 'pdf-summary', encrypted: false });
    expect((await disclosuresOf(db, ivy.id)).map((d) => [d.kind, d.recipient])).toEqual([
      ['export', 'the patient'],
      ['share', 'City Cardiology'],
    ]);
    // Another patient with sharing consent is shared as before.
    await recordDisclosure(db, ctx, { patientId: tom.id, kind: 'share', to: { kind: 'provider', name: 'City Cardiology' }, format: 'fhir-bundle', encrypted: true });
    expect(await disclosuresOf(db, tom.id)).toHaveLength(1);
    expect((await send(ivy.id, 'sms')).status).toBe('queued');
  });
});

describe('withdrawing analytics', () => {
  it('leaves the patient out of every population figure at once; the patient keeps being messaged', async () => {
    const before = await computeDashboard(asCrmDb(db), { nowMs: Date.now(), zone: 'UTC' });
    expect(before).toMatchObject({ patients: 2, withdrawnAnalytics: 0 });
    await withdraw(ivy.id, 'analytics');
    const after = await computeDashboard(asCrmDb(db), { nowMs: Date.now(), zone: 'UTC' });
    expect(after).toMatchObject({ patients: 1, withdrawnAnalytics: 1 });
    expect(after.riskList.map((r) => r.patientId)).not.toContain(ivy.id);
    expect((await send(ivy.id, 'sms')).status).toBe('queued');
  });
});
