import { sha256 } from '@noble/hashes/sha2.js';
import { BackupCorruptedError } from './errors';
import { concatBytes, toHex } from './format';

/**
 * One database row as bytes: u32 length ‖ canonical JSON ‖ u16 attachment count ‖ per
 * attachment u32 length ‖ raw bytes. Typed arrays (series blocks, rollups, raw device bytes)
 * travel as raw bytes beside the JSON instead of as JSON numbers, so they keep their type and
 * exact values. Object keys are sorted, so the same row always encodes to the same bytes and
 * a table's content hash does not depend on how rows were written or chunked.
 * Values JSON cannot carry (NaN, ±Infinity, -0, undefined in arrays, Dates, typed arrays) are
 * tagged objects {"$cl": kind, ...}; an object with keys of its own that look like the tag
 * is wrapped as {"$cl": "o", "v": ...} with those keys escaped. Object keys whose value is undefined are dropped, as structured
 * clone would keep them: a restored row lacks them, which reads the same.
 * Typed-array bytes are in the host's byte order (little-endian on every platform CareLoop ships for).
 */
const TAG = '$cl';
/** Keys that could be read as the tag: "$cl", "$cl_", "$cl__"… are stored with one more "_". */
const TAG_LIKE = /^\$cl_*$/;

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const TYPED: Record<string, new (buffer: ArrayBuffer) => TypedArray> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

export class UnsupportedValueError extends Error {
  override readonly name = 'UnsupportedValueError';
}

function typedKind(v: object): string | undefined {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return undefined;
  const name = (v as TypedArray).constructor.name;
  return name in TYPED ? name : undefined;
}

function encodeValue(v: unknown, blobs: Uint8Array[]): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return JSON.stringify(v);
      return `{"${TAG}":"n","v":"${Object.is(v, -0) ? '-0' : String(v)}"}`;
    case 'undefined':
      return `{"${TAG}":"u"}`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x: unknown) => encodeValue(x, blobs)).join(',')}]`;
      const kind = typedKind(v);
      if (kind) {
        const t = v as TypedArray;
        blobs.push(new Uint8Array(t.buffer, t.byteOffset, t.byteLength));
        return `{"${TAG}":"${kind}","i":${blobs.length - 1}}`;
      }
      if (v instanceof ArrayBuffer) {
        blobs.push(new Uint8Array(v));
        return `{"${TAG}":"ArrayBuffer","i":${blobs.length - 1}}`;
      }
      if (v instanceof Date) return `{"${TAG}":"Date","v":${JSON.stringify(v.getTime())}}`;
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new UnsupportedValueError(`cannot back up a ${(v as object).constructor?.name ?? 'value'}`);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      const escape = keys.some((k) => TAG_LIKE.test(k));
      const body = `{${keys.map((k) => `${JSON.stringify(escape && TAG_LIKE.test(k) ? `${k}_` : k)}:${encodeValue(obj[k], blobs)}`).join(',')}}`;
      return escape ? `{"${TAG}":"o","v":${body}}` : body;
    }
    default:
      throw new UnsupportedValueError(`cannot back up a ${typeof v}`);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeRow(row: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  const json = encoder.encode(encodeValue(row, blobs));
  if (blobs.length > 0xffff) throw new UnsupportedValueError('a row has more than 65,535 typed arrays');
  let size = 4 + json.length + 2;
  for (const b of blobs) size += 4 + b.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length);
  out.set(json, 4);
  let at = 4 + json.length;
  view.setUint16(at, blobs.length);
  at += 2;
  for (const b of blobs) {
    view.setUint32(at, b.length);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

/** Reads one encoded row at `offset`; returns the row and where the next one starts. */
export function decodeRow(bytes: Uint8Array, offset: number): { row: unknown; next: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, at: number): void => {
    if (at + n > bytes.length) throw new BackupCorruptedError('row runs past its chunk');
  };
  need(4, offset);
  const jsonLen = view.getUint32(offset);
  need(jsonLen + 2, offset + 4);
  const jsonBytes = bytes.subarray(offset + 4, offset + 4 + jsonLen);
  let at = offset + 4 + jsonLen;
  const count = view.getUint16(at);
  at += 2;
  const blobs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    need(4, at);
    const len = view.getUint32(at);
    need(len, at + 4);
    blobs.push(bytes.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  let row: unknown;
  try {
    const json = decoder.decode(jsonBytes);
    // Most rows carry no tagged value and no tag-like key: a plain parse is several times
    // faster than one with a reviver, which JSON.parse calls for every value.
    row = count === 0 && !json.includes(`"${TAG}`) ? JSON.parse(json) : JSON.parse(json, (_key, value: unknown) => revive(value, blobs));
  } catch (e) {
    if (e instanceof BackupCorruptedError) throw e;
    throw new BackupCorruptedError('row is not valid JSON');
  }
  return { row, next: at };
}

function revive(value: unknown, blobs: readonly Uint8Array[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !(TAG in value)) return value;
  const tagged = value as Record<string, unknown>;
  const kind = tagged[TAG];
  if (kind === 'u') return undefined;
  if (kind === 'n') return tagged['v'] === '-0' ? -0 : Number(tagged['v']);
  if (kind === 'o') {
    const escaped = tagged['v'] as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(escaped)) out[TAG_LIKE.test(k) ? k.slice(0, -1) : k] = v;
    return out;
  }
  if (kind === 'Date') return new Date(tagged['v'] as number);
  const blob = typeof tagged['i'] === 'number' ? blobs[tagged['i']] : undefined;
  if (!blob) throw new BackupCorruptedError('row refers to a missing attachment');
  // blob is a fresh copy, so its buffer starts at 0 and is aligned for any element size.
  if (kind === 'ArrayBuffer') return blob.buffer;
  const Ctor = typeof kind === 'string' ? TYPED[kind] : undefined;
  if (!Ctor) throw new BackupCorruptedError('row has an unknown tagged value');
  try {
    return new Ctor(blob.buffer as ArrayBuffer);
  } catch {
    throw new BackupCorruptedError('typed array has a length that does not fit its type');
  }
}

/**
 * A table's content hash: SHA-256 over its encoded rows in order. The writer, the reader and
 * the restore's check of the written database all compute it the same way.
 */
/** An incremental SHA-256 (@noble/hashes by default; a Node host may pass node:crypto's). */
export interface IncrementalSha256 {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

export class TableHasher {
  rows = 0;

  constructor(private readonly h: IncrementalSha256 = sha256.create()) {}

  addEncoded(encoded: Uint8Array): void {
    this.h.update(encoded);
    this.rows++;
  }

  add(row: unknown): void {
    this.addEncoded(encodeRow(row));
  }

  digestHex(): string {
    return toHex(this.h.digest());
  }
}

/** Rows of one table packed into a chunk's plaintext body. */
export function packRows(rows: readonly Uint8Array[]): Uint8Array {
  return concatBytes(rows);
}
