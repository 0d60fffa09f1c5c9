import { base64url } from 'jose';
import { ShareVerifyError } from './errors';

/**
 * Strict reading of a JOSE compact serialization. Base64url decoders (atob, and jose's) accept
 * text that is not the canonical encoding of its bytes — a last character whose unused low
 * bits are set, embedded whitespace — so two different files can decode to the same bytes.
 * "A changed byte anywhere in the file makes verification fail" needs a bijection between
 * file and bytes: every part must be exactly the unpadded base64url (RFC 4648 §5, RFC 7515
 * §2) of what it decodes to, which we check by encoding the decoded bytes again.
 */
const PART = /^[A-Za-z0-9_-]*$/;

function canonicalPart(part: string, what: string): Uint8Array {
  if (!PART.test(part) || part.length % 4 === 1) throw new ShareVerifyError('malformed', `${what} is not base64url`);
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(part);
  } catch {
    throw new ShareVerifyError('malformed', `${what} is not base64url`);
  }
  if (base64url.encode(bytes) !== part) throw new ShareVerifyError('malformed', `${what} is not canonical base64url`);
  return bytes;
}

/** Splits a compact serialization into its parts, each checked canonical; returns the decoded parts. */
export function strictCompact(text: string, parts: 3 | 5, what: string): Uint8Array[] {
  const pieces = text.split('.');
  if (pieces.length !== parts) throw new ShareVerifyError('malformed', `${what} has ${pieces.length} parts, not ${parts}`);
  return pieces.map((p, i) => canonicalPart(p, `${what} part ${i + 1}`));
}

/** The file's bytes as the compact text: ASCII only, nothing before or after. */
export function fileText(file: Uint8Array | string): string {
  if (typeof file === 'string') return file;
  for (let i = 0; i < file.length; i++) {
    const b = file[i]!;
    if (b > 0x7e || b < 0x21) throw new ShareVerifyError('malformed', `byte ${i} of the file is not part of a share package (only base64url and dots)`);
  }
  return new TextDecoder().decode(file);
}

export function jsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ShareVerifyError('malformed', `${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShareVerifyError('malformed', `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
