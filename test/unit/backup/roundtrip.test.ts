import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupNewerSchemaError } from '../../../common/backup/errors';
import { openBackup } from '../../../common/backup/reader';
import { decodeRow, encodeRow } from '../../../common/backup/row-codec';
import { writeBackup } from '../../../common/backup/writer';
import { databaseManifest, exportDatabase, restoreDatabase, RestoreTargetNotEmptyError } from '../../../renderer/src/db/backup';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { SCHEMA_VERSION } from '../../../renderer/src/db/migrations/index';
import type { SeriesBlockRow } from '../../../renderer/src/db/series/rows';
import { FAST_KDF, PASSPHRASE, collect, freshDbName, pieces, populatedDb } from './fixture';

const open: CareLoopDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function source(): Promise<{ db: CareLoopDb; file: Uint8Array; progress: number[] }> {
  const db = await populatedDb();
  open.push(db);
  const progress: number[] = [];
  const file = await collect(exportDatabase(db, { passphrase: PASSPHRASE, kdf: FAST_KDF, chunkBytes: 4096, onProgress: (p) => progress.push(p.rowsDone) }));
  return { db, file, progress };
}

describe('row codec', () => {
  it('keeps typed arrays, non-finite numbers, -0, dates and nested objects exactly', () => {
    const row = {
      b: Float32Array.of(1.5, Number.NaN, Number.POSITIVE_INFINITY),
      a: { nested: [1, undefined, -0, Number.NEGATIVE_INFINITY, 'x'], u8: Uint8Array.of(0, 255) },
      d: new Date('2026-11-25T10:00:00Z'),
      $cl: 'a key that looks like a tag',
      $cl_: { $cl: 'u' },
      t: Float64Array.of(1e300, -2.5).subarray(1),
    };
    const { row: back, next } = decodeRow(encodeRow(row), 0);
    expect(next).toBe(encodeRow(row).length);
    expect(back).toEqual(row);
    const r = back as typeof row;
    expect(r.b).toBeInstanceOf(Float32Array);
    expect(Object.is(r.a.nested[2], -0)).toBe(true);
    expect(r.t).toBeInstanceOf(Float64Array);
    expect(Array.from(r.t)).toEqual([-2.5]);
  });

  it('encodes the same content to the same bytes whatever the key order', () => {
    expect(encodeRow({ x: 1, y: { b: 2, a: 3 } })).toEqual(encodeRow({ y: { a: 3, b: 2 }, x: 1 }));
  });
});

describe('backup and restore of a whole database', () => {
  it('restores every table with equal counts and content hashes, typed arrays intact', async () => {
    const { db, file, progress } = await source();
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const target = new CareLoopDb(freshDbName());
    open.push(target);
    const restoreProgress: number[] = [];
    const summary = await restoreDatabase(pieces(file), target, { passphrase: PASSPHRASE, onProgress: (p) => restoreProgress.push(p.rowsDone) });

    const before = await databaseManifest(db);
    const after = await databaseManifest(target);
    expect(after).toEqual(before);
    expect(summary.tables).toEqual(before);
    expect(summary.schemaVersion).toBe(SCHEMA_VERSION);
    // Every table is in the backup, including ones the class does not name (workflows).
    // Every table but the derived population cache, which is rebuilt on demand.
    expect(before.map((t) => t.name)).toEqual(db.tables.map((t) => t.name).filter((n) => n !== 'populationCache').sort());
    expect(before.find((t) => t.name === 'audit')!.rows).toBe(6);
    expect(before.find((t) => t.name === 'observations')!.rows).toBe(48);
    expect(restoreProgress.at(-1)).toBe(before.reduce((s, t) => s + t.rows, 0));

    // Restored immutable rows are not queued for sync a second time.
    expect(await target.outbox.count()).toBe(await db.outbox.count());

    const points = (rows: SeriesBlockRow[]) => rows.find((r) => r.kind === 'points');
    const block = points(await target.seriesBlocks.toArray());
    const original = points(await db.seriesBlocks.toArray())!;
    expect(block?.times).toBeInstanceOf(Float64Array);
    expect(block?.values).toBeInstanceOf(Float32Array);
    expect(Array.from(block!.times!)).toEqual(Array.from(original.times!));
    expect(Array.from(block!.values!)).toEqual(Array.from(original.values!));
    const wave = (await target.seriesBlocks.toArray()).find((r) => r.kind === 'waveform')!;
    expect(wave.segments![0]!.values).toBeInstanceOf(Float32Array);
    expect(wave.segments![0]!.values.length).toBe(1000);
    const rollup = (await target.rollups.toArray())[0]!;
    expect(rollup.count).toBeInstanceOf(Uint32Array);
    expect(rollup.min[0]).toBe(Number.POSITIVE_INFINITY);
    expect(rollup.max[3]).toBe(88.25);
    expect(rollup.sum[3]).toBe(149.75);
  });

  it('refuses to restore into a database that has rows, and leaves it as it was', async () => {
    const { db, file } = await source();
    const before = await databaseManifest(db);
    await expect(restoreDatabase(pieces(file), db, { passphrase: PASSPHRASE })).rejects.toBeInstanceOf(RestoreTargetNotEmptyError);
    expect(await databaseManifest(db)).toEqual(before);
  });

  it('refuses a backup from a newer schema and leaves no database behind', async () => {
    const file = await collect(writeBackup({ passphrase: PASSPHRASE, kdf: FAST_KDF, schemaVersion: SCHEMA_VERSION + 1, workstationId: 'ws', tables: [] }));
    const name = freshDbName();
    const target = new CareLoopDb(name);
    await expect(restoreDatabase(pieces(file), target, { passphrase: PASSPHRASE })).rejects.toBeInstanceOf(BackupNewerSchemaError);
    expect(await Dexie.exists(name)).toBe(false);
  });

  it('writes a header that names the schema, workstation, KDF and every table manifest, readable without restoring', async () => {
    const { db, file } = await source();
    const backup = await openBackup(pieces(file, 50), PASSPHRASE);
    expect(backup.header.schemaVersion).toBe(SCHEMA_VERSION);
    expect(backup.header.kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: 8, iterations: 1, parallelism: 1 });
    expect(backup.header.workstationId).toMatch(/^[0-9a-f]{12}$/);
    expect(backup.header.tables).toEqual(await databaseManifest(db));
    let rows = 0;
    for await (const b of backup.batches()) rows += b.rows.length;
    expect(rows).toBe(backup.header.tables.reduce((s, t) => s + t.rows, 0));
  });
});
