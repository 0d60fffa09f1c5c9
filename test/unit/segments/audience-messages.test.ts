import { describe, expect, it } from 'vitest';
import { AudienceSendError, channelFor, previewAudienceMessages, sendToAudience } from '../../../renderer/src/db/audience-messages';
import { recordConsent } from '../../../renderer/src/db/consents';
import { ensureDefaultTemplates } from '../../../renderer/src/db/messages';
import type { PatientRow } from '../../../renderer/src/db/database';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { createSegment, evaluateSegment } from '../../../renderer/src/db/segments';
import { NOW, openPopulation, ZONE } from '../insights/population-fixture';

/**
 * The population (see population-fixture): Tom has SMS consent, Lee withdrew his, Ruth and
 * Ana never gave one. Added here: Mia prefers email (consented), Sam prefers phone calls
 * (SMS consented), Kai's processing is restricted (GDPR Art. 18; SMS consented), Ola is archived (SMS consented).
 */
async function setup() {
  const pop = await openPopulation();
  const { db, ctx } = pop;
  await ensureDefaultTemplates(db, ctx);
  const repo = new PatientRepository(db, ctx);
  const mia = await repo.create({ givenName: 'Mia', familyName: 'Novak', birthDate: '1975-04-04', sex: 'female', mrn: 'P-5', email: 'mia@example.org', preferredChannel: 'email' });
  const sam = await repo.create({ givenName: 'Sam', familyName: 'Ortiz', birthDate: '1966-09-09', sex: 'male', mrn: 'P-6', phone: '+1 555 0100 0006', preferredChannel: 'phone' });
  const kai = await repo.create({ givenName: 'Kai', familyName: 'Berg', birthDate: '1970-01-01', sex: 'male', mrn: 'P-7', phone: '+1 555 0100 0007' });
  const ola = await repo.create({ givenName: 'Ola', familyName: 'Lind', birthDate: '1960-06-06', sex: 'female', mrn: 'P-8', phone: '+1 555 0100 0008' });
  await recordConsent(db, ctx, { patientId: mia.id, purpose: 'email', status: 'given', method: 'electronic' });
  for (const p of [sam, kai, ola]) await recordConsent(db, ctx, { patientId: p.id, purpose: 'sms', status: 'given', method: 'written' });
  await repo.archive(ola.id, 'moved away');
  // The restriction flag as the patient-rights screen stores it on the row.
  await db.patients.update(kai.id, { restriction: { ground: 'legal-claims', by: 'Nurse Jordan Lee', atMs: NOW } } as unknown as Partial<PatientRow>);
  const templates = await db.messageTemplates.toArray();
  const wellDone = templates.find((t) => t.name === 'Well done this week')!;
  const reminder = templates.find((t) => t.name === 'Appointment reminder')!;
  const everyone = await createSegment(db, ctx, { name: 'Everyone', filter: {} });
  const audience = (await evaluateSegment(db, everyone.filter, { nowMs: NOW, zone: ZONE, includeArchived: true })).patientIds;
  return { ...pop, mia, sam, kai, ola, wellDone, reminder, everyone, audience };
}

