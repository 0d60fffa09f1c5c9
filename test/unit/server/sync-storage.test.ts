import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { mergeRow } from '../../../common/sync/merge';
import { rowFields, type Change, type FieldMap } from '../../../common/sync/protocol';
import type { Database } from '../../../server/db/database';
import { loadMigrations, migrate } from '../../../server/db/migrate';
import { openPglite } from '../../../server/db/pglite';
import { applyChanges } from '../../../server/sync/apply-changes';
import { pullPage } from '../../../server/sync/pull';

/**
 * How synced rows are stored (migration 003): fields as json text, a row first written by a
 * push stored as the change's fields, the sender's queued-message work list. Runs on one
 * PGlite database in memory, migrated in two steps with a row written in between, so the
 * upgrade of existing rows is tested too; each test works in a clinic of its own. The
 * protocol tests (sync-protocol.test.ts) run the same paths on PostgreSQL as well.
 */
const stamp = (ms: number, node = 'wsA') => `${String(ms).padStart(13, '0')}-000000-${node}`;
const change = (table: string, rowId: string, fields: FieldMap): Change => ({ changeId: newId(), table, rowId, fields });

async function storedRow(db: Database, clinicId: string, table: string, rowId: string): Promise<FieldMap | undefined> {
  const page = await pullPage(db, clinicId, 0, 1000);
  const row = page.rows.find((r) => r.table === table && r.rowId === rowId);
  return row ? (JSON.parse(row.fieldsJson) as FieldMap) : undefined;
}

describe('sync row storage', () => {
  let db: Database;
  let clinicId: string;
  const oldClinic = newId();
  const oldMessage = newId();
  const oldFields: FieldMap = { status: { value: 'queued', stamp: stamp(1000) }, nested: { value: { a: [1, 2.5, 'x'] }, stamp: stamp(1000) } };
  let upgraded: number[] = [];

  beforeAll(async () => {
    db = await openPglite();
    const all = loadMigrations();
    await migrate(db, all.filter((m) => m.version < 3));
    await db.query("INSERT INTO clinics (clinic_id, name) VALUES ($1, 'Old')", [oldClinic]);
    await applyChanges(db, oldClinic, [change('messages', oldMessage, oldFields)]);
    upgraded = await migrate(db, all);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  beforeEach(async () => {
    clinicId = newId();
    await db.query("INSERT INTO clinics (clinic_id, name) VALUES ($1, 'Storage')", [clinicId]);
  });

  const queuedIn = async (clinic: string) =>
    (await db.query<{ row_id: string }>("SELECT row_id FROM sync_rows WHERE clinic_id = $1 AND table_name = 'messages' AND fields -> 'status' ->> 'value' = 'queued'", [clinic])).map((r) => r.row_id);

  it('migration 003 keeps rows written before it, their fields and the queued-message work list', async () => {
    expect(upgraded).toContain(3);
    expect(await storedRow(db, oldClinic, 'messages', oldMessage)).toEqual(oldFields);
    expect(await queuedIn(oldClinic)).toEqual([oldMessage]);
    const next = await applyChanges(db, oldClinic, [change('messages', oldMessage, { status: { value: 'sent', stamp: stamp(2000) } })]);
    expect(next).toMatchObject({ accepted: 1, conflicts: 1, version: 2 });
    expect(await queuedIn(oldClinic)).toEqual([]);
  });

  it('stores a new row as exactly what merging its changes into nothing gives, reserved names dropped', async () => {
    const patient = newId();
    const first: FieldMap = { family: { value: 'Lovelace', stamp: stamp(1000) }, id: { value: patient, stamp: stamp(1000) }, clinicId: { value: 'other', stamp: stamp(1000) }, tags: { value: ['a', { b: null }], stamp: stamp(1000) } };
    const second: FieldMap = { family: { value: 'Byron', stamp: stamp(2000, 'wsB') }, given: { value: 'Ada', stamp: stamp(2000, 'wsB') } };
    const obsId = 'SN1:s7:heart-rate';
    const obs: FieldMap = { value: { value: 72, stamp: stamp(1500) } };
    const outcome = await applyChanges(db, clinicId, [change('patients', patient, first), change('patients', patient, second), change('observations', obsId, obs), change('observations', obsId, { value: { value: 99, stamp: stamp(1600) } })]);

    const expectedPatient = mergeRow('patients', mergeRow('patients', undefined, rowFields(first)).fields, rowFields(second)).fields;
    expect(await storedRow(db, clinicId, 'patients', patient)).toEqual(expectedPatient);
    expect(await storedRow(db, clinicId, 'observations', obsId)).toEqual(obs);
    expect(outcome).toMatchObject({ accepted: 4, duplicates: 0, conflicts: 2, version: 4 });
    const lost = await db.query<{ field: string; lost: unknown }>('SELECT field, lost FROM sync_conflicts WHERE clinic_id = $1 ORDER BY version, seq', [clinicId]);
    expect(lost).toEqual([
      { field: 'family', lost: { value: 'Lovelace', stamp: stamp(1000) } },
      { field: 'value', lost: { value: 99, stamp: stamp(1600) } },
    ]);
  });

  it('refuses a field name the merge would refuse, and writes nothing', async () => {
    await expect(applyChanges(db, clinicId, [change('patients', newId(), { 'bad name': { value: 1, stamp: stamp(1000) } })])).rejects.toThrow(/not a field name/);
    expect(await db.query('SELECT 1 FROM sync_rows WHERE clinic_id = $1', [clinicId])).toEqual([]);
    expect(await db.query('SELECT 1 FROM sync_changes WHERE clinic_id = $1', [clinicId])).toEqual([]);
  });

  it('refuses changes for a clinic that does not exist and writes nothing (no foreign key needed)', async () => {
    const ghost = newId();
    await expect(applyChanges(db, ghost, [change('patients', newId(), { family: { value: 'x', stamp: stamp(1000) } })])).rejects.toMatchObject({ status: 404 });
    expect(await db.query('SELECT 1 FROM sync_rows WHERE clinic_id = $1 UNION ALL SELECT 1 FROM sync_changes WHERE clinic_id = $1', [ghost])).toEqual([]);
  });

  it('writes no row for a first change that holds only reserved names, but records the change', async () => {
    const outcome = await applyChanges(db, clinicId, [change('patients', newId(), { id: { value: 'x', stamp: stamp(1000) } })]);
    expect(outcome).toMatchObject({ accepted: 1, version: 1, modified: [] });
    expect(await db.query('SELECT 1 FROM sync_rows WHERE clinic_id = $1', [clinicId])).toEqual([]);
  });

  it('keeps the text a pull sends as the stored JSON, and finds queued messages by the json index predicate', async () => {
    const queued = newId();
    const sent = newId();
    const msg = (status: string): FieldMap => ({ status: { value: status, stamp: stamp(1000) }, channel: { value: 'email', stamp: stamp(1000) }, body: { value: 'é \ud83d\ude00 "quoted"', stamp: stamp(1000) } });
    await applyChanges(db, clinicId, [change('messages', queued, msg('queued')), change('messages', sent, msg('sent'))]);
    const [type] = await db.query<{ t: string }>("SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'sync_rows' AND column_name = 'fields'");
    expect(type?.t).toBe('json');
    expect(await queuedIn(clinicId)).toEqual([queued]);
    expect(await storedRow(db, clinicId, 'messages', sent)).toEqual(msg('sent'));
  });
});
