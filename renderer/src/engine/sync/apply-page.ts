import Dexie, { type Table } from 'dexie';
import type { PatientFields } from '../../../../common/patient/patient';
import { mergeIntoRecord, type StampedRecord } from '../../../../common/sync/merge';
import { isImmutableTable, type PullPage, type PulledRow } from '../../../../common/sync/protocol';
import type { CareLoopDb, PatientRow } from '../../db/database';
import { derived } from '../../db/patients';
import { markSyncTransaction } from '../../db/outbox-middleware';

export const CURSOR_KEY = 'sync:cursor';

/** Local tables that never take pulled rows: the audit chain is each workstation's own. */
const LOCAL_ONLY = new Set(['audit', 'outbox', 'meta']);

/**
 * Unique local indexes over fields that sync does not guarantee unique across workstations
 * (two desks can give the same MRN offline). The pulled row keeps its synced values; only
 * the local index key is made unique, so the page is never refused.
 */
const UNIQUE_LOCAL_KEYS: Record<string, string> = { patients: 'mrnKey', alerts: 'alertKey' };

export interface ApplyOutcome {
  /** Rows written (created or changed by the merge). */
  written: number;
  /** Rows of tables this workstation does not have (a newer schema); they are skipped. */
  skipped: number;
  /** Rows written per table, so the engine can act on what arrived (readings to judge, rules to reload). */
  writtenByTable: Record<string, StampedRecord[]>;
}

export async function storedCursor(db: CareLoopDb): Promise<string> {
  const v = (await db.meta.get(CURSOR_KEY))?.value;
  return typeof v === 'string' ? v : '0';
}

function syncedTable(db: CareLoopDb, name: string): Table<StampedRecord, string> | undefined {
  if (LOCAL_ONLY.has(name)) return undefined;
  const table = db.tables.find((t) => t.name === name);
  return table && table.schema.primKey.keyPath === 'id' ? (table as unknown as Table<StampedRecord, string>) : undefined;
}

/** A pulled patient's local index fields, from whatever of its fields it holds. */
function withPatientIndexes(record: StampedRecord): StampedRecord {
  const r = record as Partial<PatientRow>;
  const fields = {
    ...r,
    givenName: r.givenName ?? '',
    familyName: r.familyName ?? '',
    mrn: r.mrn ?? '',
    birthDate: r.birthDate ?? '',
    tags: r.tags ?? [],
    identifiers: r.identifiers ?? [],
  } as PatientFields;
  return { ...record, ...derived(fields) };
}

async function uniqueLocalKey(table: Table<StampedRecord, string>, index: string, record: StampedRecord, inPage: Set<string>): Promise<StampedRecord> {
  const key = record[index];
  if (typeof key !== 'string') return record;
  const holder = await table.where(index).equals(key).first();
  const taken = inPage.has(key) || (holder && holder['id'] !== record['id']);
  const unique = taken ? `${key}~${String(record['id'])}` : key;
  inPage.add(unique);
  return unique === key ? record : { ...record, [index]: unique };
}

/**
 * Writes one pulled page and its cursor in one IndexedDB transaction: if the workstation
 * stops half-way through a large initial sync, it resumes after the last written page.
 * Each row merges with the stored record per field by clock stamp (immutable rows by id),
 * tombstones are kept as `deleted: true`, and fields this version does not know are kept.
 */
export async function applyPulledPage(db: CareLoopDb, page: PullPage, clinicId: string): Promise<ApplyOutcome> {
  const byTable = new Map<string, PulledRow[]>();
  let skipped = 0;
  for (const row of page.rows) {
    if (!syncedTable(db, row.table)) {
      skipped++;
      continue;
    }
    const list = byTable.get(row.table) ?? [];
    list.push(row);
    byTable.set(row.table, list);
  }
  const tables = [...byTable.keys()].map((t) => syncedTable(db, t)!);
  let written = 0;
  const writtenByTable: Record<string, StampedRecord[]> = {};
  await db.transaction('rw', [...tables, db.meta], async () => {
    markSyncTransaction(Dexie.currentTransaction);
    const now = new Date().toISOString();
    for (const table of tables) {
      const rows = byTable.get(table.name)!;
      const stored = await table.bulkGet(rows.map((r) => r.rowId));
      const current = new Map<string, StampedRecord>();
      stored.forEach((rec, i) => {
        if (rec) current.set(rows[i]!.rowId, rec);
      });
      const out = new Map<string, StampedRecord>();
      for (const row of rows) {
        const before = out.get(row.rowId) ?? current.get(row.rowId);
        const merged = mergeIntoRecord(table.name, before, row.fields);
        if (before && merged.record === before) continue;
        let record: StampedRecord = { ...merged.record, id: row.rowId, clinicId, ...(isImmutableTable(table.name) ? {} : { updatedAt: now }) };
        if (table.name === 'patients') record = withPatientIndexes(record);
        out.set(row.rowId, record);
      }
      const uniqueIndex = UNIQUE_LOCAL_KEYS[table.name];
      const records: StampedRecord[] = [];
      const inPage = new Set<string>();
      for (const r of out.values()) records.push(uniqueIndex ? await uniqueLocalKey(table, uniqueIndex, r, inPage) : r);
      if (records.length) await table.bulkPut(records);
      written += records.length;
      if (records.length) writtenByTable[table.name] = records;
    }
    await db.meta.put({ key: CURSOR_KEY, value: page.cursor });
  });
  return { written, skipped, writtenByTable };
}
