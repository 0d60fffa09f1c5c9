import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Resource } from '@medplum/fhirtypes';
import { buildSharePayload } from '../../../common/sharing/payload';
import type { SigningIdentity } from '../../../common/sharing/seal';
import type { SharePayload } from '../../../common/sharing/format';

export const ISSUED = Date.UTC(2026, 10, 25, 9, 0);
export const DAY = 86_400_000;
/** Test-only PBKDF2 cost: the format's floor, so a walk over many copies stays fast. */
export const FAST_ITERATIONS = 1000;

export async function signer(): Promise<SigningIdentity> {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK;
  return { privateKey: pair.privateKey, publicJwk: jwk };
}

export async function recipient(crv: 'X25519' | 'P-256' = 'X25519'): Promise<{ publicJwk: JWK; privateJwk: JWK }> {
  const pair = await generateKeyPair('ECDH-ES+A256KW', { crv, extractable: true });
  return { publicJwk: await exportJWK(pair.publicKey), privateJwk: await exportJWK(pair.privateKey) };
}

export const RESOURCES: Resource[] = [
  { resourceType: 'Organization', id: 'org-1', name: 'Riverside Clinic' },
  { resourceType: 'Patient', id: 'pat-1', name: [{ family: 'Okafor', given: ['Ruth'] }], birthDate: '1951-05-04' },
  {
    resourceType: 'Observation', id: 'obs-1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/pat-1' }, effectiveDateTime: '2026-11-20T07:00:00Z', valueQuantity: { value: 61, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  },
];

export function payload(over: Partial<Parameters<typeof buildSharePayload>[0]> = {}): SharePayload {
  return buildSharePayload({
    packageId: 'pkg-1', clinic: { id: 'clinic-a', name: 'Riverside Clinic' }, issuedMs: ISSUED, validityDays: 30,
    patients: [{ name: 'Ruth Okafor' }], purpose: 'Cardiology referral', recipient: 'City Cardiology', contents: ['readings'], resources: RESOURCES, ...over,
  });
}
