import { argon2Verify, argon2id as wasmArgon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { hashSecret, parseEncodedHash, passwordProblem, pinProblem, TEST_HASH_COST, verifySecret } from '../../../renderer/src/security/credentials';

const cost = { memoryKiB: 64, iterations: 2 };

describe('Argon2id credentials', () => {
  it('hashes to a PHC string with a fresh salt each time and verifies only the same secret', async () => {
    const a = await hashSecret('correct horse battery staple', cost);
    const b = await hashSecret('correct horse battery staple', cost);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=64,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifySecret('correct horse battery staple', a)).toBe(true);
    expect(await verifySecret('correct horse battery stapl', a)).toBe(false);
  });

  it('normalises to NFC: a composed and a decomposed "é" are the same password', async () => {
    const composed = 'caf\u00e9 au lait please';
    const decomposed = 'cafe\u0301 au lait please';
    expect(composed).not.toBe(decomposed);
    expect(await verifySecret(decomposed, await hashSecret(composed, cost))).toBe(true);
  });

  it('is the server\'s format: hash-wasm verifies our hashes and we verify hash-wasm\'s', async () => {
    const ours = await hashSecret('a long enough e2e password', cost);
    expect(await argon2Verify({ password: 'a long enough e2e password', hash: ours })).toBe(true);
    const theirs = await wasmArgon2id({ password: 'a long enough e2e password', salt: new Uint8Array(16).fill(7), parallelism: 1, iterations: 2, memorySize: 64, hashLength: 32, outputType: 'encoded' });
    expect(await verifySecret('a long enough e2e password', theirs)).toBe(true);
    expect(await verifySecret('another password', theirs)).toBe(false);
  });

  it('reads the cost from the hash, and refuses garbage and costs that would stall the worker', async () => {
    const h = await hashSecret('0000', TEST_HASH_COST);
    expect(parseEncodedHash(h)).toMatchObject({ memoryKiB: 8, iterations: 1, parallelism: 1 });
    expect(() => parseEncodedHash('$2b$10$abcdefghijklmnopqrstuv')).toThrow(/not an Argon2id/);
    expect(await verifySecret('0000', 'plain text')).toBe(false);
    const huge = h.replace('m=8,t=1', 'm=9000000,t=1');
    expect(await verifySecret('0000', huge)).toBe(false);
  });

  it('password and PIN rules', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem(' '.repeat(14))).toMatch(/only spaces/);
    expect(passwordProblem('twelve chars')).toBeUndefined();
    // Twelve characters, not twelve UTF-16 units or bytes.
    expect(passwordProblem('🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒')).toMatch(/at least 12/);
    expect(pinProblem('123')).toBeDefined();
    expect(pinProblem('1234')).toBeUndefined();
    expect(pinProblem('12345678')).toBeUndefined();
    expect(pinProblem('123456789')).toBeDefined();
    expect(pinProblem('12a4')).toBeDefined();
  });
});
