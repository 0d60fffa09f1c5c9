import { z } from 'zod';

/**
 * The .careloop-share file (issue 10, "Verifiable sharing"): one compact JWE (RFC 7516 §7.1)
 * whose plaintext is one compact JWS (RFC 7515 §7.1) over the UTF-8 JSON payload below.
 *
 *   file      = ASCII, exactly BASE64URL(header) '.' key '.' iv '.' ciphertext '.' tag, no newline
 *   JWE       = alg ECDH-ES+A256KW (recipient's X25519 or P-256 public key) or PBES2-HS512+A256KW
 *               (passphrase), enc A256GCM, typ SHARE_JWE_TYPE, cty SHARE_JWS_TYPE
 *   JWS       = alg EdDSA (RFC 8037, an Ed25519 key), typ SHARE_JWS_TYPE, kid = the RFC 7638
 *               thumbprint of jwk, jwk = the clinic's public signing key
 *   payload   = SharePayload, with contentHash = SHA-256 of the bundle's canonical JSON
 *
 * Sign inside, encrypt outside: the signature is over what the clinic meant to send, and
 * stays verifiable after decryption (the recipient can keep the inner JWS as proof of origin).
 */
export const SHARE_FORMAT = 'careloop-share';
export const SHARE_FORMAT_VERSION = 1;
export const SHARE_FILE_EXTENSION = '.careloop-share';
export const SHARE_MEDIA_TYPE = 'application/vnd.careloop.share+jose';
/** typ of the outer JWE and cty/typ of the inner JWS (RFC 7515 §4.1.9–10: media types without "application/"). */
export const SHARE_JWE_TYPE = 'careloop-share+jwe';
export const SHARE_JWS_TYPE = 'careloop-share+jws';
export const SIGNING_ALG = 'EdDSA';
export const CONTENT_ENC = 'A256GCM';
export const RECIPIENT_KEY_ALG = 'ECDH-ES+A256KW';
export const PASSPHRASE_ALG = 'PBES2-HS512+A256KW';

/**
 * PBKDF2-HMAC-SHA512 iterations for a passphrase package: OWASP's Password Storage Cheat
 * Sheet (2023) asks 210,000 for PBKDF2-HMAC-SHA512. Opening accepts up to MAX (a forged
 * header must not make the verifier spin) and at least RFC 7518 §4.8.1.2's 1000.
 */
export const PBES2_ITERATIONS = 210_000;
export const MAX_PBES2_ITERATIONS = 2_000_000;
export const MIN_PBES2_ITERATIONS = 1000;

export const DEFAULT_VALIDITY_DAYS = 30;
export const MAX_VALIDITY_DAYS = 365;
/** Clocks of two clinics differ: a package "issued" up to this far in the future is still accepted. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** What a package may carry besides the patient (and the clinic's Organization). */
export const SHARE_CONTENTS = ['readings', 'series', 'devices', 'appointments', 'messages', 'tasks', 'programs', 'alerts', 'consents'] as const;
export type ShareContent = (typeof SHARE_CONTENTS)[number];

export const SHARE_CONTENT_LABELS: Readonly<Record<ShareContent, string>> = {
  readings: 'Readings (blood pressure, glucose, weight, …)',
  series: 'Dense series and ECG strips',
  devices: 'Devices',
  appointments: 'Appointments',
  messages: 'Messages',
  tasks: 'Tasks',
  programs: 'Care programs',
  alerts: 'Open alerts',
  consents: 'Consent decisions',
};

/** What the Share card ticks by default: the clinical picture, not the correspondence. */
export const DEFAULT_SHARE_CONTENTS: readonly ShareContent[] = ['readings', 'devices', 'programs', 'alerts', 'consents'];

const isoInstant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(s) && Number.isFinite(Date.parse(s)), 'an ISO 8601 UTC instant');

const FhirBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('collection'),
  entry: z.array(z.looseObject({ resource: z.looseObject({ resourceType: z.string().min(1) }) })),
});
export type ShareBundle = z.infer<typeof FhirBundle>;

export const SharePayload = z.object({
  format: z.literal(SHARE_FORMAT),
  version: z.literal(SHARE_FORMAT_VERSION),
  packageId: z.string().min(1).max(64),
  clinic: z.object({ id: z.string().min(1).max(120), name: z.string().max(200) }),
  issuedAt: isoInstant,
  expiresAt: isoInstant,
  /** One entry per patient in the bundle: a per-package pseudonym both sides can quote, and the name. */
  patients: z.array(z.object({ pseudonym: z.string().min(1).max(40), name: z.string().max(200) })).min(1),
  purpose: z.string().min(1).max(200),
  recipient: z.string().min(1).max(120),
  contents: z.array(z.enum(SHARE_CONTENTS)),
  bundle: FhirBundle,
  /** 'sha-256:' + lowercase hex of SHA-256 over canonicalJson(bundle). */
  contentHash: z.string().regex(/^sha-256:[0-9a-f]{64}$/),
});
export type SharePayload = z.infer<typeof SharePayload>;
