import { BackupCorruptedError } from './errors';

/**
 * The CareLoop backup file, format version 1 (all integers big-endian):
 *
 *   magic       8 bytes  "CLBACKUP"
 *   version     u16      1
 *   headerLen   u32      length of the header JSON
 *   header      JSON     BackupHeader, UTF-8
 *   keyCheck    16 bytes AES-GCM tag of an empty message (nonce KEY_CHECK_NONCE, AAD = header JSON)
 *   headerHash  32 bytes SHA-256 of every byte above: an unkeyed checksum, so a damaged header
 *                        is told apart from a wrong passphrase
 *   chunks      repeated: u32 length of ciphertext+tag, 12-byte random nonce, ciphertext+tag
 *
 * Every chunk is AES-256-GCM (NIST SP 800-38D) under the key derived with Argon2id (RFC 9106)
 * from the passphrase and the header's salt. Its AAD is headerHash ‖ u32 chunk index ‖ u8
 * final flag, so a chunk moved, swapped, dropped or taken from another backup fails to
 * authenticate, and the last chunk (the end marker) cannot be cut off undetected (the STREAM
 * construction of Hoang, Reyhanitabar, Rogaway and Vizár, 2015).
 * A chunk's plaintext is a kind byte: 0 = rows of one table (u16 table index, u32 row count,
 * then encoded rows, see row-codec.ts), 1 = end marker (u32 number of row chunks).
 * Compression: none (CompressionStream is not available in every host CareLoop runs in; the
 * header's `compression` field leaves room for it).
 */
export const MAGIC = new Uint8Array([0x43, 0x4c, 0x42, 0x41, 0x43, 0x4b, 0x55, 0x50]);
export const FORMAT_VERSION = 1;
export const KEY_CHECK_BYTES = 16;
export const HASH_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** Header JSON and chunks beyond these sizes are damage, not data. */
export const MAX_HEADER_BYTES = 1 << 20;
export const MAX_CHUNK_BYTES = 64 << 20;

export const CHUNK_ROWS = 0;
export const CHUNK_END = 1;

export interface KdfParams {
  algorithm: 'argon2id';
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Hex. */
  salt: string;
}

export interface TableManifest {
  name: string;
  rows: number;
  /** SHA-256 (hex) of the table's encoded rows in primary-key order. */
  sha256: string;
}

export interface BackupHeader {
  app: 'careloop';
  schemaVersion: number;
  createdAt: string;
  workstationId: string;
  cipher: 'AES-256-GCM';
  compression: 'none';
  kdf: KdfParams;
  tables: TableManifest[];
}

/** RFC 9106 §4 second recommendation is 64 MiB, t=3; one lane because the workers here are single-threaded. */
export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = { algorithm: 'argon2id', memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 };

/** Bounds a header may ask for: anything outside is damage (or an attempt to make the reader exhaust memory). */
const KDF_LIMITS = { memoryKiB: [8, 1024 * 1024], iterations: [1, 64], parallelism: [1, 16] } as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Checks the shape of a header read from a file (its bytes are already known to be the ones written). */
export function parseHeader(value: unknown): BackupHeader {
  const bad = (what: string): never => {
    throw new BackupCorruptedError(`header field ${what}`);
  };
  if (!isObject(value)) return bad('(not an object)');
  if (value['app'] !== 'careloop') bad('app');
  if (!intIn(value['schemaVersion'], 1, 1_000_000)) bad('schemaVersion');
  if (typeof value['createdAt'] !== 'string') bad('createdAt');
  if (typeof value['workstationId'] !== 'string') bad('workstationId');
  if (value['cipher'] !== 'AES-256-GCM') bad('cipher');
  if (value['compression'] !== 'none') bad('compression');
  const kdf = value['kdf'];
  if (!isObject(kdf) || kdf['algorithm'] !== 'argon2id') return bad('kdf');
  if (!intIn(kdf['memoryKiB'], ...KDF_LIMITS.memoryKiB)) bad('kdf.memoryKiB');
  if (!intIn(kdf['iterations'], ...KDF_LIMITS.iterations)) bad('kdf.iterations');
  if (!intIn(kdf['parallelism'], ...KDF_LIMITS.parallelism)) bad('kdf.parallelism');
  if (typeof kdf['salt'] !== 'string' || !/^[0-9a-f]{32,128}$/.test(kdf['salt'])) bad('kdf.salt');
  const tables = value['tables'];
  if (!Array.isArray(tables) || tables.length > 65535) return bad('tables');
  const names = new Set<string>();
  for (const t of tables) {
    if (!isObject(t) || typeof t['name'] !== 'string' || !t['name'] || names.has(t['name'])) bad('tables[].name');
    if (!intIn((t as Record<string, unknown>)['rows'], 0, Number.MAX_SAFE_INTEGER)) bad('tables[].rows');
    if (typeof (t as Record<string, unknown>)['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test((t as Record<string, string>)['sha256']!)) bad('tables[].sha256');
    names.add((t as Record<string, string>)['name']!);
  }
  return value as unknown as BackupHeader;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
