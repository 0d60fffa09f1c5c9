import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { deriveKey } from '../../../common/backup/cipher';
import { toHex } from '../../../common/backup/format';

describe('the backup key derivation', () => {
  it('derives the same Argon2id key as the WebAssembly implementation earlier backups used', async () => {
    const kdf = { algorithm: 'argon2id' as const, memoryKiB: 64, iterations: 2, parallelism: 1, salt: '00112233445566778899aabbccddeeff' };
    const passphrase = 'Ünïcode passphrase ✓';
    const expected = await argon2id({ password: passphrase.normalize('NFC'), salt: new Uint8Array(kdf.salt.match(/../g)!.map((h) => parseInt(h, 16))), memorySize: kdf.memoryKiB, iterations: kdf.iterations, parallelism: 1, hashLength: 32, outputType: 'hex' });
    const key = await deriveKey(passphrase, kdf);
    // The key is not extractable; sealing the same block under both keys shows they are equal.
    const raw = await crypto.subtle.importKey('raw', new Uint8Array(expected.match(/../g)!.map((h) => parseInt(h, 16))), { name: 'AES-GCM' }, false, ['encrypt']);
    const iv = new Uint8Array(12);
    const data = new TextEncoder().encode('same key?');
    const a = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data));
    const b = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, raw, data));
    expect(toHex(a)).toBe(toHex(b));
  });
});
