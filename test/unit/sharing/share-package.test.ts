import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { summarisePlan } from '../../../common/fhir/import-plan';
import { PermissionDeniedError } from '../../../common/security/permissions';
import { ShareBuildError, ShareVerifyError } from '../../../common/sharing/errors';
import { openSharePackage } from '../../../common/sharing/open';
import { recordConsent, SharingConsentError } from '../../../renderer/src/db/consents';
import type { PatientRow } from '../../../renderer/src/db/database';
import { applyFhirImport } from '../../../renderer/src/db/fhir-import';
import { sendMessage } from '../../../renderer/src/db/messages';
import { disclosuresOf } from '../../../renderer/src/db/patient-rights';
import { makeSharePackage, planSharePackageImport } from '../../../renderer/src/db/share-package';
import { clinicSigningKey, clinicSigningKeyName } from '../../../renderer/src/db/share-signing-key';
import { setCurrentActor } from '../../../renderer/src/security/current-actor';
import { validationErrors, validator } from '../fhir/kit';
import { openClinic, seedClinic, type Clinic } from '../fhir/db-kit';
import { FAST_ITERATIONS, recipient } from './kit';

const PASS = 'a long shared passphrase';
const fast = { kind: 'passphrase' as const, passphrase: PASS, iterations: FAST_ITERATIONS };
const request = (patientId: string, contents: string[] = ['readings', 'devices']) =>
  ({ patientId, recipient: 'City Cardiology', purpose: 'Referral for palpitations', contents: contents as never });

