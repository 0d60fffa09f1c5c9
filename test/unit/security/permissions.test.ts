import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { permissionMatrixMarkdown } from '../../../common/security/permission-table';
import { ACTIONS, PERMISSIONS, PermissionDeniedError, RECORD_TYPES, actionsOf, assertCan, can, dataAction, upsertActions } from '../../../common/security/permissions';
import { ROLES } from '../../../common/security/roles';
import { INFRASTRUCTURE_TABLES, TABLE_RECORD_TYPES, recordTypeOfTable } from '../../../common/security/tables';

describe('the permission matrix', () => {
  it('lists each (record type, action) once, and every record type has at least read or a special', () => {
    const keys = PERMISSIONS.map((p) => `${p.recordType}|${p.action}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of RECORD_TYPES) expect(actionsOf(t).length, t).toBeGreaterThan(0);
  });

  it('answers can() for every role × action × record type exactly as the table says, refusing pairs that do not apply', () => {
    let allowed = 0;
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        for (const type of RECORD_TYPES) {
          const entry = PERMISSIONS.find((p) => p.recordType === type && p.action === action);
          const expected = entry?.roles.includes(role) ?? false;
          expect(can(role, action, type), `${role} ${action} ${type}`).toBe(expected);
          if (expected) {
            allowed++;
            expect(() => assertCan(role, action, type)).not.toThrow();
          } else {
            expect(() => assertCan(role, action, type)).toThrow(PermissionDeniedError);
          }
        }
      }
    }
    expect(allowed).toBeGreaterThan(100);
  });

  it('gives the administrator every action that applies', () => {
    for (const p of PERMISSIONS) expect(p.roles, `${p.action} ${p.recordType}`).toContain('administrator');
  });

  it('keeps the auditor to the audit log: nothing about patients, no writes but appending audit entries', () => {
    const auditorCan = PERMISSIONS.filter((p) => p.roles.includes('auditor')).map((p) => `${p.action} ${p.recordType}`);
    expect(auditorCan.sort()).toEqual(['create audit', 'export audit', 'export break-glass-event', 'read audit', 'read break-glass-event', 'read settings', 'read user'].sort());
  });

  it('keeps front desk away from clinical detail and administration', () => {
    for (const type of ['observation', 'device', 'alert', 'note', 'time-log', 'workflow', 'alert-rule'] as const) expect(can('front-desk', 'read', type), type).toBe(false);
    for (const type of ['patient', 'appointment', 'message', 'consent'] as const) {
      expect(can('front-desk', 'read', type), type).toBe(true);
      expect(can('front-desk', 'create', type), type).toBe(true);
    }
    expect(can('front-desk', 'manage', 'user')).toBe(false);
  });

  it('lets nurses work clinically but not administer; clinicians manage rules and workflows', () => {
    for (const [action, type] of [['create', 'observation'], ['create', 'note'], ['acknowledge', 'alert'], ['create', 'time-log'], ['create', 'device']] as const) expect(can('nurse', action, type)).toBe(true);
    for (const [action, type] of [['manage', 'user'], ['manage', 'settings'], ['manage', 'alert-rule'], ['manage', 'workflow'], ['read', 'audit'], ['restore', 'backup']] as const) expect(can('nurse', action, type)).toBe(false);
    expect(can('clinician', 'manage', 'alert-rule')).toBe(true);
    expect(can('clinician', 'manage', 'workflow')).toBe(true);
    expect(can('clinician', 'manage', 'user')).toBe(false);
  });

  it('makes notes, consents and the audit log append-only for everyone', () => {
    for (const type of ['note', 'consent', 'audit'] as const) {
      for (const role of ROLES) {
        expect(can(role, 'update', type)).toBe(false);
        expect(can(role, 'delete', type)).toBe(false);
      }
    }
  });

  it('lets whoever may break glass also record the break-glass event', () => {
    for (const role of ROLES) expect(can(role, 'create', 'break-glass-event')).toBe(can(role, 'break-glass', 'patient'));
  });

  it('maps data operations to manage on configuration-like record types, and upserts to create and update', () => {
    expect(dataAction('user', 'update')).toBe('manage');
    expect(dataAction('user', 'read')).toBe('read');
    expect(dataAction('patient', 'delete')).toBe('delete');
    expect(upsertActions('patient')).toEqual(['create', 'update']);
    expect(upsertActions('note')).toEqual(['create']);
    expect(upsertActions('workflow')).toEqual(['manage']);
  });

  it('maps tables to record types, keeping infrastructure apart', () => {
    expect(recordTypeOfTable('patients')).toBe('patient');
    expect(recordTypeOfTable('clinicalNotes')).toBe('note');
    expect(recordTypeOfTable('toString')).toBeUndefined();
    for (const t of INFRASTRUCTURE_TABLES) expect(recordTypeOfTable(t)).toBeUndefined();
    for (const type of Object.values(TABLE_RECORD_TYPES)) expect(RECORD_TYPES).toContain(type);
  });

  it('says who was refused what, without any record content', () => {
    const err = new PermissionDeniedError('nurse', 'manage', 'user');
    expect(err.message).toBe('permission denied: the nurse role may not manage user records');
    expect(new PermissionDeniedError('nobody', 'read', 'patient').message).toContain('nobody');
  });

  it('is documented in docs/SECURITY.md exactly as the data says', () => {
    const doc = readFileSync(new URL('../../../docs/SECURITY.md', import.meta.url), 'utf8');
    expect(doc).toContain('## Roles and permissions');
    expect(doc).toContain(permissionMatrixMarkdown());
  });
});
