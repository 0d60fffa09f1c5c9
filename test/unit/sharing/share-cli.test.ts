import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { keyName } from '../../../common/sharing/fingerprint';
import { publicSigningJwk, sealSharePackage } from '../../../common/sharing/seal';
import { DAY, FAST_ITERATIONS, ISSUED, payload, recipient, signer } from './kit';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('careloop share verify', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'share-cli-'));
  const at = new Date(ISSUED + DAY).toISOString();
  let keyed: string;
  let keyFile: string;
  let sealed: string;
  let fingerprint: string;

  beforeAll(async () => {
    const clinic = await signer();
    fingerprint = (await keyName(publicSigningJwk(clinic.publicJwk))).fingerprint;
    const r = await recipient();
    keyFile = path.join(dir, 'recipient.jwk');
    writeFileSync(keyFile, JSON.stringify(r.privateJwk));
    keyed = path.join(dir, 'a.careloop-share');
    writeFileSync(keyed, await sealSharePackage(payload(), clinic, { kind: 'recipient-key', publicJwk: r.publicJwk }));
    sealed = path.join(dir, 'b.careloop-share');
    writeFileSync(sealed, await sealSharePackage(payload({ validityDays: 2 }), clinic, { kind: 'passphrase', passphrase: 'open sesame please', iterations: FAST_ITERATIONS }));
  });

  it('prints the JSON summary and exits 0 for a good package (key file or passphrase)', async () => {
    const r = await run(['share', 'verify', keyed, '--key', keyFile, '--at', at, '--expect-fingerprint', fingerprint]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary).toMatchObject({ valid: true, patients: 1, resources: { Organization: 1, Patient: 1, Observation: 1 }, expiresAt: '2026-12-25T09:00:00.000Z', issuer: { fingerprint } });
    // The summary names no patient.
    expect(r.out).not.toMatch(/Okafor|Ruth/);
    expect((await run(['share', 'verify', sealed, '--passphrase', 'open sesame please', '--at', at])).code).toBe(0);
  });

  it('exits 1 with the reason: wrong passphrase, expired, changed byte, another signer', async () => {
    const wrong = await run(['share', 'verify', sealed, '--passphrase', 'open sesame', '--at', at]);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out)).toEqual({ valid: false, error: 'cannot-decrypt', reason: 'the passphrase does not open this package, or the package was changed' });
    expect(wrong.err).toMatch(/passphrase does not open/);
    const expired = await run(['share', 'verify', sealed, '--passphrase', 'open sesame please', '--at', new Date(ISSUED + 3 * DAY).toISOString()]);
    expect([expired.code, expired.err]).toEqual([1, 'careloop share verify: this package expired on 2026-11-27T09:00:00.000Z\n']);
    const text = (await import('node:fs')).readFileSync(keyed, 'utf8');
    const changed = path.join(dir, 'c.careloop-share');
    const mid = Math.floor(text.length / 2);
    writeFileSync(changed, text.slice(0, mid) + (text[mid] === 'A' ? 'B' : 'A') + text.slice(mid + 1));
    expect((await run(['share', 'verify', changed, '--key', keyFile, '--at', at])).code).toBe(1);
    const other = await run(['share', 'verify', keyed, '--key', keyFile, '--at', at, '--expect-fingerprint', '0000 '.repeat(16)]);
    expect([other.code, (JSON.parse(other.out) as { error: string }).error]).toEqual([1, 'untrusted-key']);
    expect((await run(['share', 'verify', path.join(dir, 'missing'), '--key', keyFile])).code).toBe(1);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['share'])).code).toBe(2);
    expect((await run(['share', 'verify', keyed, '--key', keyFile, '--passphrase', 'x'])).code).toBe(2);
    expect((await run(['share', 'verify', keyed, '--at', 'soon'])).code).toBe(2);
  });
});

describe('careloop share keygen', () => {
  it('writes a private X25519 key (never over an existing file) whose printed public key packages are sealed to', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'share-keygen-'));
    const out = path.join(dir, 'me.jwk');
    const r = await run(['share', 'keygen', '--out', out]);
    expect(r.code).toBe(0);
    const publicJwk = JSON.parse(r.out) as { kty: string; crv: string; d?: string };
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'X25519' });
    expect(publicJwk.d).toBeUndefined();
    const file = path.join(dir, 'p.careloop-share');
    writeFileSync(file, await sealSharePackage(payload(), await signer(), { kind: 'recipient-key', publicJwk }));
    expect((await run(['share', 'verify', file, '--key', out, '--at', new Date(ISSUED + DAY).toISOString()])).code).toBe(0);
    expect((await run(['share', 'keygen', '--out', out])).code).toBe(1);
    expect((await run(['share', 'keygen'])).code).toBe(2);
  });
});
