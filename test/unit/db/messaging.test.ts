import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderTemplate, smsSegments, templateVariables } from '../../../common/messaging/template';
import { recordConsent, consentState } from '../../../renderer/src/db/consents';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { ConsentRequiredError, ensureDefaultTemplates, renderFor, sendMessage, templateValuesFor } from '../../../renderer/src/db/messages';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';

let db: CareLoopDb;
let ctx: WriteContext;
let patient: PatientRow;
let n = 0;

beforeEach(async () => {
  db = new CareLoopDb(`msg-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  patient = await new PatientRepository(db, ctx).create({
    givenName: 'Ivy', familyName: 'Chen', birthDate: '1948-02-02', sex: 'female', mrn: 'M-1', phone: '+1 555 0100 3333', preferredChannel: 'sms',
  });
});

describe('templates', () => {
  it('renders variables and reports the missing ones', () => {
    expect(templateVariables('Hi {{patient.givenName}}, {{ appointment.time }}')).toEqual(['patient.givenName', 'appointment.time']);
    expect(renderTemplate('Hi {{patient.givenName}} at {{appointment.time}}', { 'patient.givenName': 'Ivy' })).toEqual({ text: 'Hi Ivy at {{appointment.time}}', missing: ['appointment.time'] });
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('ü'.repeat(70))).toBe(1);
    expect(smsSegments('日本'.repeat(40))).toBe(2);
  });

  it('fills values from the record: latest blood pressure and next appointment', async () => {
    const t = Date.now() - 3_600_000;
    await storeObservations(db, [
      { id: 'o1', clinicId: 'c1', patientId: patient.id, metric: 'blood-pressure-systolic', value: 151, unit: 'mm[Hg]', timeMs: t, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: t },
      { id: 'o2', clinicId: 'c1', patientId: patient.id, metric: 'blood-pressure-diastolic', value: 94, unit: 'mm[Hg]', timeMs: t, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: t },
    ]);
    await ensureDefaultTemplates(db, ctx);
    const tpl = (await db.messageTemplates.toArray()).find((x) => x.name === 'Blood pressure follow-up')!;
    const r = renderFor(tpl, await templateValuesFor(db, patient, 'Riverside'));
    expect(r.missing).toEqual([]);
    expect(r.body).toContain('151/94 mmHg');
    const reminder = (await db.messageTemplates.toArray()).find((x) => x.name === 'Appointment reminder')!;
    expect(renderFor(reminder, await templateValuesFor(db, patient, 'Riverside')).missing).toEqual(['appointment.time']);
  });
});

describe('consent-gated messaging', () => {
  it('withholds a message without consent for the channel, records and audits the refusal', async () => {
    const err = await sendMessage(db, ctx, { patientId: patient.id, channel: 'sms', body: 'Hello' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsentRequiredError);
    const [m] = await db.messages.toArray();
    expect(m).toMatchObject({ status: 'withheld', error: expect.stringMatching(/not consented to sms/) });
    expect((await db.audit.where('action').equals('message.withhold').count())).toBe(1);
  });

  it('queues with consent, and withdrawing consent stops queued messages on that channel at once', async () => {
    await recordConsent(db, ctx, { patientId: patient.id, purpose: 'sms', status: 'given', method: 'written', document: 'form-2026-11' });
    await recordConsent(db, ctx, { patientId: patient.id, purpose: 'email', status: 'given', method: 'verbal' });
    const sms = await sendMessage(db, ctx, { patientId: patient.id, channel: 'sms', body: 'Reading reminder' });
    expect(sms).toMatchObject({ status: 'queued', to: '+1 555 0100 3333' });
    await expect(sendMessage(db, ctx, { patientId: patient.id, channel: 'email', body: 'x' })).rejects.toThrow(/no email address on file/);
    await recordConsent(db, ctx, { patientId: patient.id, purpose: 'sms', status: 'withdrawn', method: 'verbal', note: 'asked by phone' });
    expect((await db.messages.get(sms.id))!.status).toBe('withheld');
    expect((await consentState(db, patient.id)).sms!.status).toBe('withdrawn');
    await expect(sendMessage(db, ctx, { patientId: patient.id, channel: 'sms', body: 'again' })).rejects.toBeInstanceOf(ConsentRequiredError);
  });

  it('logs phone calls and staff notes without patient consent (they reach no patient)', async () => {
    const note = await sendMessage(db, ctx, { patientId: patient.id, channel: 'staff-note', body: 'Prefers morning calls' });
    expect(note).toMatchObject({ status: 'logged', direction: 'internal' });
  });
});
