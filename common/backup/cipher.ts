import { argon2idAsync } from '@noble/hashes/argon2.js';
import { BackupCorruptedError } from './errors';
import { NONCE_BYTES, TAG_BYTES, fromHex, type KdfParams } from './format';

/** AES-256-GCM through WebCrypto, which browsers, workers, Electron and Node all provide. */
export type BackupKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A copy on a plain ArrayBuffer, as WebCrypto takes (a subarray of a larger buffer would not do). */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/**
 * Argon2id (RFC 9106) stretches the passphrase into the 256-bit AES key. Pure JavaScript
 * (@noble/hashes), not WebAssembly: the renderer's Content-Security-Policy allows no wasm,
 * and the backup runs there. It yields to the event loop every few milliseconds so a window
 * stays responsive while the key is derived (about a second at the default cost).
 */
export async function deriveKey(passphrase: string, kdf: KdfParams): Promise<BackupKey> {
  const raw = await argon2idAsync(new TextEncoder().encode(passphrase.normalize('NFC')), fromHex(kdf.salt), {
    m: kdf.memoryKiB,
    t: kdf.iterations,
    p: kdf.parallelism,
    dkLen: 32,
    asyncTick: 50,
  });
  return crypto.subtle.importKey('raw', own(raw), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export async function seal(key: BackupKey, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: own(nonce), additionalData: own(aad) }, key, own(plaintext)));
}

/** Returns undefined when the tag does not authenticate (wrong key, changed bytes or AAD). */
export async function open(key: BackupKey, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | undefined> {
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw new BackupCorruptedError('chunk too short');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: own(nonce), additionalData: own(aad) }, key, own(sealed)));
  } catch {
    return undefined;
  }
}
