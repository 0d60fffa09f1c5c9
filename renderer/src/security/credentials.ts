import { argon2idAsync } from '@noble/hashes/argon2.js';

/**
 * Passwords and PINs of workstation users, kept only as Argon2id (RFC 9106) hashes in the
 * PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that the cloud instance's
 * hash-wasm also reads, so a hash made at one desk verifies at any other and on the server.
 *
 * The derivation is @noble/hashes' pure-JS Argon2id rather than hash-wasm: the renderer's
 * Content-Security-Policy (script-src 'self', no 'wasm-unsafe-eval') refuses to compile
 * WebAssembly in the page and in the engine worker. It runs in the engine worker.
 */

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
export const PIN_PATTERN = /^\d{4,8}$/;

/** Argon2id cost; the default matches the server's (OWASP's minimum: 19 MiB, 2 passes, 1 lane). */
export interface HashCost {
  memoryKiB: number;
  iterations: number;
}

export const DEFAULT_HASH_COST: HashCost = { memoryKiB: 19_456, iterations: 2 };
/** For tests only: the smallest memory Argon2 allows with one lane (8 KiB), one pass. */
export const TEST_HASH_COST: HashCost = { memoryKiB: 8, iterations: 1 };

export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/** Unicode normalisation so the same password typed on two keyboards hashes the same. */
export function normalizeSecret(secret: string): string {
  return secret.normalize('NFC');
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const p = normalizeSecret(password);
  if ([...p].length < MIN_PASSWORD_LENGTH) return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (p.length > MAX_PASSWORD_LENGTH) return `use at most ${MAX_PASSWORD_LENGTH} characters`;
  if (p.trim() === '') return 'a password cannot be only spaces';
  return undefined;
}

export function pinProblem(pin: string): string | undefined {
  return PIN_PATTERN.test(pin) ? undefined : 'a PIN is 4 to 8 digits';
}

/** What hashes and verifies secrets: the engine worker in the app, a direct instance in tests. */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  verify(secret: string, encoded: string): Promise<boolean>;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, '');
}

function fromBase64(text: string): Uint8Array {
  const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
  const s = atob(padded);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

interface ParsedHash {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;

/** Reads an encoded Argon2id hash; throws CredentialError for anything else. */
export function parseEncodedHash(encoded: string): ParsedHash {
  const m = PHC.exec(encoded);
  if (!m) throw new CredentialError('not an Argon2id (v=19) encoded hash');
  const parsed = { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]), salt: fromBase64(m[4]!), hash: fromBase64(m[5]!) };
  if (parsed.memoryKiB < 8 * parsed.parallelism || parsed.iterations < 1 || parsed.parallelism < 1) throw new CredentialError('Argon2id parameters out of range');
  return parsed;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// The async derivation yields every few milliseconds so the engine worker keeps answering.
const TICK = { asyncTick: 10 };

export async function hashSecret(secret: string, cost: HashCost = DEFAULT_HASH_COST): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await argon2idAsync(normalizeSecret(secret), salt, { t: cost.iterations, m: cost.memoryKiB, p: 1, dkLen: 32, ...TICK });
  return `$argon2id$v=19$m=${cost.memoryKiB},t=${cost.iterations},p=1$${toBase64(salt)}$${toBase64(hash)}`;
}

/** True when `secret` matches; false for a wrong secret or a hash that cannot be read. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  let p: ParsedHash;
  try {
    p = parseEncodedHash(encoded);
  } catch {
    return false;
  }
  // A synced hash is data from elsewhere: refuse costs that would stall the worker.
  if (p.memoryKiB > 262_144 || p.iterations > 16 || p.parallelism > 4) return false;
  const again = await argon2idAsync(normalizeSecret(secret), p.salt, { t: p.iterations, m: p.memoryKiB, p: p.parallelism, dkLen: p.hash.length, ...TICK });
  return equalBytes(again, p.hash);
}

/** A hasher that runs in this thread (the engine worker; tests with a cheap cost). */
export function localHasher(cost: HashCost = DEFAULT_HASH_COST): SecretHasher {
  return {
    hash: (secret) => hashSecret(secret, cost),
    verify: (secret, encoded) => verifySecret(secret, encoded),
  };
}
