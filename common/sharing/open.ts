import { compactDecrypt, compactVerify, errors, importJWK, type CryptoKey, type JWK } from 'jose';
import { fileText, jsonObject, strictCompact } from './compact';
import { ShareVerifyError } from './errors';
import { contentHash, keyName, sameFingerprint } from './fingerprint';
import {
  CLOCK_SKEW_MS,
  CONTENT_ENC,
  MAX_PBES2_ITERATIONS,
  MIN_PBES2_ITERATIONS,
  PASSPHRASE_ALG,
  RECIPIENT_KEY_ALG,
  SHARE_FORMAT,
  SHARE_FORMAT_VERSION,
  SHARE_JWE_TYPE,
  SHARE_JWS_TYPE,
  SharePayload,
  SIGNING_ALG,
} from './format';

/** What opens a package: the passphrase, or the recipient's private key (a JWK with "d"). */
export type ShareOpenSecret = { kind: 'passphrase'; passphrase: string } | { kind: 'recipient-key'; privateJwk: unknown };

export interface OpenShareOptions {
  nowMs: number;
  /** The clinic's fingerprint as the recipient got it out of band; any other signer is refused. */
  expectedFingerprint?: string;
}

export interface VerifiedShare {
  payload: SharePayload;
  issuer: { kid: string; fingerprint: string; publicJwk: JWK };
  protection: 'passphrase' | 'recipient-key';
  /** The inner JWS, kept by a recipient who wants the clinic's signature as proof of origin. */
  signedText: string;
}

const encoder = new TextEncoder();

async function decryptionKey(secret: ShareOpenSecret): Promise<CryptoKey | Uint8Array> {
  if (secret.kind === 'passphrase') return encoder.encode(secret.passphrase.normalize('NFC'));
  const k = secret.privateJwk as Record<string, unknown> | null;
  if (typeof k !== 'object' || k === null || typeof k['d'] !== 'string') throw new ShareVerifyError('bad-key', 'the key file is not a private JSON Web Key (it needs "d")');
  const ok = (k['kty'] === 'OKP' && k['crv'] === 'X25519') || (k['kty'] === 'EC' && k['crv'] === 'P-256');
  if (!ok) throw new ShareVerifyError('bad-key', 'the key file must hold an X25519 (OKP) or P-256 (EC) private key');
  try {
    return (await importJWK(k as JWK, RECIPIENT_KEY_ALG)) as CryptoKey;
  } catch {
    throw new ShareVerifyError('bad-key', 'the key file could not be read as a private key');
  }
}

/** The outer JWE: our type, the algorithm the secret fits, then decrypted (which authenticates header, key, iv and ciphertext). */
async function decrypt(text: string, secret: ShareOpenSecret): Promise<Uint8Array> {
  const [headerBytes] = strictCompact(text, 5, 'the package');
  const header = jsonObject(headerBytes!, 'the package header');
  if (header['typ'] !== SHARE_JWE_TYPE || header['cty'] !== SHARE_JWS_TYPE) throw new ShareVerifyError('not-a-share-package', 'this is not a CareLoop share package');
  if (header['enc'] !== CONTENT_ENC) throw new ShareVerifyError('malformed', `unsupported content encryption ${String(header['enc']).slice(0, 20)}`);
  const alg = header['alg'];
  const wanted = secret.kind === 'passphrase' ? PASSPHRASE_ALG : RECIPIENT_KEY_ALG;
  if (alg !== PASSPHRASE_ALG && alg !== RECIPIENT_KEY_ALG) throw new ShareVerifyError('malformed', `unsupported key management ${String(alg).slice(0, 30)}`);
  if (alg !== wanted) {
    throw new ShareVerifyError('wrong-secret-kind', alg === PASSPHRASE_ALG ? 'this package is sealed with a passphrase: give the passphrase, not a key' : "this package is encrypted to a recipient's key: give the private key file, not a passphrase");
  }
  if (alg === PASSPHRASE_ALG) {
    const p2c = header['p2c'];
    if (typeof p2c !== 'number' || !Number.isInteger(p2c) || p2c < MIN_PBES2_ITERATIONS || p2c > MAX_PBES2_ITERATIONS) throw new ShareVerifyError('malformed', 'the package header has an unacceptable PBES2 iteration count');
  }
  const key = await decryptionKey(secret);
  try {
    const { plaintext } = await compactDecrypt(text, key, { keyManagementAlgorithms: [wanted], contentEncryptionAlgorithms: [CONTENT_ENC], maxPBES2Count: MAX_PBES2_ITERATIONS });
    return plaintext;
  } catch (err) {
    if (err instanceof errors.JOSEError) {
      throw new ShareVerifyError('cannot-decrypt', secret.kind === 'passphrase' ? 'the passphrase does not open this package, or the package was changed' : 'this key does not open this package, or the package was changed');
    }
    throw err;
  }
}

