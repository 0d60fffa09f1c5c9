import { describe, expect, it } from 'vitest';
import { readRecipientKeyFile } from '../../../renderer/src/components/sharing/share-download';
import { recipient } from './kit';

const file = (text: string) => new File([text], 'key.jwk', { type: 'application/json' });

describe("the recipient's key file on the Share record card", () => {
  it('reads a public JWK, or a JWK Set holding one, keeping only the public members', async () => {
    const r = await recipient('P-256');
    const withExtras = { ...r.publicJwk, kid: 'city-cardiology', use: 'enc' };
    expect(await readRecipientKeyFile(file(JSON.stringify(withExtras)))).toEqual({ kty: 'EC', crv: 'P-256', x: r.publicJwk.x, y: r.publicJwk.y });
    expect(await readRecipientKeyFile(file(JSON.stringify({ keys: [r.publicJwk] })))).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });

  it('refuses a private key, a set of several keys, a signing key and what is not JSON, each with the reason', async () => {
    const r = await recipient();
    await expect(readRecipientKeyFile(file(JSON.stringify(r.privateJwk)))).rejects.toThrow(/private key/);
    await expect(readRecipientKeyFile(file(JSON.stringify({ keys: [r.publicJwk, r.publicJwk] })))).rejects.toThrow(/more than one key/);
    await expect(readRecipientKeyFile(file(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: r.publicJwk.x })))).rejects.toThrow(/X25519 .*P-256/);
    await expect(readRecipientKeyFile(file('-----BEGIN PUBLIC KEY-----'))).rejects.toThrow(/not JSON/);
  });
});