describe('making a share package from the record', () => {
  let src: Clinic;
  let ruth: PatientRow;
  let tomas: PatientRow;

  beforeAll(async () => {
    src = await openClinic('share-src');
    const seeded = await seedClinic(src);
    ruth = seeded[0]!;
    tomas = seeded[1]!;
    await recordConsent(src.db, src.ctx, { patientId: ruth.id, purpose: 'sharing', status: 'given', method: 'written' });
    await recordConsent(src.db, src.ctx, { patientId: ruth.id, purpose: 'sms', status: 'given', method: 'written' });
    await sendMessage(src.db, src.ctx, { patientId: ruth.id, channel: 'sms', body: 'Your readings look steady.' });
  });

  it('signs with the clinic key, carries only the ticked kinds of record, and every resource validates', async () => {
    const file = await makeSharePackage(src.db, src.ctx, request(ruth.id, ['readings', 'series', 'consents']), { clinicName: 'Riverside Clinic', protection: fast });
    expect(file.fileName).toMatch(/^RO-1001-\d{4}-\d{2}-\d{2}\.careloop-share$/);
    const v = await openSharePackage(file.text, { kind: 'passphrase', passphrase: PASS }, { nowMs: Date.now() });
    expect(v.issuer).toMatchObject({ kid: file.kid, fingerprint: file.fingerprint });
    expect(v.payload).toMatchObject({ recipient: 'City Cardiology', purpose: 'Referral for palpitations', contents: ['readings', 'series', 'consents'], clinic: { id: 'clinic-a', name: 'Riverside Clinic' } });
    expect(v.payload.patients).toEqual([{ pseudonym: expect.stringMatching(/^P-[0-9A-Z]{5}-[0-9A-Z]{5}$/), name: 'Ruth Okafor' }]);
    expect(Date.parse(v.payload.expiresAt) - Date.parse(v.payload.issuedAt)).toBe(30 * 86_400_000);
    const resources = v.payload.bundle.entry.map((e) => e.resource as unknown as Resource);
    const types = new Set(resources.map((r) => r.resourceType));
    expect(types).toEqual(new Set(['Organization', 'Patient', 'Observation', 'Consent']));
    // Another patient's data never rides along.
    expect(JSON.stringify(resources)).not.toContain(tomas.id);
    const observations = resources.filter((r) => r.resourceType === 'Observation') as { valueSampledData?: unknown; valueQuantity?: unknown }[];
    expect(observations.some((o) => o.valueSampledData)).toBe(true);
    expect(observations.some((o) => o.valueQuantity)).toBe(true);
    expect(validationErrors(resources)).toEqual({});
    expect(file.resources).toBe(resources.length);
  });

  it('messages only when ticked; staff only when something shared names them', async () => {
    const without = await makeSharePackage(src.db, src.ctx, request(ruth.id, ['readings']), { clinicName: 'Riverside Clinic', protection: fast });
    const types = async (text: string) => new Set((await openSharePackage(text, { kind: 'passphrase', passphrase: PASS }, { nowMs: Date.now() })).payload.bundle.entry.map((e) => e.resource.resourceType));
    expect(await types(without.text)).not.toContain('Communication');
    expect(await types(without.text)).not.toContain('Practitioner');
    const withMessages = await makeSharePackage(src.db, src.ctx, request(ruth.id, ['messages']), { clinicName: 'Riverside Clinic', protection: fast });
    expect(await types(withMessages.text)).toEqual(new Set(['Organization', 'Patient', 'Communication']));
  });

  it('records each package: one disclosure in the accounting, one audit entry naming key, hash and expiry', async () => {
    const before = (await disclosuresOf(src.db, ruth.id)).length;
    const r = await recipient();
    const file = await makeSharePackage(src.db, src.ctx, request(ruth.id), { clinicName: 'Riverside Clinic', protection: { kind: 'recipient-key', publicJwk: r.publicJwk } });
    const disclosures = await disclosuresOf(src.db, ruth.id);
    expect(disclosures).toHaveLength(before + 1);
    expect(disclosures[0]).toMatchObject({ kind: 'share', recipient: 'City Cardiology', format: 'careloop-share', encrypted: true });
    const entry = (await src.db.audit.where('action').equals('share.package').toArray()).at(-1)!;
    expect(entry).toMatchObject({
      entity: 'share-package', entityId: file.packageId, patientId: ruth.id, actor: src.ctx.actor,
      changes: { kid: { after: file.kid }, contentHash: { after: file.contentHash }, expiresAt: { after: file.expiresAt }, protection: { after: 'recipient-key' }, recipient: { after: 'City Cardiology' } },
    });
    // The audit never holds the record itself.
    expect(JSON.stringify(entry)).not.toMatch(/Okafor|Ruth/);
  });

  it('refuses without sharing consent, with the reason, audited, nothing disclosed', async () => {
    const before = (await disclosuresOf(src.db, tomas.id)).length;
    const err = await makeSharePackage(src.db, src.ctx, request(tomas.id), { clinicName: 'Riverside Clinic', protection: fast }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SharingConsentError);
    expect((err as Error).message).toBe('Not shared: The patient has not consented to sharing with other providers.');
    expect(await disclosuresOf(src.db, tomas.id)).toHaveLength(before);
    expect(await src.db.audit.where('action').equals('disclosure.refuse').filter((a) => a.patientId === tomas.id).count()).toBe(1);
    await recordConsent(src.db, src.ctx, { patientId: ruth.id, purpose: 'sharing', status: 'withdrawn', method: 'verbal' });
    await expect(makeSharePackage(src.db, src.ctx, request(ruth.id), { clinicName: 'Riverside Clinic', protection: fast })).rejects.toThrow(/withdrawn consent to sharing/);
    await recordConsent(src.db, src.ctx, { patientId: ruth.id, purpose: 'sharing', status: 'given', method: 'written' });
  });

  it('refuses a bad request before anything is recorded, and people who may not export', async () => {
    const count = await src.db.audit.count();
    await expect(makeSharePackage(src.db, src.ctx, { ...request(ruth.id), recipient: ' ' }, { clinicName: 'x', protection: fast })).rejects.toBeInstanceOf(ShareBuildError);
    await expect(makeSharePackage(src.db, src.ctx, { ...request(ruth.id), validityDays: 400 }, { clinicName: 'x', protection: fast })).rejects.toThrow(/at most 365 days/);
    const r = await recipient();
    await expect(makeSharePackage(src.db, src.ctx, request(ruth.id), { clinicName: 'x', protection: { kind: 'recipient-key', publicJwk: r.privateJwk } })).rejects.toThrow(/private key/);
    expect(await src.db.audit.count()).toBe(count);
    setCurrentActor(src.db, { kind: 'user', userId: 'u-n', name: 'Nurse Lee', role: 'nurse' });
    try {
      await expect(makeSharePackage(src.db, src.ctx, request(ruth.id), { clinicName: 'x', protection: fast })).rejects.toBeInstanceOf(PermissionDeniedError);
    } finally {
      setCurrentActor(src.db, { kind: 'system', reason: 'test' });
    }
  });

  it('keeps one non-extractable signing key per clinic on the workstation', async () => {
    const a = await clinicSigningKey(src.db, 'clinic-a');
    const b = await clinicSigningKey(src.db, 'clinic-a');
    expect(b.kid).toBe(a.kid);
    expect(a.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', a.privateKey as CryptoKey)).rejects.toThrow();
    expect(await clinicSigningKeyName(src.db, 'clinic-a')).toMatchObject({ kid: a.kid, fingerprint: a.fingerprint });
    expect(await clinicSigningKeyName(src.db, 'clinic-z')).toBeUndefined();
    // Backups and sync copy the clinic database's tables: no key object is in any of them.
    const holdsKey = (v: unknown): boolean => v instanceof CryptoKey || (typeof v === 'object' && v !== null && Object.values(v).some(holdsKey));
    for (const t of src.db.tables) expect((await t.toArray()).some(holdsKey)).toBe(false);
  });

  it('another CareLoop plans the import of a verified package through the FHIR import, and applies it', async () => {
    const file = await makeSharePackage(src.db, src.ctx, request(ruth.id, ['readings']), { clinicName: 'Riverside Clinic', protection: fast });
    const dst = await openClinic('share-dst', 'clinic-b');
    const { verified, plan } = await planSharePackageImport(dst.db, new TextEncoder().encode(file.text), { kind: 'passphrase', passphrase: PASS }, { validator, expectedFingerprint: file.fingerprint });
    expect(verified.issuer.fingerprint).toBe(file.fingerprint);
    expect(summarisePlan(plan)).toMatchObject({ newPatients: 1, matchedPatients: 0, needsReview: 0, readings: 12 });
    expect(plan.source.system).toBe('careloop-share:Riverside Clinic');
    expect(await dst.db.patients.count()).toBe(0);
    const result = await applyFhirImport(dst.db, dst.ctx, plan);
    expect(result).toMatchObject({ patientsCreated: 1, readingsAdded: 12 });
    expect((await dst.db.patients.toArray()).map((p) => p.mrn)).toEqual(['RO-1001']);

    const expired = await planSharePackageImport(dst.db, file.text, { kind: 'passphrase', passphrase: PASS }, { validator, nowMs: Date.now() + 31 * 86_400_000 }).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(ShareVerifyError);
    expect((expired as ShareVerifyError).kind).toBe('expired');
  });
});
