import Dexie, { type IndexableType, type Table } from 'dexie';
import { BackupCorruptedError, BackupOlderSchemaError } from '../../../common/backup/errors';
import type { KdfParams } from '../../../common/backup/format';
import { openBackup } from '../../../common/backup/reader';
import { manifestOf, writeBackup, type BackupProgress, type BackupSourceTable } from '../../../common/backup/writer';
import type { CareLoopDb } from './database';
import { SCHEMA_VERSION } from './migrations/index';
import { markSyncTransaction } from './outbox-middleware';

/**
 * Whole-database backup and restore (issue #9) over the streaming format in common/backup.
 *
 * Restore only ever writes into an empty database and deletes it again if anything fails,
 * so a failed restore leaves nothing behind. The app restores into a fresh database name
 * (e.g. `careloop-restore-<time>`), and only when restoreDatabase resolves does it record
 * that name as the active profile (in the workstation's local settings) and reload, opening
 * CareLoopDb under the new name; the old database is deleted after that switch. Until the
 * switch the running app never sees the restored rows.
 */
export class RestoreTargetNotEmptyError extends Error {
  override readonly name = 'RestoreTargetNotEmptyError';
  constructor(readonly table: string) {
    super(`restore needs an empty database; table ${table} has rows`);
  }
}

export class RestoreVerificationError extends Error {
  override readonly name = 'RestoreVerificationError';
  constructor(readonly table: string, why: string) {
    super(`restored table ${table} does not match the backup (${why})`);
  }
}

export interface ExportOptions {
  passphrase: string;
  workstationId?: string;
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
  /** Rows read from IndexedDB per request. */
  pageSize?: number;
  chunkBytes?: number;
  onProgress?: (p: BackupProgress) => void;
}

export interface RestoreProgress {
  table: string;
  rowsDone: number;
  totalRows: number;
}

export interface RestoreOptions {
  passphrase: string;
  onProgress?: (p: RestoreProgress) => void;
}

export interface RestoreSummary {
  schemaVersion: number;
  createdAt: string;
  workstationId: string;
  tables: { name: string; rows: number; sha256: string }[];
}

const DEFAULT_PAGE = 500;

/** A table's rows in primary-key order, a page at a time, so a large clinic is never read whole. */
async function* pagesOf(table: Table, pageSize: number): AsyncGenerator<unknown[]> {
  const keyPath = table.schema.primKey.keyPath;
  let last: IndexableType | undefined;
  for (;;) {
    const collection = last === undefined ? table.orderBy(':id') : table.where(':id').above(last);
    let rows: unknown[];
    let lastKey: IndexableType | undefined;
    if (keyPath) {
      rows = await collection.limit(pageSize).toArray();
      if (rows.length) lastKey = Dexie.getByKeyPath(rows[rows.length - 1] as object, keyPath) as IndexableType;
    } else {
      const keys = await collection.limit(pageSize).primaryKeys();
      rows = await table.bulkGet(keys);
      lastKey = keys[keys.length - 1];
    }
    if (!rows.length) return;
    yield rows;
    if (rows.length < pageSize) return;
    last = lastKey;
  }
}

/**
 * Tables a backup leaves out: derived data rebuilt on demand from tables that are backed up
 * (the population screen's clinic-wide cache, tens of MB at 10,000 patients).
 */
const DERIVED_TABLES: ReadonlySet<string> = new Set(['populationCache']);

function tablesOf(db: Dexie): Table[] {
  return [...db.tables].filter((t) => !DERIVED_TABLES.has(t.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function workstationIdOf(db: CareLoopDb): Promise<string> {
  const row = await db.meta.get('workstation');
  const value = row?.value as { workstationId?: unknown } | undefined;
  return typeof value?.workstationId === 'string' ? value.workstationId : 'unknown';
}

/**
 * The whole local database as a backup file, streamed. Each table is counted and hashed in
 * a first pass (the header carries the manifest), then written page by page; if a table
 * changes in between, the stream fails with BackupInconsistentError and is run again.
 */
export async function* exportDatabase(db: CareLoopDb, options: ExportOptions): AsyncGenerator<Uint8Array> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE;
  const tables: BackupSourceTable[] = [];
  for (const table of tablesOf(db)) {
    const manifest = await manifestOf(pagesOf(table, pageSize));
    tables.push({ name: table.name, ...manifest, pages: () => pagesOf(table, pageSize) });
  }
  yield* writeBackup({
    passphrase: options.passphrase,
    schemaVersion: SCHEMA_VERSION,
    workstationId: options.workstationId ?? (await workstationIdOf(db)),
    tables,
    ...(options.kdf ? { kdf: options.kdf } : {}),
    ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** Refuses (RestoreTargetNotEmptyError) unless every table of the target is empty. */
async function assertEmpty(db: Dexie): Promise<void> {
  for (const table of tablesOf(db)) if ((await table.count()) > 0) throw new RestoreTargetNotEmptyError(table.name);
}

/**
 * Restores a backup into `target`, which must be empty, then re-reads what was written and
 * checks every table's count and content hash against the backup's header. On any failure
 * (wrong passphrase, damaged or truncated file, verification) the target database is
 * deleted, so it is as it was before: empty.
 */
export async function restoreDatabase(source: AsyncIterable<Uint8Array>, target: CareLoopDb, options: RestoreOptions): Promise<RestoreSummary> {
  await target.open();
  await assertEmpty(target);
  try {
    const backup = await openBackup(source, options.passphrase, { maxSchemaVersion: SCHEMA_VERSION });
    const { header } = backup;
    if (header.schemaVersion < SCHEMA_VERSION) throw new BackupOlderSchemaError(header.schemaVersion, SCHEMA_VERSION);
    const targetTables = new Map(tablesOf(target).map((t) => [t.name, t]));
    for (const t of header.tables) if (!targetTables.has(t.name)) throw new BackupCorruptedError(`table ${t.name} is not in this schema`);
    const totalRows = header.tables.reduce((n, t) => n + t.rows, 0);
    let rowsDone = 0;
    for await (const batch of backup.batches()) {
      const table = targetTables.get(batch.table)!;
      await target.transaction('rw', table, async (tx) => {
        // Restored rows are not new changes: the outbox rows travel in the backup themselves.
        markSyncTransaction(tx);
        await table.bulkAdd(batch.rows);
      });
      rowsDone += batch.rows.length;
      options.onProgress?.({ table: batch.table, rowsDone, totalRows });
    }
    for (const t of header.tables) {
      const written = await manifestOf(pagesOf(targetTables.get(t.name)!, DEFAULT_PAGE));
      if (written.rows !== t.rows) throw new RestoreVerificationError(t.name, `${written.rows} rows, the backup has ${t.rows}`);
      if (written.sha256 !== t.sha256) throw new RestoreVerificationError(t.name, 'content hash differs');
    }
    return { schemaVersion: header.schemaVersion, createdAt: header.createdAt, workstationId: header.workstationId, tables: header.tables.map((t) => ({ ...t })) };
  } catch (e) {
    target.close();
    await Dexie.delete(target.name);
    throw e;
  }
}

/** Content hash and count of every table of a database, as a backup's header would list them. */
export async function databaseManifest(db: Dexie): Promise<{ name: string; rows: number; sha256: string }[]> {
  const out = [];
  for (const table of tablesOf(db)) out.push({ name: table.name, ...(await manifestOf(pagesOf(table, DEFAULT_PAGE))) });
  return out;
}