describe('sendToAudience: message a segment', () => {
  it('queues one message per patient on the preferred channel through the inbox path, and lists every skipped patient with the reason', async () => {
    const s = await setup();
    const before = await s.db.messages.count();
    const progress: number[] = [];
    const report = await sendToAudience(s.db, s.ctx, {
      segment: { id: s.everyone.id, name: s.everyone.name },
      patientIds: s.audience,
      templateId: s.wellDone.id,
      policy: { kind: 'preferred' },
      clinicName: 'Riverside Clinic',
      nowMs: NOW,
      onProgress: (done) => progress.push(done),
    });
    expect(report.audience).toBe(8);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const byId = (id: string) => report.queued.find((q) => q.patientId === id);
    expect(report.queued.map((q) => q.patientId).sort()).toEqual([s.tom.id, s.mia.id, s.sam.id].sort());
    expect(byId(s.tom.id)!.channel).toBe('sms');
    expect(byId(s.mia.id)!.channel).toBe('email');
    // A preferred phone call becomes SMS, as in the workflows.
    expect(byId(s.sam.id)!.channel).toBe('sms');

    const skipped = Object.fromEntries(report.skipped.map((x) => [x.name, [x.kind, x.reason]]));
    expect(skipped).toEqual({
      'Ruth Okafor': ['no-consent', 'Ruth Okafor has not consented to sms messages'],
      'Ana Silva': ['no-consent', 'Ana Silva has not consented to sms messages'],
      'Lee Chen': ['no-consent', 'Lee Chen has not consented to sms messages'],
      'Kai Berg': ['restricted', 'processing of this patient’s data is restricted'],
      'Ola Lind': ['archived', 'the record is archived'],
    });

    // Exactly one message per patient who was sent to, rendered for them; the refused ones are kept as withheld (as in the inbox).
    const written = (await s.db.messages.toArray()).slice(before);
    const queued = written.filter((m) => m.status === 'queued');
    expect(queued).toHaveLength(3);
    expect(new Set(queued.map((m) => m.patientId)).size).toBe(3);
    expect(queued.find((m) => m.patientId === s.tom.id)).toMatchObject({ to: '+1 555 0100 0002', templateId: s.wellDone.id, body: expect.stringMatching(/^Well done, Tom! .* — Riverside Clinic$/) });
    expect(queued.find((m) => m.patientId === s.mia.id)).toMatchObject({ channel: 'email', to: 'mia@example.org' });
    expect(written.filter((m) => m.status === 'withheld').map((m) => m.patientId).sort()).toEqual([s.ruth.id, s.ana.id, s.lee.id].sort());
    // Restricted and archived patients get nothing written at all.
    expect(written.some((m) => m.patientId === s.kai.id || m.patientId === s.ola.id)).toBe(false);
    // Queued messages wait in the sync outbox (they leave when the workstation syncs).
    const outboxed = (await s.db.outbox.toArray()).filter((o) => o.table === 'messages').map((o) => o.rowId);
    for (const q of report.queued) expect(outboxed).toContain(q.messageId);
  });

  it('is audited once with the audience size and the outcome', async () => {
    const s = await setup();
    const report = await sendToAudience(s.db, s.ctx, { segment: { id: s.everyone.id, name: s.everyone.name }, patientIds: s.audience, templateId: s.wellDone.id, policy: { kind: 'preferred' }, clinicName: 'Riverside Clinic', nowMs: NOW });
    const entries = (await s.db.audit.toArray()).filter((a) => a.entity === 'segment-message');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: report.auditId, entityId: s.everyone.id });
    const changes = entries[0]!.changes!;
    expect([changes['audience']?.after, changes['queued']?.after, changes['skipped']?.after]).toEqual([8, 3, 5]);
    expect(entries[0]!.reason).toContain('8 patients, 3 queued, 5 skipped');
  });

  it('a fixed channel is used for everybody, and consent and address are checked for that channel', async () => {
    const s = await setup();
    const report = await sendToAudience(s.db, s.ctx, { segment: { id: s.everyone.id, name: s.everyone.name }, patientIds: [s.tom.id, s.mia.id], templateId: s.wellDone.id, policy: { kind: 'fixed', channel: 'email' }, clinicName: 'Riverside Clinic', nowMs: NOW });
    expect(report.queued).toEqual([expect.objectContaining({ patientId: s.mia.id, channel: 'email' })]);
    // Tom consented to SMS, not email.
    expect(report.skipped).toEqual([expect.objectContaining({ patientId: s.tom.id, kind: 'no-consent', reason: 'Tom Baker has not consented to email messages' })]);
  });

  it('reports a missing address when consent is there but the record has no email', async () => {
    const s = await setup();
    await recordConsent(s.db, s.ctx, { patientId: s.tom.id, purpose: 'email', status: 'given', method: 'written' });
    const report = await sendToAudience(s.db, s.ctx, { segment: { id: s.everyone.id, name: s.everyone.name }, patientIds: [s.tom.id], templateId: s.wellDone.id, policy: { kind: 'fixed', channel: 'email' }, clinicName: 'Riverside Clinic', nowMs: NOW });
    expect(report.skipped).toEqual([expect.objectContaining({ kind: 'no-address', reason: 'no email address on file' })]);
  });

  it('never sends a template with a blank: a patient without the value is skipped', async () => {
    const s = await setup();
    const report = await sendToAudience(s.db, s.ctx, { segment: { id: s.everyone.id, name: s.everyone.name }, patientIds: [s.tom.id], templateId: s.reminder.id, policy: { kind: 'preferred' }, clinicName: 'Riverside Clinic', nowMs: NOW });
    expect(report.queued).toEqual([]);
    expect(report.skipped).toEqual([expect.objectContaining({ kind: 'missing-values', reason: 'the record has no appointment.time for this template' })]);
  });

  it('stops when asked and counts the patients not reached', async () => {
    const s = await setup();
    const stop = new AbortController();
    const report = await sendToAudience(s.db, s.ctx, {
      segment: { id: s.everyone.id, name: s.everyone.name }, patientIds: s.audience, templateId: s.wellDone.id, policy: { kind: 'preferred' }, clinicName: 'Riverside Clinic', nowMs: NOW, signal: stop.signal,
      onProgress: (done) => done === 2 && stop.abort(),
    });
    expect(report.queued.length + report.skipped.length).toBe(2);
    expect(report.notAttempted).toBe(6);
  });

  it('refuses an empty audience, an unknown template and an unknown channel with a typed error', async () => {
    const s = await setup();
    const base = { segment: { id: s.everyone.id, name: s.everyone.name }, templateId: s.wellDone.id, policy: { kind: 'preferred' } as const, clinicName: 'Riverside Clinic' };
    await expect(sendToAudience(s.db, s.ctx, { ...base, patientIds: [] })).rejects.toThrow(AudienceSendError);
    await expect(sendToAudience(s.db, s.ctx, { ...base, patientIds: [s.tom.id], templateId: 'nope' })).rejects.toThrow('Choose an active message template.');
    await expect(sendToAudience(s.db, s.ctx, { ...base, patientIds: [s.tom.id], policy: { kind: 'fixed', channel: 'fax' as 'sms' } })).rejects.toThrow(AudienceSendError);
  });
});

