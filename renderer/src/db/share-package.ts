import { z } from 'zod';
import type { ImportPlan } from '../../../common/fhir/import-plan';
import { parseFhirJson } from '../../../common/fhir/parse';
import type { FhirValidator } from '../../../common/fhir/validator';
import { newId } from '../../../common/ids';
import { ShareBuildError } from '../../../common/sharing/errors';
import { DEFAULT_VALIDITY_DAYS, MAX_VALIDITY_DAYS, SHARE_CONTENTS, SHARE_FILE_EXTENSION, SHARE_FORMAT, SHARE_MEDIA_TYPE, type ShareContent } from '../../../common/sharing/format';
import { openSharePackage, type ShareOpenSecret, type VerifiedShare } from '../../../common/sharing/open';
import { buildSharePayload } from '../../../common/sharing/payload';
import { recipientPublicJwk, sealSharePackage, type ShareSealSecret } from '../../../common/sharing/seal';
import { requirePermission } from '../security/current-actor';
import { recordDisclosure, sharingCheck } from './consents';
import type { CareLoopDb } from './database';
import { planFhirImport } from './fhir-import';
import { appendAudit, type WriteContext } from './journal';
import { sharedResources } from './share-package-content';
import { clinicSigningKey } from './share-signing-key';

/**
 * Share packages (issue 10, "Verifiable sharing"; format in common/sharing/format.ts):
 * making one from a patient's record, and planning the import of one received.
 *
 * Making one is a disclosure to another provider, so it goes through the same gate as every
 * export (recordDisclosure: sharing consent checked, refusal audited and thrown with the
 * patient's reason; the 'share' entry is what the accounting of disclosures lists), plus one
 * 'share.package' audit entry that names the package — its id, the signing key, the content
 * hash and the expiry — so the clinic's hash-chained audit (anchored on the cloud instance)
 * later proves exactly what was sent, without holding any of it.
 */
export const ShareRequest = z.object({
  patientId: z.string().min(1),
  recipient: z.string().trim().min(1, 'name who the package is for').max(120, 'at most 120 characters'),
  purpose: z.string().trim().min(1, 'say what the package is for').max(200, 'at most 200 characters'),
  validityDays: z.number().int('whole days').min(1, 'at least one day').max(MAX_VALIDITY_DAYS, `at most ${MAX_VALIDITY_DAYS} days`).default(DEFAULT_VALIDITY_DAYS),
  contents: z.array(z.enum(SHARE_CONTENTS)).transform((c) => SHARE_CONTENTS.filter((k) => c.includes(k))),
});
export type ShareRequestInput = z.input<typeof ShareRequest>;

export interface MakeShareOptions {
  clinicName: string;
  protection: ShareSealSecret;
  nowMs?: number;
}

export interface SharePackageFile {
  /** The file's whole content (ASCII). */
  text: string;
  fileName: string;
  mediaType: string;
  packageId: string;
  kid: string;
  fingerprint: string;
  expiresAt: string;
  contentHash: string;
  resources: number;
}

function fileNameFor(mrn: string, issuedMs: number): string {
  const safe = mrn.replace(/[^A-Za-z0-9\-_.]/g, '_') || 'patient';
  return `${safe}-${new Date(issuedMs).toISOString().slice(0, 10)}${SHARE_FILE_EXTENSION}`;
}

/**
 * Builds, signs and encrypts one patient's share package. Checks, in order: the request,
 * the recipient key (before anything is recorded), the user's right to export patient data,
 * the patient's sharing consent (a refusal is audited and thrown as SharingConsentError with
 * the reason). Only a package that was fully made is recorded as disclosed.
 */
