import { ROLES, type Role } from './roles';

/**
 * Who may do what (issue 9): one table of record type × action × role, read by the
 * workstation's data layer (renderer/src/db/permission-middleware.ts), the cloud instance's
 * route guards (server/auth/guard.ts) and docs/SECURITY.md. Environment-free.
 */

export const RECORD_TYPES = [
  'patient',
  'observation',
  'device',
  'alert',
  'alert-rule',
  'appointment',
  'schedule-resource',
  'message',
  'message-template',
  'task',
  'time-log',
  'program',
  'enrolment',
  'note',
  'consent',
  'segment',
  'workflow',
  'user',
  'break-glass-event',
  'audit',
  'settings',
  'backup',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * read/create/update/delete/export apply to most record types. The specials: 'acknowledge'
 * (an alert), 'manage' (every write to configuration-like records — users, rules, workflows,
 * templates, programs, segments, settings — is one permission), 'break-glass' (open a
 * patient outside one's care team, with a reason) and 'restore' (replace the local database
 * from a backup). "View audit" is read on 'audit'.
 */
export const ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'acknowledge', 'manage', 'break-glass', 'restore'] as const;
export type Action = (typeof ACTIONS)[number];

const Y = true;
const N = false;
type Row = readonly [RecordType, Action, administrator: boolean, clinician: boolean, nurse: boolean, frontDesk: boolean, auditor: boolean];

/**
 * The matrix. A (record type, action) pair that is not listed does not apply to that record
 * type (e.g. notes and consents are append-only: no update, no delete) and is refused to everyone.
 */
// prettier-ignore
const MATRIX: readonly Row[] = [
  // record type          action          admin clin nurse desk audit
  ['patient',             'read',          Y,   Y,   Y,   Y,   N],
  ['patient',             'create',        Y,   Y,   Y,   Y,   N],
  ['patient',             'update',        Y,   Y,   Y,   Y,   N],
  ['patient',             'delete',        Y,   N,   N,   N,   N],
  ['patient',             'export',        Y,   Y,   N,   N,   N],
  ['patient',             'break-glass',   Y,   Y,   Y,   N,   N],
  ['observation',         'read',          Y,   Y,   Y,   N,   N],
  ['observation',         'create',        Y,   Y,   Y,   N,   N],
  ['observation',         'update',        Y,   Y,   Y,   N,   N],
  ['observation',         'delete',        Y,   N,   N,   N,   N],
  ['observation',         'export',        Y,   Y,   N,   N,   N],
  ['device',              'read',          Y,   Y,   Y,   N,   N],
  ['device',              'create',        Y,   Y,   Y,   N,   N],
  ['device',              'update',        Y,   Y,   Y,   N,   N],
  ['device',              'delete',        Y,   Y,   Y,   N,   N],
  ['device',              'export',        Y,   Y,   N,   N,   N],
  ['alert',               'read',          Y,   Y,   Y,   N,   N],
  ['alert',               'create',        Y,   Y,   Y,   N,   N],
  ['alert',               'update',        Y,   Y,   Y,   N,   N],
  ['alert',               'delete',        Y,   N,   N,   N,   N],
  ['alert',               'export',        Y,   Y,   N,   N,   N],
  ['alert',               'acknowledge',   Y,   Y,   Y,   N,   N],
  ['alert-rule',          'read',          Y,   Y,   Y,   N,   N],
  ['alert-rule',          'manage',        Y,   Y,   N,   N,   N],
  ['alert-rule',          'export',        Y,   Y,   N,   N,   N],
  ['appointment',         'read',          Y,   Y,   Y,   Y,   N],
  ['appointment',         'create',        Y,   Y,   Y,   Y,   N],
  ['appointment',         'update',        Y,   Y,   Y,   Y,   N],
  ['appointment',         'delete',        Y,   Y,   Y,   Y,   N],
  ['appointment',         'export',        Y,   Y,   N,   Y,   N],
  ['schedule-resource',   'read',          Y,   Y,   Y,   Y,   N],
  ['schedule-resource',   'create',        Y,   N,   N,   Y,   N],
  ['schedule-resource',   'update',        Y,   N,   N,   Y,   N],
  ['schedule-resource',   'delete',        Y,   N,   N,   N,   N],
  ['schedule-resource',   'export',        Y,   N,   N,   Y,   N],
  ['message',             'read',          Y,   Y,   Y,   Y,   N],
  ['message',             'create',        Y,   Y,   Y,   Y,   N],
  ['message',             'update',        Y,   Y,   Y,   Y,   N],
  ['message',             'delete',        Y,   N,   N,   N,   N],
  ['message',             'export',        Y,   Y,   N,   N,   N],
  ['message-template',    'read',          Y,   Y,   Y,   Y,   N],
  ['message-template',    'manage',        Y,   Y,   N,   Y,   N],
  ['message-template',    'export',        Y,   N,   N,   N,   N],
  ['task',                'read',          Y,   Y,   Y,   Y,   N],
  ['task',                'create',        Y,   Y,   Y,   Y,   N],
  ['task',                'update',        Y,   Y,   Y,   Y,   N],
  ['task',                'delete',        Y,   N,   N,   N,   N],
  ['task',                'export',        Y,   Y,   N,   N,   N],
  ['time-log',            'read',          Y,   Y,   Y,   N,   N],
  ['time-log',            'create',        Y,   Y,   Y,   N,   N],
  ['time-log',            'update',        Y,   Y,   Y,   N,   N],
  ['time-log',            'delete',        Y,   Y,   N,   N,   N],
  ['time-log',            'export',        Y,   Y,   N,   N,   N],
  ['program',             'read',          Y,   Y,   Y,   Y,   N],
  ['program',             'manage',        Y,   Y,   N,   N,   N],
  ['program',             'export',        Y,   N,   N,   N,   N],
  ['enrolment',           'read',          Y,   Y,   Y,   Y,   N],
  ['enrolment',           'create',        Y,   Y,   Y,   N,   N],
  ['enrolment',           'update',        Y,   Y,   Y,   N,   N],
  ['enrolment',           'delete',        Y,   N,   N,   N,   N],
  ['enrolment',           'export',        Y,   Y,   N,   N,   N],
  ['note',                'read',          Y,   Y,   Y,   N,   N],
  ['note',                'create',        Y,   Y,   Y,   N,   N],
  ['note',                'export',        Y,   Y,   N,   N,   N],
  ['consent',             'read',          Y,   Y,   Y,   Y,   N],
  ['consent',             'create',        Y,   Y,   Y,   Y,   N],
  ['consent',             'export',        Y,   Y,   N,   N,   N],
  ['segment',             'read',          Y,   Y,   Y,   Y,   N],
  ['segment',             'manage',        Y,   Y,   N,   Y,   N],
  ['segment',             'export',        Y,   Y,   N,   N,   N],
  ['workflow',            'read',          Y,   Y,   Y,   N,   N],
  ['workflow',            'manage',        Y,   Y,   N,   N,   N],
  ['workflow',            'export',        Y,   N,   N,   N,   N],
  ['user',                'read',          Y,   Y,   Y,   Y,   Y],
  ['user',                'manage',        Y,   N,   N,   N,   N],
  ['user',                'export',        Y,   N,   N,   N,   N],
  ['break-glass-event',   'read',          Y,   N,   N,   N,   Y],
  ['break-glass-event',   'create',        Y,   Y,   Y,   N,   N],
  ['break-glass-event',   'update',        Y,   N,   N,   N,   N],
  ['break-glass-event',   'export',        Y,   N,   N,   N,   Y],
  ['audit',               'read',          Y,   N,   N,   N,   Y],
  ['audit',               'create',        Y,   Y,   Y,   Y,   Y],
  ['audit',               'export',        Y,   N,   N,   N,   Y],
  ['settings',            'read',          Y,   Y,   Y,   Y,   Y],
  ['settings',            'manage',        Y,   N,   N,   N,   N],
  ['backup',              'export',        Y,   N,   N,   N,   N],
  ['backup',              'restore',       Y,   N,   N,   N,   N],
];