describe('previewAudienceMessages', () => {
  it('renders the first patients’ messages from their own records and flags what is known to be skipped', async () => {
    const s = await setup();
    const preview = await previewAudienceMessages(s.db, s.audience, { templateId: s.wellDone.id, policy: { kind: 'preferred' }, clinicName: 'Riverside Clinic', limit: 8 });
    expect(preview).toHaveLength(8);
    const mia = preview.find((p) => p.patientId === s.mia.id)!;
    expect(mia).toMatchObject({ channel: 'email', body: expect.stringContaining('Well done, Mia!') });
    expect(mia.skip).toBeUndefined();
    expect(preview.find((p) => p.patientId === s.kai.id)!.skip).toEqual({ kind: 'restricted', reason: 'processing of this patient’s data is restricted' });
    expect(preview.find((p) => p.patientId === s.ola.id)!.skip?.kind).toBe('archived');
    expect(await previewAudienceMessages(s.db, s.audience, { templateId: s.wellDone.id, policy: { kind: 'preferred' }, clinicName: 'x' })).toHaveLength(5);
  });

  it('channelFor follows the patient unless the channel is fixed', () => {
    expect(channelFor({ preferredChannel: 'portal' }, { kind: 'preferred' })).toBe('portal');
    expect(channelFor({ preferredChannel: 'phone' }, { kind: 'preferred' })).toBe('sms');
    expect(channelFor({ preferredChannel: 'email' }, { kind: 'fixed', channel: 'in-app' })).toBe('in-app');
  });
});
