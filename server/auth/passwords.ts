import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';

/** Argon2id cost; the default is OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
export interface PasswordHashing {
  memoryKiB: number;
  iterations: number;
}

export const DEFAULT_PASSWORD_HASHING: PasswordHashing = { memoryKiB: 19_456, iterations: 2 };
export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string, cost: PasswordHashing): Promise<string> {
  return argon2id({
    password: password.normalize('NFC'),
    salt: randomBytes(16),
    parallelism: 1,
    iterations: cost.iterations,
    memorySize: cost.memoryKiB,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    return await argon2Verify({ password: password.normalize('NFC'), hash: encoded });
  } catch {
    return false;
  }
}
