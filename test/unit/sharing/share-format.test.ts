import { CompactEncrypt, CompactSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShareBuildError, ShareVerifyError } from '../../../common/sharing/errors';
import { keyName } from '../../../common/sharing/fingerprint';
import { PASSPHRASE_ALG, RECIPIENT_KEY_ALG, SHARE_JWE_TYPE, SHARE_JWS_TYPE } from '../../../common/sharing/format';
import { openSharePackage, summariseShare, type ShareOpenSecret } from '../../../common/sharing/open';
import { publicSigningJwk, sealSharePackage, type SigningIdentity } from '../../../common/sharing/seal';
import { DAY, FAST_ITERATIONS, ISSUED, RESOURCES, payload, recipient, signer } from './kit';

const NOW = ISSUED + DAY;
const PASS = 'correct horse battery staple';

async function failure(p: Promise<unknown>): Promise<ShareVerifyError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ShareVerifyError);
  return err as ShareVerifyError;
}

/** A package sealed by hand, for payloads sealSharePackage refuses to sign. */
async function handSealed(body: unknown, key: SigningIdentity, passphrase: string): Promise<string> {
  const jwk = publicSigningJwk(key.publicJwk);
  const { kid } = await keyName(jwk);
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader({ alg: 'EdDSA', typ: SHARE_JWS_TYPE, kid, jwk }).sign(key.privateKey);
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg: PASSPHRASE_ALG, enc: 'A256GCM', typ: SHARE_JWE_TYPE, cty: SHARE_JWS_TYPE })
    .setKeyManagementParameters({ p2c: FAST_ITERATIONS })
    .encrypt(new TextEncoder().encode(passphrase));
}

/** Byte i changed in two ways: its low bit flipped, and swapped for another base64url character. */
function mutations(file: Uint8Array, i: number): Uint8Array[] {
  const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const flip = file.slice();
  flip[i] = flip[i]! ^ 0x01;
  const swap = file.slice();
  const at = ALPHA.indexOf(String.fromCharCode(file[i]!));
  swap[i] = ALPHA.charCodeAt(at < 0 ? 0 : (at + 1) % 64);
  return [flip, swap];
}

