import 'fake-indexeddb/auto';
import type { Table } from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../common/audit/chain';
import { ACTIONS, can, dataAction, PermissionDeniedError, RECORD_TYPES, type RecordType } from '../../../common/security/permissions';
import { ROLES, type Actor, type DataActor, type Role } from '../../../common/security/roles';
import { INFRASTRUCTURE_TABLES, recordTypeOfTable } from '../../../common/security/tables';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { addNote } from '../../../renderer/src/db/notes';
import { UnmappedTableError } from '../../../renderer/src/db/permission-middleware';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { currentActor, currentActorCan, InvalidActorError, markSystemTransaction, requirePermission, runAsSystem, setCurrentActor } from '../../../renderer/src/security/current-actor';

/**
 * Walks the permission matrix through a real CareLoopDb (fake-indexeddb) with the
 * permission middleware: every role × every table (so every record type) × read, create,
 * update, delete. Expectations come from the matrix; what is asserted is what the database
 * then holds, read back through a second connection that acts as the app itself.
 */

let n = 0;
const user = (role: Role): Actor => ({ kind: 'user', userId: `user-${role}`, name: `Test ${role}`, role });
const SYSTEM: DataActor = { kind: 'system', reason: 'test' };

type Row = Record<string, unknown>;
let seq = 0;

function rowFor(table: Table, tag: string): Row {
  const path = table.schema.primKey.keyPath;
  if (typeof path !== 'string') throw new Error(`table ${table.name} has a compound primary key`);
  // The audit log's key is its position in the chain (a number); every other table here is keyed by a string.
  const key = table.name === 'audit' ? 1_000_000 + ++seq : `${table.name}-${tag}-${++seq}`;
  return { [path]: key, note: tag, deleted: false };
}

const keyOf = (table: Table, row: Row): string | number => row[table.schema.primKey.keyPath as string] as string | number;

/** Runs op; true if it succeeded, false if it threw PermissionDeniedError (anything else fails the test). */
async function outcome(op: () => Promise<unknown>): Promise<boolean> {
  try {
    await op();
    return true;
  } catch (err) {
    if (err instanceof PermissionDeniedError) return false;
    throw err;
  }
}

