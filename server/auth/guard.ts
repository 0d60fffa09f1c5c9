import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors';
import { verifyAccessToken, type AccessClaims } from './access-token';

export type Caller = AccessClaims;

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return undefined;
  return h.slice(7).trim();
}

export function bearerToken(request: FastifyRequest): string {
  const token = bearer(request);
  if (!token) throw new HttpError(401, 'unauthenticated', 'send an access token: Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
  return token;
}

/** The caller of a request, from its access token; the clinic of every query comes from here. */
export function requireCaller(request: FastifyRequest, tokenKey: string, allowed: readonly Caller['role'][] = ['admin', 'staff', 'workstation']): Caller {
  const claims = verifyAccessToken(tokenKey, bearerToken(request), Date.now());
  if (!claims) throw new HttpError(401, 'unauthenticated', 'the access token is invalid or has expired', { 'www-authenticate': 'Bearer error="invalid_token"' });
  if (!allowed.includes(claims.role)) throw new HttpError(403, 'forbidden', `this needs the ${allowed.join(' or ')} role`);
  return claims;
}
