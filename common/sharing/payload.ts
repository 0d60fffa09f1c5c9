import type { Resource } from '@medplum/fhirtypes';
import { bundleOf } from '../fhir/bundle';
import { contentHash } from './fingerprint';
import { MAX_VALIDITY_DAYS, SHARE_FORMAT, SHARE_FORMAT_VERSION, type ShareContent, type SharePayload } from './format';

const DAY_MS = 86_400_000;
/** Crockford base32 without I, L, O, U: a pseudonym read aloud or typed is not misread. */
const PSEUDONYM_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh pseudonym, unlinkable across packages: "P-" and ten base32 characters (50 random bits). */
export function newPseudonym(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  let s = '';
  for (const b of bytes) s += PSEUDONYM_ALPHABET[b & 31];
  return `P-${s.slice(0, 5)}-${s.slice(5)}`;
}

export interface PayloadInput {
  packageId: string;
  clinic: { id: string; name: string };
  issuedMs: number;
  validityDays: number;
  patients: { name: string }[];
  purpose: string;
  recipient: string;
  contents: readonly ShareContent[];
  resources: readonly Resource[];
}

/** The payload the clinic signs: the resources as a collection Bundle, with its content hash. */
export function buildSharePayload(i: PayloadInput): SharePayload {
  if (!Number.isInteger(i.validityDays) || i.validityDays < 1 || i.validityDays > MAX_VALIDITY_DAYS) throw new RangeError(`validity is 1…${MAX_VALIDITY_DAYS} whole days`);
  const bundle = bundleOf(i.resources, { kind: 'collection', timestampMs: i.issuedMs }) as unknown as SharePayload['bundle'];
  return {
    format: SHARE_FORMAT,
    version: SHARE_FORMAT_VERSION,
    packageId: i.packageId,
    clinic: { id: i.clinic.id, name: i.clinic.name },
    issuedAt: new Date(i.issuedMs).toISOString(),
    expiresAt: new Date(i.issuedMs + i.validityDays * DAY_MS).toISOString(),
    patients: i.patients.map((p) => ({ pseudonym: newPseudonym(), name: p.name })),
    purpose: i.purpose,
    recipient: i.recipient,
    contents: [...i.contents],
    bundle,
    contentHash: contentHash(bundle),
  };
}

/** Every `Type/id` reference anywhere in the resources (FHIR R4 §2.3.0 Reference.reference). */
export function referencedKeys(resources: readonly Resource[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'reference' && typeof x === 'string') out.add(x);
        else walk(x);
      }
    }
  };
  walk(resources);
  return out;
}
