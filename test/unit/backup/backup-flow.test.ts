import 'fake-indexeddb/auto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupCorruptedError, BackupTruncatedError, BackupWrongPassphraseError } from '../../../common/backup/errors';
import { databaseManifest } from '../../../renderer/src/db/backup';
import type { CareLoopDb } from '../../../renderer/src/db/database';
import { runBackup } from '../../../renderer/src/components/backup/run-backup';
import { BackupScheduleRunner } from '../../../renderer/src/components/backup/schedule-runner';
import { testRestore } from '../../../renderer/src/components/backup/test-restore';
import { backupFailureText } from '../../../renderer/src/components/backup/backup-messages';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { FAST_KDF, PASSPHRASE, populatedDb } from './fixture';
import { hostFor } from './host-harness';

const root = mkdtempSync(join(tmpdir(), 'careloop-backup-flow-'));
const folder = join(root, 'Backups');
let clock = Date.parse('2026-11-25T09:00:00Z');
let db: CareLoopDb;
let service: BackupService;

beforeAll(async () => {
  mkdirSync(folder);
  db = await populatedDb(5);
  service = new BackupService({ dataDir: join(root, 'data'), now: () => clock });
});
afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a backup staff run, from the database to a file the host writes', () => {
  let file: Uint8Array<ArrayBuffer>;

  it('writes the encrypted backup into the folder and records the run', async () => {
    const host = hostFor(service);
    await host.call('backup.configure', { folder });
    const progress: number[] = [];
    const written = await runBackup(db, host, { passphrase: PASSPHRASE, scheduled: false, kdf: FAST_KDF, onProgress: (p) => progress.push(p.rowsDone), now: () => clock });
    expect(readdirSync(folder)).toEqual([written.name]);
    file = new Uint8Array(readFileSync(written.path));
    expect(file.length).toBe(written.bytes);
    expect(new TextDecoder().decode(file)).not.toContain('Family1');
    expect(progress.length).toBeGreaterThan(0);
    const settings = await host.call('backup.settings', {});
    expect(settings.lastRun).toMatchObject({ ok: true, scheduled: false, bytes: written.bytes });
  });

  it('restores that file into an empty profile with every count and content hash equal', async () => {
    const result = await testRestore(new Blob([file]), PASSPHRASE);
    expect(result.summary.tables).toEqual(await databaseManifest(db));
    expect(result.rows).toBeGreaterThan(50);
  });

  it('says clearly what is wrong with a wrong passphrase, a truncated or a corrupted file', async () => {
    const wrong = await testRestore(new Blob([file]), 'not the passphrase').catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(BackupWrongPassphraseError);
    expect(backupFailureText(wrong)).toMatch(/Wrong passphrase/);
    const cut = await testRestore(new Blob([file.slice(0, file.length - 100)]), PASSPHRASE).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(BackupTruncatedError);
    expect(backupFailureText(cut)).toMatch(/incomplete/);
    const damaged = file.slice();
    damaged[Math.floor(damaged.length / 2)]! ^= 0x40;
    const bad = await testRestore(new Blob([damaged]), PASSPHRASE).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BackupCorruptedError);
    expect(backupFailureText(bad)).toMatch(/damaged/);
  });

  it('records a failed backup (a folder that went away) and leaves no file behind', async () => {
    const host = hostFor(service);
    await expect(runBackup(db, host, { passphrase: PASSPHRASE, scheduled: false, kdf: FAST_KDF, folder: join(root, 'gone') })).rejects.toThrow(/does not exist/);
    expect((await host.call('backup.settings', {})).lastRun).toMatchObject({ ok: false });
  });
});

describe('the daily schedule while the app is open', () => {
  it('catches up a missed day at start, then waits for the next day, keeping the last N', async () => {
    const host = hostFor(service);
    await host.call('backup.configure', { folder, passphrase: PASSPHRASE, schedule: { enabled: true, timeOfDay: '02:00', keep: 2 } });
    writeFileSync(join(folder, 'someone-elses.txt'), 'x');
    let runs = 0;
    const runner = new BackupScheduleRunner(
      host,
      async (passphrase) => {
        runs++;
        return runBackup(db, host, { passphrase, scheduled: true, kdf: FAST_KDF, now: () => clock });
      },
      'UTC',
      () => clock,
    );
    clock = Date.parse('2026-11-25T09:00:00Z');
    expect(await runner.check()).toBe('ran');
    expect(await runner.check()).toBe('not-due');
    for (const day of ['26', '27', '28']) {
      clock = Date.parse(`2026-11-${day}T01:59:00Z`);
      expect(await runner.check()).toBe('not-due');
      clock = Date.parse(`2026-11-${day}T02:00:30Z`);
      expect(await runner.check()).toBe('ran');
    }
    expect(runs).toBe(4);
    const scheduled = readdirSync(folder).filter((n) => /^careloop-backup-\d/.test(n)).sort();
    expect(scheduled).toEqual(['careloop-backup-20261127T020030Z.clbk', 'careloop-backup-20261128T020030Z.clbk']);
    expect(readdirSync(folder)).toContain('someone-elses.txt');
    expect((await host.call('backup.settings', {})).lastScheduledRun).toMatchObject({ ok: true, scheduled: true });
  });

  it('runs one backup when two windows check at the same moment', async () => {
    const host = hostFor(service);
    await host.call('backup.configure', { folder, passphrase: PASSPHRASE, schedule: { enabled: true, timeOfDay: '02:00', keep: 2 } });
    clock = Date.parse('2026-11-30T03:00:00Z');
    let tail: Promise<unknown> = Promise.resolve();
    // A FIFO lock like the Web Locks API the worker uses.
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const result = tail.then(work);
      tail = result.catch(() => undefined);
      return result;
    };
    let runs = 0;
    const make = () =>
      new BackupScheduleRunner(host, async (passphrase) => {
        runs++;
        return runBackup(db, host, { passphrase, scheduled: true, kdf: FAST_KDF, now: () => clock });
      }, 'UTC', () => clock, exclusive);
    const outcomes = await Promise.all([make().check(), make().check()]);
    expect(outcomes.sort()).toEqual(['not-due', 'ran']);
    expect(runs).toBe(1);
  });

  it('does nothing while the schedule is off', async () => {
    const host = hostFor(service);
    await host.call('backup.configure', { schedule: { enabled: false, timeOfDay: '02:00', keep: 2 }, passphrase: null });
    const runner = new BackupScheduleRunner(host, () => Promise.reject(new Error('must not run')), 'UTC', () => clock + 86_400_000);
    expect(await runner.check()).toBe('disabled');
  });
});