describe('permission middleware on a real CareLoopDb', () => {
  let name: string;
  let db: CareLoopDb;
  /** The same IndexedDB, opened again: its actor is the default ('system'), so it sees what was really stored. */
  let truth: CareLoopDb;

  beforeAll(async () => {
    name = `authz-${n++}`;
    db = new CareLoopDb(name);
    await db.open();
    truth = new CareLoopDb(name);
    await truth.open();
  });

  afterAll(() => {
    db.close();
    truth.close();
  });

  const dataTables = () => db.tables.filter((t) => !INFRASTRUCTURE_TABLES.includes(t.name) && t.name !== 'audit');

  it('maps every table of the schema to a record type or to infrastructure', () => {
    const unmapped = db.tables.map((t) => t.name).filter((t) => !INFRASTRUCTURE_TABLES.includes(t) && !recordTypeOfTable(t));
    expect(unmapped).toEqual([]);
  });

  it("defaults to 'system' so code written before sign-in keeps working", () => {
    expect(currentActor(new CareLoopDb('authz-fresh')).kind).toBe('system');
  });

  describe.each(ROLES)('as %s', (role) => {
    it('reads, creates, updates and deletes exactly what the matrix allows, on every table', async () => {
      setCurrentActor(db, user(role));
      const checked: string[] = [];
      for (const table of dataTables()) {
        const type = recordTypeOfTable(table.name) as RecordType;
        const ttable = truth.table(table.name);
        const allowed = (op: 'read' | 'create' | 'update' | 'delete') => can(role, dataAction(type, op), type);
        const seed = rowFor(table, 'seed');
        await ttable.add(seed);
        const key = keyOf(table, seed);

        // read: get, count and a query each reach IndexedDB through a different DBCore call.
        expect(await outcome(() => table.get(key)), `${role} read ${table.name} (get)`).toBe(allowed('read'));
        expect(await outcome(() => table.count()), `${role} read ${table.name} (count)`).toBe(allowed('read'));
        expect(await outcome(() => table.where(table.schema.primKey.keyPath as string).equals(key).toArray()), `${role} read ${table.name} (query)`).toBe(allowed('read'));
        if (allowed('read')) expect(((await table.get(key)) as Row).note).toBe('seed');

        // create
        const fresh = rowFor(table, 'new');
        expect(await outcome(() => table.add(fresh)), `${role} create ${table.name}`).toBe(allowed('create'));
        expect(await ttable.get(keyOf(table, fresh)), `${role} create ${table.name} stored`).toEqual(allowed('create') ? fresh : undefined);
        // A put inserts or replaces: it needs create and update (so append-only types are only ever added).
        const upsert = allowed('create') && allowed('update');
        const upserted = rowFor(table, 'upsert');
        expect(await outcome(() => table.put(upserted)), `${role} create ${table.name} (put)`).toBe(upsert);
        expect(await ttable.get(keyOf(table, upserted))).toEqual(upsert ? upserted : undefined);

        // update, as repositories do it (put) and through Dexie's update (a read, then a put)
        expect(await outcome(() => table.put({ ...seed, note: 'changed' })), `${role} update ${table.name}`).toBe(upsert);
        expect(((await ttable.get(key)) as Row).note).toBe(upsert ? 'changed' : 'seed');
        expect(await outcome(() => table.update(key, { note: 'updated' })), `${role} update ${table.name} (update)`).toBe(upsert && allowed('read'));
        expect(((await ttable.get(key)) as Row).note).toBe(upsert && allowed('read') ? 'updated' : upsert ? 'changed' : 'seed');

        // delete, as a tombstone (how synced rows are deleted) and as a real delete
        const before = (await ttable.get(key)) as Row;
        expect(await outcome(() => table.put({ ...before, deleted: true })), `${role} delete ${table.name} (tombstone)`).toBe(allowed('delete'));
        expect(((await ttable.get(key)) as Row).deleted).toBe(allowed('delete'));
        expect(await outcome(() => table.delete(key)), `${role} delete ${table.name}`).toBe(allowed('delete'));
        expect(await ttable.get(key), `${role} delete ${table.name} stored`).toEqual(allowed('delete') ? undefined : { ...before, deleted: false });
        checked.push(table.name);
      }
      expect(checked).toEqual(dataTables().map((t) => t.name));
      expect(checked.length).toBeGreaterThanOrEqual(24);
    });

    it('appends to the audit log but never rewrites or deletes an entry; reads it only if the matrix says so', async () => {
      setCurrentActor(db, user(role));
      const entry = rowFor(db.audit, 'entry');
      expect(await outcome(() => db.audit.add(entry as never))).toBe(true);
      expect(await truth.audit.get(entry.seq as number)).toEqual(entry);
      await expect(db.audit.put({ ...entry, note: 'rewritten' } as never)).rejects.toThrow(PermissionDeniedError);
      await expect(db.audit.delete(entry.seq as number)).rejects.toThrow(PermissionDeniedError);
      await expect(db.audit.clear()).rejects.toThrow(PermissionDeniedError);
      expect(await truth.audit.get(entry.seq as number)).toEqual(entry);
      const reader = can(role, 'read', 'audit');
      expect(await outcome(() => db.audit.toArray())).toBe(reader);
      expect(await outcome(() => db.audit.count())).toBe(reader);
      // The chain's tail, read inside a write (how every append links to the previous entry), is open to all…
      expect(await outcome(() => db.transaction('rw', db.audit, () => db.audit.orderBy('seq').last()))).toBe(true);
      // …but not in a read-only transaction, and not more than the tail.
      expect(await outcome(() => db.transaction('r', db.audit, () => db.audit.orderBy('seq').last()))).toBe(reader);
      expect(await outcome(() => db.transaction('rw', db.audit, () => db.audit.orderBy('seq').reverse().limit(2).toArray()))).toBe(reader);
    });
  });

  it('refuses with a typed error naming role, action and record type, never the data', async () => {
    setCurrentActor(db, user('front-desk'));
    const secret = { id: 'obs-secret', patientId: 'p-1', note: 'HbA1c 9.4% Ada Lovelace' };
    const err = await db.observations.add(secret as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    const denied = err as PermissionDeniedError;
    expect([denied.role, denied.action, denied.recordType]).toEqual(['front-desk', 'create', 'observation']);
    expect(denied.message).toContain('front-desk');
    expect(denied.message).toContain('create');
    expect(denied.message).toContain('observation');
    expect(denied.message).not.toMatch(/Ada|Lovelace|9\.4|obs-secret|p-1/);
  });

  it("lets 'nobody' read only users and settings, append audit entries and use meta — nothing about patients", async () => {
    for (const table of dataTables()) await truth.table(table.name).add(rowFor(table, 'nobody'));
    setCurrentActor(db, { kind: 'nobody' });
    for (const table of dataTables()) {
      const type = recordTypeOfTable(table.name);
      const readable = type === 'user' || type === 'settings';
      expect(await outcome(() => table.toArray()), `nobody read ${table.name}`).toBe(readable);
      expect(await outcome(() => table.add(rowFor(table, 'by-nobody'))), `nobody create ${table.name}`).toBe(false);
    }
    await expect(db.audit.toArray()).rejects.toThrow(PermissionDeniedError);
    expect(await outcome(() => db.audit.add(rowFor(db.audit, 'failed-sign-in') as never))).toBe(true);
    await expect(db.outbox.toArray()).rejects.toThrow(PermissionDeniedError);
    await db.meta.put({ key: 'last-user', value: 'u1' });
    expect((await db.meta.get('last-user'))?.value).toBe('u1');
    expect(() => requirePermission(db, 'read', 'user')).toThrow(PermissionDeniedError);
  });

  it("lets 'system' do everything except rewrite the audit log", async () => {
    setCurrentActor(db, SYSTEM);
    for (const table of dataTables()) {
      const row = rowFor(table, 'system');
      await table.add(row);
      await table.put({ ...row, note: 'changed' });
      await table.delete(keyOf(table, row));
      expect(await table.get(keyOf(table, row))).toBeUndefined();
    }
    const entry = rowFor(db.audit, 'system-entry');
    await db.audit.add(entry as never);
    expect(await db.audit.count()).toBeGreaterThan(0);
    await expect(db.audit.put({ ...entry, note: 'x' } as never)).rejects.toMatchObject({ role: 'system', action: 'update', recordType: 'audit' });
    await expect(db.audit.delete(entry.seq as number)).rejects.toMatchObject({ role: 'system', action: 'delete', recordType: 'audit' });
  });

  it('checks settings kept in meta (billing rules) as managing settings', async () => {
    setCurrentActor(db, user('clinician'));
    await expect(db.meta.put({ key: 'billing:rpm-rules', value: { minutes: 1 } })).rejects.toMatchObject({ action: 'manage', recordType: 'settings' });
    expect(await truth.meta.get('billing:rpm-rules')).toBeUndefined();
    await db.meta.put({ key: 'hlc:ws1', value: 'stamp' });
    setCurrentActor(db, user('administrator'));
    await db.meta.put({ key: 'billing:rpm-rules', value: { minutes: 1 } });
    expect((await truth.meta.get('billing:rpm-rules'))?.value).toEqual({ minutes: 1 });
  });

  it('checks actions that are not table operations (export, acknowledge, break-glass, restore…) with requirePermission', () => {
    for (const role of ROLES) {
      setCurrentActor(db, user(role));
      for (const action of ACTIONS) {
        for (const type of RECORD_TYPES) {
          if (can(role, action, type)) expect(() => requirePermission(db, action, type)).not.toThrow();
          else expect(() => requirePermission(db, action, type), `${role} ${action} ${type}`).toThrow(PermissionDeniedError);
          expect(currentActorCan(db, action, type)).toBe(can(role, action, type));
        }
      }
    }
    setCurrentActor(db, SYSTEM);
    expect(() => requirePermission(db, 'restore', 'backup')).not.toThrow();
  });

  it('refuses actors that are not well formed', () => {
    expect(() => setCurrentActor(db, { kind: 'user', userId: 'u', name: 'X', role: 'admin' as Role })).toThrow(InvalidActorError);
    expect(() => setCurrentActor(db, { kind: 'user', userId: '', name: 'X', role: 'nurse' })).toThrow(InvalidActorError);
    expect(() => setCurrentActor(db, { kind: 'system', reason: ' ' })).toThrow(InvalidActorError);
    expect(() => setCurrentActor(db, { kind: 'root' } as unknown as DataActor)).toThrow(InvalidActorError);
  });

  it('runs a marked transaction as the app itself without exempting anything else', async () => {
    setCurrentActor(db, { kind: 'nobody' });
    const row = rowFor(db.patients, 'locked-session');
    await runAsSystem(db, [db.patients], 'apply a pulled change while the session is locked', () => db.patients.add(row as never));
    expect(await truth.patients.get(row.id as string)).toEqual(row);
    await expect(db.patients.add(rowFor(db.patients, 'after') as never)).rejects.toThrow(PermissionDeniedError);
    await expect(runAsSystem(db, [db.patients], '', async () => undefined)).rejects.toThrow(InvalidActorError);

    // A transaction the caller opened itself (how sync applies a pulled page) can be marked too.
    setCurrentActor(db, user('front-desk'));
    const obs = rowFor(db.observations, 'pulled');
    await db.transaction('rw', db.observations, async (tx) => {
      markSystemTransaction(tx);
      await db.observations.add(obs as never);
    });
    expect(await truth.observations.get(obs.id as string)).toEqual(obs);
    await expect(db.observations.get(obs.id as string)).rejects.toThrow(PermissionDeniedError);
    expect(() => markSystemTransaction(null)).toThrow(InvalidActorError);
  });

  it('refuses users on a table the permission map does not know', async () => {
    const other = new CareLoopDb(`authz-unmapped-${n++}`);
    other.version(99).stores({ mystery: 'id' });
    await other.open();
    await other.table('mystery').add({ id: 'm1' });
    setCurrentActor(other, user('administrator'));
    await expect(other.table('mystery').toArray()).rejects.toThrow(UnmappedTableError);
    other.close();
  });
});

describe('permissions through the repositories', () => {
  let db: CareLoopDb;
  let truth: CareLoopDb;
  let ctx: WriteContext;

  beforeAll(async () => {
    const name = `authz-repo-${n++}`;
    db = new CareLoopDb(name);
    await db.open();
    truth = new CareLoopDb(name);
    await truth.open();
    ctx = { actor: 'Test', workstation: 'ws1', clinicId: 'clinic-1', clock: await openClock(db, 'ws1u') };
  });

  afterAll(() => {
    db.close();
    truth.close();
  });

  it('lets front desk register a patient (with its audit entry and outbox change) but not write a clinical note, which then leaves no trace', async () => {
    setCurrentActor(db, user('front-desk'));
    const patient = await new PatientRepository(db, ctx).create({ givenName: 'Ada', familyName: 'Lovelace', birthDate: '1961-12-10', sex: 'female', mrn: 'MRN-1', phone: '+44 20 7946 0018', preferredChannel: 'sms', conditions: [] });
    const counts = async () => ({ audit: await truth.audit.count(), outbox: await truth.outbox.count(), meta: JSON.stringify(await truth.meta.toArray()), notes: await truth.clinicalNotes.count() });
    const before = await counts();
    expect(before.audit).toBe(1);
    await expect(addNote(db, ctx, { patientId: patient.id, kind: 'progress', text: 'BP controlled' })).rejects.toMatchObject({ role: 'front-desk', action: 'create', recordType: 'note' });
    expect(await counts()).toEqual(before);

    setCurrentActor(db, user('nurse'));
    await addNote(db, ctx, { patientId: patient.id, kind: 'progress', text: 'BP controlled' });
    expect(await truth.clinicalNotes.count()).toBe(1);
    const chain = await truth.audit.orderBy('seq').toArray();
    expect(chain).toHaveLength(2);
    expect((await verifyAuditChain(chain)).intact).toBe(true);
    await expect(db.audit.toArray()).rejects.toThrow(PermissionDeniedError);
    setCurrentActor(db, user('auditor'));
    expect(await db.audit.count()).toBe(2);
    await expect(db.patients.get(patient.id)).rejects.toMatchObject({ role: 'auditor', action: 'read', recordType: 'patient' });
  });
});
