import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { uuidv7 } from 'uuidv7';

/** Every mutable row's id: UUIDv7, so ids sort by creation time and never collide across workstations. */
export function newId(): string {
  return uuidv7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * A UUID (version 8, RFC 9562) derived from a name, for rows that several workstations may
 * create independently for the same thing (an alert episode): they get the same id, so sync
 * merges them into one row instead of keeping two.
 */
export function nameBasedId(name: string): string {
  const h = bytesToHex(sha256(new TextEncoder().encode(name))).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const x = h.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