describe('share package: seal and open', () => {
  let clinic: SigningIdentity;
  let fingerprint: string;
  beforeAll(async () => {
    clinic = await signer();
    fingerprint = (await keyName(publicSigningJwk(clinic.publicJwk))).fingerprint;
  });

  it('opens with the recipient key (X25519 and P-256) and reports who signed it and what is inside', async () => {
    for (const crv of ['X25519', 'P-256'] as const) {
      const r = await recipient(crv);
      const file = await sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: r.publicJwk });
      expect(file).toMatch(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){4}$/);
      const header = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(file.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
      expect(header).toMatchObject({ alg: RECIPIENT_KEY_ALG, enc: 'A256GCM', typ: SHARE_JWE_TYPE, cty: SHARE_JWS_TYPE });
      const v = await openSharePackage(file, { kind: 'recipient-key', privateJwk: r.privateJwk }, { nowMs: NOW, expectedFingerprint: fingerprint.toLowerCase() });
      expect(v.payload.bundle.entry).toHaveLength(3);
      expect(summariseShare(v)).toEqual({
        valid: true, format: 'careloop-share', version: 1, packageId: 'pkg-1',
        issuer: { clinic: 'Riverside Clinic', clinicId: 'clinic-a', kid: v.issuer.kid, fingerprint },
        protection: 'recipient-key', issuedAt: '2026-11-25T09:00:00.000Z', expiresAt: '2026-12-25T09:00:00.000Z',
        recipient: 'City Cardiology', purpose: 'Cardiology referral', contents: ['readings'], patients: 1,
        resources: { Organization: 1, Patient: 1, Observation: 1 }, contentHash: v.payload.contentHash,
      });
      expect(fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    }
  });

  it('opens with the passphrase; a wrong passphrase or the other kind of secret fails with its own reason', async () => {
    const file = await sealSharePackage(payload(), clinic, { kind: 'passphrase', passphrase: PASS, iterations: FAST_ITERATIONS });
    expect((await openSharePackage(file, { kind: 'passphrase', passphrase: PASS }, { nowMs: NOW })).protection).toBe('passphrase');
    const wrong = await failure(openSharePackage(file, { kind: 'passphrase', passphrase: 'correct horse battery stapler' }, { nowMs: NOW }));
    expect(wrong.kind).toBe('cannot-decrypt');
    expect(wrong.message).toMatch(/passphrase does not open/);
    const r = await recipient();
    expect((await failure(openSharePackage(file, { kind: 'recipient-key', privateJwk: r.privateJwk }, { nowMs: NOW }))).kind).toBe('wrong-secret-kind');
    const keyed = await sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: r.publicJwk });
    expect((await failure(openSharePackage(keyed, { kind: 'passphrase', passphrase: PASS }, { nowMs: NOW }))).kind).toBe('wrong-secret-kind');
    const other = await recipient();
    expect((await failure(openSharePackage(keyed, { kind: 'recipient-key', privateJwk: other.privateJwk }, { nowMs: NOW }))).kind).toBe('cannot-decrypt');
    expect((await failure(openSharePackage(keyed, { kind: 'recipient-key', privateJwk: r.publicJwk }, { nowMs: NOW }))).kind).toBe('bad-key');
  });

  it('uses the OWASP PBKDF2 cost by default', async () => {
    const file = await sealSharePackage(payload(), clinic, { kind: 'passphrase', passphrase: PASS });
    const header = JSON.parse(atob(file.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { p2c: number };
    expect(header.p2c).toBe(210_000);
  });

  it('fails after its expiry, naming it, and not before', async () => {
    const file = await sealSharePackage(payload({ validityDays: 2 }), clinic, { kind: 'passphrase', passphrase: PASS, iterations: FAST_ITERATIONS });
    const secret: ShareOpenSecret = { kind: 'passphrase', passphrase: PASS };
    await openSharePackage(file, secret, { nowMs: ISSUED + 2 * DAY - 1 });
    const err = await failure(openSharePackage(file, secret, { nowMs: ISSUED + 2 * DAY }));
    expect(err.kind).toBe('expired');
    expect(err.message).toBe('this package expired on 2026-11-27T09:00:00.000Z');
    expect((await failure(openSharePackage(file, secret, { nowMs: ISSUED - DAY }))).kind).toBe('not-yet-valid');
  });

  it('refuses a package signed by another key than the expected one', async () => {
    const file = await sealSharePackage(payload(), await signer(), { kind: 'passphrase', passphrase: PASS, iterations: FAST_ITERATIONS });
    const err = await failure(openSharePackage(file, { kind: 'passphrase', passphrase: PASS }, { nowMs: NOW, expectedFingerprint: fingerprint }));
    expect(err.kind).toBe('untrusted-key');
  });

  it('refuses another format version, a bundle that does not match its signed hash, and a payload that breaks the format', async () => {
    const secret: ShareOpenSecret = { kind: 'passphrase', passphrase: PASS };
    const v2 = await handSealed({ ...payload(), version: 2 }, clinic, PASS);
    const e1 = await failure(openSharePackage(v2, secret, { nowMs: NOW }));
    expect([e1.kind, e1.message]).toEqual(['unsupported-version', 'share format version 2 is not supported (this CareLoop reads version 1)']);
    const p = payload();
    const swapped = { ...p, bundle: { ...p.bundle, entry: p.bundle.entry.slice(0, 2) } };
    expect((await failure(openSharePackage(await handSealed(swapped, clinic, PASS), secret, { nowMs: NOW }))).kind).toBe('integrity');
    expect((await failure(openSharePackage(await handSealed({ ...p, recipient: '' }, clinic, PASS), secret, { nowMs: NOW }))).kind).toBe('bad-payload');
    expect((await failure(openSharePackage(await handSealed({ ...p, patients: [] }, clinic, PASS), secret, { nowMs: NOW }))).kind).toBe('bad-payload');
  });

  it('refuses to seal a malformed payload, a private or unusable recipient key, or an empty passphrase', async () => {
    const r = await recipient();
    await expect(sealSharePackage({ ...payload(), purpose: '' }, clinic, { kind: 'passphrase', passphrase: PASS })).rejects.toBeInstanceOf(ShareBuildError);
    await expect(sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: r.privateJwk })).rejects.toThrow(/private key/);
    await expect(sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: { kty: 'RSA', n: 'x', e: 'AQAB' } })).rejects.toThrow(/X25519 .*P-256/);
    await expect(sealSharePackage(payload(), clinic, { kind: 'passphrase', passphrase: '' })).rejects.toMatchObject({ kind: 'no-passphrase' });
  });

  it('fails when ANY byte of the file is changed (every position of a recipient-key package)', async () => {
    const r = await recipient();
    // A small package (the clinic and the patient only) keeps the walk short.
    const text = await sealSharePackage(payload({ resources: RESOURCES.slice(0, 2), contents: [] }), clinic, { kind: 'recipient-key', publicJwk: r.publicJwk });
    const file = new TextEncoder().encode(text);
    const secret: ShareOpenSecret = { kind: 'recipient-key', privateJwk: r.privateJwk };
    await openSharePackage(file, secret, { nowMs: NOW });
    const passed: number[] = [];
    const kinds = new Set<string>();
    for (let i = 0; i < file.length; i++) {
      // Every byte swapped for another base64url character (the change a lenient decoder might miss); every eighth also bit-flipped.
      const [flip, swap] = mutations(file, i);
      for (const changed of i % 8 === 0 ? [swap!, flip!] : [swap!]) {
        const err = await openSharePackage(changed, secret, { nowMs: NOW }).then(() => undefined, (e: unknown) => e);
        if (err instanceof ShareVerifyError) kinds.add(err.kind);
        else passed.push(i);
      }
    }
    expect(passed).toEqual([]);
    expect(file.length).toBeGreaterThan(900);
    // Caught by the strict file reading or by AES-GCM/AES-KW authentication; both kinds occur.
    expect(kinds).toContain('malformed');
    expect(kinds).toContain('cannot-decrypt');
    // Appending or removing a byte fails as well.
    await failure(openSharePackage(new Uint8Array([...file, 0x0a]), secret, { nowMs: NOW }));
    await failure(openSharePackage(file.slice(0, -1), secret, { nowMs: NOW }));
    await failure(openSharePackage(file.slice(1), secret, { nowMs: NOW }));
  });

  it('fails when a byte of a passphrase package is changed (dense sample, first and last byte)', async () => {
    const text = await sealSharePackage(payload(), clinic, { kind: 'passphrase', passphrase: PASS, iterations: FAST_ITERATIONS });
    const file = new TextEncoder().encode(text);
    const secret: ShareOpenSecret = { kind: 'passphrase', passphrase: PASS };
    const positions = new Set([0, file.length - 1, ...Array.from({ length: Math.ceil(file.length / 9) }, (_, k) => k * 9)]);
    for (const d of text.split('').flatMap((c, i) => (c === '.' ? [i - 1, i, i + 1] : []))) positions.add(d);
    const passed: number[] = [];
    for (const i of positions) {
      for (const changed of mutations(file, i)) {
        const err = await openSharePackage(changed, secret, { nowMs: NOW }).then(() => undefined, (e: unknown) => e);
        if (!(err instanceof ShareVerifyError)) passed.push(i);
      }
    }
    expect(passed).toEqual([]);
  });

  it('rejects non-canonical base64url that a lenient decoder would read as the same bytes', async () => {
    const r = await recipient();
    const text = await sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: r.publicJwk });
    const parts = text.split('.');
    // The 16-byte tag is 22 characters: the last one carries 4 unused bits.
    const tag = parts[4]!;
    const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = ALPHA.indexOf(tag.at(-1)!);
    const sameBits = ALPHA[(last & ~0xf) | ((last + 1) & 0xf)]!;
    const forged = [...parts.slice(0, 4), tag.slice(0, -1) + sameBits].join('.');
    expect(atob(forged.split('.')[4]!.replace(/-/g, '+').replace(/_/g, '/') + '==')).toBe(atob(tag.replace(/-/g, '+').replace(/_/g, '/') + '=='));
    const err = await failure(openSharePackage(forged, { kind: 'recipient-key', privateJwk: r.privateJwk }, { nowMs: NOW }));
    expect(err.kind).toBe('malformed');
  });
});
