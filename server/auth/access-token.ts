import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from '../../common/security/roles';

/**
 * Short-lived access tokens: base64url(JSON claims) '.' base64url(HMAC-SHA-256). The key
 * is generated once per installation and stored in the database, so every server behind
 * a load balancer verifies every other's tokens.
 */
export const ACCESS_TOKEN_SECONDS = 15 * 60;

/** The roles of schema 1, still found in tokens signed before the upgrade (they live 15 minutes). */
export const LEGACY_ROLES: Readonly<Record<string, Role>> = { admin: 'administrator', staff: 'clinician' };
export const fromLegacyRole = (role: unknown): unknown => (typeof role === 'string' && Object.hasOwn(LEGACY_ROLES, role) ? LEGACY_ROLES[role] : role);

export const AccessClaimsSchema = z
  .object({
    /** User id, or workstation id for a workstation's token. */
    sub: z.string(),
    clinic: z.string(),
    kind: z.enum(['user', 'workstation']),
    /** A user's role, or 'workstation' for a workstation's token. */
    role: z.preprocess(fromLegacyRole, z.enum([...ROLES, 'workstation'])),
    /** Expiry, epoch seconds. */
    exp: z.number().int(),
  })
  .refine((c) => (c.kind === 'workstation') === (c.role === 'workstation'), 'a workstation token carries the workstation role, a user token a user role');
export type AccessClaims = z.infer<typeof AccessClaimsSchema>;

function mac(key: string, payload: string): Buffer {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(payload).digest();
}

export function signAccessToken(key: string, claims: Omit<AccessClaims, 'exp'>, nowMs: number): { token: string; expiresIn: number } {
  const payload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(nowMs / 1000) + ACCESS_TOKEN_SECONDS })).toString('base64url');
  return { token: `${payload}.${mac(key, payload).toString('base64url')}`, expiresIn: ACCESS_TOKEN_SECONDS };
}

export function verifyAccessToken(key: string, token: string, nowMs: number): AccessClaims | undefined {
  const dot = token.indexOf('.');
  if (dot < 1 || token.length > 2000) return undefined;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const claims = AccessClaimsSchema.safeParse(parsed);
  if (!claims.success || claims.data.exp * 1000 <= nowMs) return undefined;
  return claims.data;
}
