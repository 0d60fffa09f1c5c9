import type { FastifyRequest } from 'fastify';
import { can, dataAction, PermissionDeniedError, upsertActions, type Action, type RecordType } from '../../common/security/permissions';
import { ROLES, type Role } from '../../common/security/roles';
import { recordTypeOfTable } from '../../common/security/tables';
import type { Change } from '../../common/sync/protocol';
import { HttpError } from '../http/errors';
import { fromLegacyRole, verifyAccessToken, type AccessClaims } from './access-token';

export type Caller = AccessClaims;
export type UserCaller = Caller & { kind: 'user'; role: Role };

/**
 * What a workstation's own token may do: sync its clinic's rows. Workstations act for the
 * clinic as a machine (no person is behind the token), so the permission matrix, which is
 * about people's roles, does not apply to them; administration needs a person.
 */
export const WORKSTATION_PERMISSIONS = ['sync.push', 'sync.pull'] as const;
export type WorkstationPermission = (typeof WORKSTATION_PERMISSIONS)[number];

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
export function authenticate(request: FastifyRequest, tokenKey: string): Caller {
  const claims = verifyAccessToken(tokenKey, bearerToken(request), Date.now());
  if (!claims) throw new HttpError(401, 'unauthenticated', 'the access token is invalid or has expired', { 'www-authenticate': 'Bearer error="invalid_token"' });
  return claims;
}

const forbidden = (reason: string) => new HttpError(403, 'forbidden', reason);

function isUser(caller: Caller): caller is UserCaller {
  return caller.kind === 'user' && caller.role !== 'workstation';
}

/** Refuses a user whose role may not do this (403, naming role, action and record type). */
export function assertUserCan(caller: UserCaller, action: Action, recordType: RecordType): void {
  if (!can(caller.role, action, recordType)) throw forbidden(new PermissionDeniedError(caller.role, action, recordType).message);
}

/** A signed-in person whose role may do `action` on `recordType` by the permission matrix. */
export function requirePermission(request: FastifyRequest, tokenKey: string, action: Action, recordType: RecordType): UserCaller {
  const caller = authenticate(request, tokenKey);
  if (!isUser(caller)) throw forbidden(`a workstation token may only sync; to ${action} ${recordType} records, sign in as a person whose role allows it`);
  assertUserCan(caller, action, recordType);
  return caller;
}

/**
 * A sync call: a workstation by its machine permission, or a person — whose rows are then
 * checked one by one against the matrix (checkPushByRole, readableTable).
 */
export function requireSync(request: FastifyRequest, tokenKey: string, permission: WorkstationPermission): Caller {
  const caller = authenticate(request, tokenKey);
  if (caller.kind === 'workstation' && !WORKSTATION_PERMISSIONS.includes(permission)) throw forbidden(`a workstation token may not ${permission}`);
  return caller;
}

/** Refuses a person's push, as a whole, when any change is to a table their role may not write. */
export function checkPushByRole(caller: Caller, changes: readonly Change[]): void {
  if (!isUser(caller)) return;
  for (const c of changes) {
    const type = recordTypeOfTable(c.table);
    if (!type) throw forbidden(`table ${c.table} has no record type in the permission map, so only a workstation may sync it`);
    const actions = c.fields['deleted']?.value === true ? [dataAction(type, 'delete')] : upsertActions(type);
    for (const action of actions) assertUserCan(caller, action, type);
  }
}

/** Whether a pulled row of this table may be shown to the caller: every row for a workstation, readable record types for a person. */
export function readableTable(caller: Caller, table: string): boolean {
  if (!isUser(caller)) return true;
  const type = recordTypeOfTable(table);
  return type !== undefined && can(caller.role, 'read', type);
}

/** A pulled page with the rows the caller may not read left out (the cursor still moves past them). */
export function readableRows<P extends { rows: readonly { table: string }[] }>(caller: Caller, page: P): P {
  return isUser(caller) ? { ...page, rows: page.rows.filter((r) => readableTable(caller, r.table)) } : page;
}

type LegacyRole = 'admin' | 'staff';

/**
 * @deprecated Role lists predate the permission matrix; use requirePermission (people) or
 * requireSync (sync). Kept so callers written against schema 1 keep working: 'admin' means
 * the administrator role, 'staff' every other person's role.
 */
export function requireCaller(request: FastifyRequest, tokenKey: string, allowed: readonly (Caller['role'] | LegacyRole)[] = [...ROLES, 'workstation']): Caller {
  const caller = authenticate(request, tokenKey);
  const roles = new Set(allowed.flatMap((r): Caller['role'][] => (r === 'staff' ? ROLES.filter((x) => x !== 'administrator') : [fromLegacyRole(r) as Caller['role']])));
  if (!roles.has(caller.role)) throw forbidden(`this needs the ${[...roles].join(' or ')} role`);
  return caller;
}
