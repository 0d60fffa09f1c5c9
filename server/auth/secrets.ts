import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../../common/ids';

/**
 * Bearer credentials handed out by the server (refresh tokens, enrolment codes,
 * workstation credentials, device keys) look like `<kind>.<clinic id>.<row id>.<secret>`:
 * the ids find the stored row in one primary-key lookup (keyed by clinic), and only a
 * SHA-256 of the 256-bit random secret is stored, so a database leak reveals no usable credential.
 */
export type CredentialKind = 'rt' | 'ec' | 'ws' | 'dk' | 'st';

export interface Credential {
  kind: CredentialKind;
  clinicId: string;
  id: string;
  secret: string;
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function formatCredential(c: Credential): string {
  return `${c.kind}.${c.clinicId}.${c.id}.${c.secret}`;
}

export function parseCredential(text: unknown, kind: CredentialKind): Credential | undefined {
  if (typeof text !== 'string' || text.length > 200) return undefined;
  const parts = text.split('.');
  if (parts.length !== 4 || parts[0] !== kind) return undefined;
  const [, clinicId, id, secret] = parts as [string, string, string, string];
  if (!isUuid(clinicId) || !isUuid(id) || !/^[A-Za-z0-9_-]{32,64}$/.test(secret)) return undefined;
  return { kind, clinicId, id, secret };
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