/** The inner JWS: an Ed25519 signature by the key in its own header, whose thumbprint is its kid. */
async function verifySignature(signedText: string, o: OpenShareOptions): Promise<{ payloadBytes: Uint8Array; issuer: VerifiedShare['issuer'] }> {
  const [headerBytes] = strictCompact(signedText, 3, 'the signed content');
  const header = jsonObject(headerBytes!, 'the signature header');
  if (header['typ'] !== SHARE_JWS_TYPE) throw new ShareVerifyError('not-a-share-package', 'the signed content is not a CareLoop share payload');
  if (header['alg'] !== SIGNING_ALG) throw new ShareVerifyError('bad-signature', `unsupported signature algorithm ${String(header['alg']).slice(0, 20)}`);
  const jwk = header['jwk'] as Record<string, unknown> | undefined;
  if (typeof jwk !== 'object' || jwk === null || jwk['kty'] !== 'OKP' || jwk['crv'] !== 'Ed25519' || typeof jwk['x'] !== 'string' || 'd' in jwk) {
    throw new ShareVerifyError('bad-signature', "the signature header does not carry the clinic's Ed25519 public key");
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] };
  const named = await keyName(publicJwk);
  if (header['kid'] !== named.kid) throw new ShareVerifyError('bad-signature', 'the key id does not name the key in the header');
  let key: CryptoKey;
  let payloadBytes: Uint8Array;
  try {
    key = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  } catch {
    throw new ShareVerifyError('bad-signature', 'the signing key in the header is not a valid Ed25519 key');
  }
  try {
    payloadBytes = (await compactVerify(signedText, key, { algorithms: [SIGNING_ALG] })).payload;
  } catch (err) {
    if (err instanceof errors.JOSEError) throw new ShareVerifyError('bad-signature', "the clinic's signature does not verify");
    throw err;
  }
  if (o.expectedFingerprint !== undefined && !sameFingerprint(o.expectedFingerprint, named.fingerprint)) {
    throw new ShareVerifyError('untrusted-key', `signed by key ${named.fingerprint}, not the expected ${o.expectedFingerprint.trim()}`);
  }
  return { payloadBytes, issuer: { kid: named.kid, fingerprint: named.fingerprint, publicJwk } };
}

function checkPayload(raw: Record<string, unknown>, nowMs: number): SharePayload {
  if (raw['format'] !== SHARE_FORMAT) throw new ShareVerifyError('not-a-share-package', 'the signed payload is not a CareLoop share');
  if (raw['version'] !== SHARE_FORMAT_VERSION) throw new ShareVerifyError('unsupported-version', `share format version ${String(raw['version']).slice(0, 10)} is not supported (this CareLoop reads version ${SHARE_FORMAT_VERSION})`);
  const parsed = SharePayload.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShareVerifyError('bad-payload', `the signed payload is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const p = parsed.data;
  const issued = Date.parse(p.issuedAt);
  const expires = Date.parse(p.expiresAt);
  if (expires <= issued) throw new ShareVerifyError('bad-payload', 'the package expires before it was issued');
  const patientResources = p.bundle.entry.filter((e) => e.resource.resourceType === 'Patient').length;
  if (patientResources !== p.patients.length) throw new ShareVerifyError('bad-payload', `the payload names ${p.patients.length} patient(s) but the bundle holds ${patientResources}`);
  // Over the raw bundle, not zod's copy: the hash covers every member the clinic signed.
  if (contentHash(raw['bundle']) !== p.contentHash) throw new ShareVerifyError('integrity', 'the bundle does not match its signed content hash');
  if (nowMs >= expires) throw new ShareVerifyError('expired', `this package expired on ${p.expiresAt}`);
  if (issued > nowMs + CLOCK_SKEW_MS) throw new ShareVerifyError('not-yet-valid', `this package says it was issued on ${p.issuedAt}, which is in the future: check the clocks`);
  return p;
}

/**
 * Opens and checks a share package, in the order that makes each check meaningful: strict
 * file shape, decryption (authenticates every encrypted byte), signature (authenticates the
 * payload and binds it to the clinic's key), format version, content hash, then expiry — so
 * an expiry or a hash that is reported is one the clinic signed. Any failure throws
 * ShareVerifyError with its kind; nothing is returned from a package that fails a check.
 */
export async function openSharePackage(file: Uint8Array | string, secret: ShareOpenSecret, o: OpenShareOptions): Promise<VerifiedShare> {
  const text = fileText(file);
  const plaintext = await decrypt(text, secret);
  let signedText: string;
  try {
    signedText = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new ShareVerifyError('malformed', 'the decrypted content is not text');
  }
  const { payloadBytes, issuer } = await verifySignature(signedText, o);
  const payload = checkPayload(jsonObject(payloadBytes, 'the signed payload'), o.nowMs);
  return { payload, issuer, protection: secret.kind, signedText };
}

/** What `careloop share verify` prints: who signed, for whom, what is inside, until when. No patient data. */
export interface ShareSummary {
  valid: true;
  format: string;
  version: number;
  packageId: string;
  issuer: { clinic: string; clinicId: string; kid: string; fingerprint: string };
  protection: 'passphrase' | 'recipient-key';
  issuedAt: string;
  expiresAt: string;
  recipient: string;
  purpose: string;
  contents: string[];
  patients: number;
  resources: Record<string, number>;
  contentHash: string;
}

export function summariseShare(v: VerifiedShare): ShareSummary {
  const p = v.payload;
  const resources: Record<string, number> = {};
  for (const e of p.bundle.entry) resources[e.resource.resourceType] = (resources[e.resource.resourceType] ?? 0) + 1;
  return {
    valid: true,
    format: p.format,
    version: p.version,
    packageId: p.packageId,
    issuer: { clinic: p.clinic.name, clinicId: p.clinic.id, kid: v.issuer.kid, fingerprint: v.issuer.fingerprint },
    protection: v.protection,
    issuedAt: p.issuedAt,
    expiresAt: p.expiresAt,
    recipient: p.recipient,
    purpose: p.purpose,
    contents: [...p.contents],
    patients: p.patients.length,
    resources,
    contentHash: p.contentHash,
  };
}
