import { CompactEncrypt, CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import { ShareBuildError } from './errors';
import { keyName } from './fingerprint';
import {
  CONTENT_ENC,
  MAX_PBES2_ITERATIONS,
  MIN_PBES2_ITERATIONS,
  PASSPHRASE_ALG,
  PBES2_ITERATIONS,
  RECIPIENT_KEY_ALG,
  SHARE_JWE_TYPE,
  SHARE_JWS_TYPE,
  SharePayload,
  SIGNING_ALG,
} from './format';

/** The clinic's signing key as the sealer needs it: the private key (may be non-extractable) and its public JWK. */
export interface SigningIdentity {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Whom the package is encrypted for. */
export type ShareSealSecret =
  | { kind: 'passphrase'; passphrase: string; /** PBKDF2 iterations; PBES2_ITERATIONS when absent. Tests lower it. */ iterations?: number }
  | { kind: 'recipient-key'; publicJwk: JWK };

const encoder = new TextEncoder();

/** The clinic's public key as it goes into the header: only the members RFC 8037 §2 defines. */
export function publicSigningJwk(jwk: JWK): JWK {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new ShareBuildError('bad-signing-key', 'the clinic signing key is not an Ed25519 key');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/**
 * A recipient's public key for ECDH-ES: X25519 (RFC 8037) or P-256 (RFC 7518 §6.2). A key
 * with private material is refused: the sender must never hold the recipient's private key.
 */
export function recipientPublicJwk(jwk: unknown): JWK {
  if (typeof jwk !== 'object' || jwk === null) throw new ShareBuildError('bad-recipient-key', 'the recipient key is not a JSON Web Key');
  const k = jwk as Record<string, unknown>;
  if ('d' in k) throw new ShareBuildError('bad-recipient-key', "this is a private key: ask the recipient for their public key (a JWK without \"d\")");
  if (k['kty'] === 'OKP' && k['crv'] === 'X25519' && typeof k['x'] === 'string') return { kty: 'OKP', crv: 'X25519', x: k['x'] };
  if (k['kty'] === 'EC' && k['crv'] === 'P-256' && typeof k['x'] === 'string' && typeof k['y'] === 'string') return { kty: 'EC', crv: 'P-256', x: k['x'], y: k['y'] };
  throw new ShareBuildError('bad-recipient-key', 'the recipient key must be an X25519 (OKP) or P-256 (EC) public key');
}

async function encryptionKey(secret: ShareSealSecret): Promise<{ alg: string; key: CryptoKey | Uint8Array; p2c?: number }> {
  if (secret.kind === 'passphrase') {
    if (typeof secret.passphrase !== 'string' || secret.passphrase.length === 0) throw new ShareBuildError('no-passphrase', 'a passphrase package needs a passphrase');
    const p2c = secret.iterations ?? PBES2_ITERATIONS;
    if (!Number.isInteger(p2c) || p2c < MIN_PBES2_ITERATIONS || p2c > MAX_PBES2_ITERATIONS) throw new ShareBuildError('bad-request', `PBES2 iterations must be ${MIN_PBES2_ITERATIONS}…${MAX_PBES2_ITERATIONS}`);
    return { alg: PASSPHRASE_ALG, key: encoder.encode(secret.passphrase.normalize('NFC')), p2c };
  }
  const jwk = recipientPublicJwk(secret.publicJwk);
  try {
    return { alg: RECIPIENT_KEY_ALG, key: (await importJWK(jwk, RECIPIENT_KEY_ALG)) as CryptoKey };
  } catch {
    throw new ShareBuildError('bad-recipient-key', 'the recipient key could not be read (not a valid X25519 or P-256 point)');
  }
}

/**
 * Signs the payload with the clinic's key and encrypts the signed text for the recipient;
 * returns the file's text (see format.ts). The payload is checked against the format first,
 * so nothing malformed is ever signed.
 */
export async function sealSharePackage(payload: SharePayload, signer: SigningIdentity, secret: ShareSealSecret): Promise<string> {
  const checked = SharePayload.safeParse(payload);
  if (!checked.success) throw new ShareBuildError('bad-request', `the share payload is not valid: ${checked.error.issues[0]?.path.join('.') ?? ''} ${checked.error.issues[0]?.message ?? ''}`.trim());
  const jwk = publicSigningJwk(signer.publicJwk);
  const { kid } = await keyName(jwk);
  const jws = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: SIGNING_ALG, typ: SHARE_JWS_TYPE, kid, jwk })
    .sign(signer.privateKey);
  const enc = await encryptionKey(secret);
  const jwe = new CompactEncrypt(encoder.encode(jws)).setProtectedHeader({ alg: enc.alg, enc: CONTENT_ENC, typ: SHARE_JWE_TYPE, cty: SHARE_JWS_TYPE });
  if (enc.p2c !== undefined) jwe.setKeyManagementParameters({ p2c: enc.p2c });
  return jwe.encrypt(enc.key);
}