export async function makeSharePackage(db: CareLoopDb, ctx: WriteContext, input: ShareRequestInput, o: MakeShareOptions): Promise<SharePackageFile> {
  const parsed = ShareRequest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShareBuildError('bad-request', `${issue?.path.join('.') ?? 'request'}: ${issue?.message ?? 'invalid'}`);
  }
  const req = parsed.data;
  if (o.protection.kind === 'recipient-key') recipientPublicJwk(o.protection.publicJwk);
  else if (!o.protection.passphrase) throw new ShareBuildError('no-passphrase', 'a passphrase package needs a passphrase');
  requirePermission(db, 'export', 'patient');

  const patient = await db.patients.get(req.patientId);
  if (!patient || patient.deleted) throw new ShareBuildError('bad-request', 'That patient does not exist on this workstation.');
  const to = { kind: 'provider' as const, name: req.recipient };
  // Refused before any of the record is read; recordDisclosure audits the refusal and throws it.
  if (await sharingCheck(db, patient.id)) await recordDisclosure(db, ctx, { patientId: patient.id, kind: 'share', to, format: SHARE_FORMAT, encrypted: true });

  const nowMs = o.nowMs ?? Date.now();
  const signer = await clinicSigningKey(db, ctx.clinicId, nowMs);
  const clinic = { id: ctx.clinicId, name: o.clinicName };
  const resources = await sharedResources(db, clinic, patient, new Set<ShareContent>(req.contents));
  const payload = buildSharePayload({
    packageId: newId(),
    clinic,
    issuedMs: nowMs,
    validityDays: req.validityDays,
    patients: [{ name: [patient.givenName, patient.familyName].filter(Boolean).join(' ') }],
    purpose: req.purpose,
    recipient: req.recipient,
    contents: req.contents,
    resources,
  });
  const text = await sealSharePackage(payload, signer, o.protection);

  await recordDisclosure(db, ctx, { patientId: patient.id, kind: 'share', to, format: SHARE_FORMAT, encrypted: true });
  await appendAudit(db, ctx, {
    action: 'share.package',
    entity: 'share-package',
    entityId: payload.packageId,
    patientId: patient.id,
    changes: {
      recipient: { before: undefined, after: req.recipient },
      kid: { before: undefined, after: signer.kid },
      contentHash: { before: undefined, after: payload.contentHash },
      expiresAt: { before: undefined, after: payload.expiresAt },
      protection: { before: undefined, after: o.protection.kind },
      contents: { before: undefined, after: req.contents.join(',') },
      resources: { before: undefined, after: resources.length },
    },
  });
  return {
    text,
    fileName: fileNameFor(patient.mrn, nowMs),
    mediaType: SHARE_MEDIA_TYPE,
    packageId: payload.packageId,
    kid: signer.kid,
    fingerprint: signer.fingerprint,
    expiresAt: payload.expiresAt,
    contentHash: payload.contentHash,
    resources: resources.length,
  };
}

export interface ShareImportOptions {
  validator: FhirValidator;
  nowMs?: number;
  /** Refuse packages not signed by this clinic key (its fingerprint as given out of band). */
  expectedFingerprint?: string;
  fileName?: string;
}

export interface ShareImportPlan {
  verified: VerifiedShare;
  plan: ImportPlan;
}

/**
 * A received package, verified (ShareVerifyError on any failure: changed, expired, wrong
 * secret, unknown version), then planned through the FHIR import like any bundle — patients
 * matched by MRN, then name and birth date for review — without writing anything. The UI
 * shows the plan with who signed it (verified.issuer.fingerprint) and applies it with
 * applyFhirImport.
 */
export async function planSharePackageImport(db: CareLoopDb, file: Uint8Array | string, secret: ShareOpenSecret, o: ShareImportOptions): Promise<ShareImportPlan> {
  const verified = await openSharePackage(file, secret, { nowMs: o.nowMs ?? Date.now(), ...(o.expectedFingerprint ? { expectedFingerprint: o.expectedFingerprint } : {}) });
  const parsed = parseFhirJson(verified.payload.bundle, o.validator);
  const plan = await planFhirImport(db, parsed, {
    sourceSystem: `careloop-share:${verified.payload.clinic.name || verified.payload.clinic.id}`.slice(0, 120),
    ...(o.fileName ? { fileName: o.fileName } : {}),
  });
  return { verified, plan };
}