export interface Permission {
  recordType: RecordType;
  action: Action;
  roles: readonly Role[];
}

/** The matrix as data: one entry per (record type, action) that applies, with the roles allowed. */
export const PERMISSIONS: readonly Permission[] = MATRIX.map(([recordType, action, ...marks]) => ({
  recordType,
  action,
  roles: ROLES.filter((_, i) => marks[i]),
}));

const key = (role: string, action: string, recordType: string) => `${role}|${action}|${recordType}`;
const granted = new Set(PERMISSIONS.flatMap((p) => p.roles.map((r) => key(r, p.action, p.recordType))));
const applicable = new Map<RecordType, Action[]>(RECORD_TYPES.map((t) => [t, PERMISSIONS.filter((p) => p.recordType === t).map((p) => p.action)]));

export function can(role: Role, action: Action, recordType: RecordType): boolean {
  return granted.has(key(role, action, recordType));
}

/** The actions that apply to a record type, in matrix order. */
export function actionsOf(recordType: RecordType): readonly Action[] {
  return applicable.get(recordType) ?? [];
}

/**
 * The action a data-layer operation needs: record types with 'manage' treat every write as
 * managing them; the others name the operation itself.
 */
export function dataAction(recordType: RecordType, op: 'read' | 'create' | 'update' | 'delete'): Action {
  return op !== 'read' && actionsOf(recordType).includes('manage') ? 'manage' : op;
}

/**
 * What writing a row (a synced change that is not a tombstone) needs when it is not known
 * whether the row exists yet: create, and update too where the record type allows updates.
 */
export function upsertActions(recordType: RecordType): Action[] {
  const create = dataAction(recordType, 'create');
  const update = dataAction(recordType, 'update');
  return create === update || !actionsOf(recordType).includes(update) ? [create] : [create, update];
}

/** Who was refused: a role, nobody signed in, or the app itself (only for what no one may do). */
export type Refused = Role | 'nobody' | 'system';
/** Infrastructure tables a refusal can name besides record types (the sync outbox holds patient changes). */
export type Guarded = RecordType | 'outbox';

/** A refusal by the permission matrix. Its message names the role, action and record type, never a record's content. */
export class PermissionDeniedError extends Error {
  override readonly name = 'PermissionDeniedError';
  constructor(
    readonly role: Refused,
    readonly action: Action,
    readonly recordType: Guarded,
  ) {
    super(`permission denied: ${role === 'nobody' ? 'no one is signed in, so nobody' : role === 'system' ? 'the app itself' : `the ${role} role`} may not ${action} ${recordType} records`);
  }
}

export function assertCan(role: Role, action: Action, recordType: RecordType): void {
  if (!can(role, action, recordType)) throw new PermissionDeniedError(role, action, recordType);
}
