import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../common/backup/base64';
import { backupFileName } from '../../../common/backup/schedule';
import { BackupFolderError } from '../../../electron/services/backup/backup-folder';
import { BackupFileError, BackupService, BackupSettingsError } from '../../../electron/services/backup/backup-service';
import { backupHandlers } from '../../../electron/services/backup/handlers';
import { RpcError } from '../../../common/contract/rpc';

let root: string;
let dataDir: string;
let folder: string;
let clock = Date.parse('2026-11-25T02:30:00Z');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'careloop-backup-service-'));
  dataDir = join(root, 'data');
  folder = join(root, 'Backups');
  mkdirSync(folder);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const service = () => new BackupService({ dataDir, now: () => clock });

async function writeFile(s: BackupService, kind: 'backup' | 'scheduled-backup', bytes: Uint8Array) {
  const { handle, name } = await s.begin(kind, folder);
  for (let i = 0; i < bytes.length; i += 1000) await s.write(handle, i, toBase64(bytes.subarray(i, i + 1000)));
  return { name, ...(await s.finish(handle)) };
}

describe('the host side of backups', () => {
  it('writes the streamed pieces to the file, only under its final name once finished', async () => {
    const s = service();
    const bytes = new Uint8Array(4321).map((_, i) => (i * 7) & 255);
    const { handle, name } = await s.begin('backup', folder);
    await s.write(handle, 0, toBase64(bytes.subarray(0, 2000)));
    expect(readdirSync(folder).filter((n) => !n.startsWith('.'))).toEqual([]);
    await s.write(handle, 2000, toBase64(bytes.subarray(2000)));
    const done = await s.finish(handle);
    expect(done.path).toBe(join(folder, name));
    expect(new Uint8Array(readFileSync(done.path))).toEqual(bytes);
    expect(readdirSync(folder)).toEqual([name]);
    expect(statSync(done.path).mode & 0o077).toBe(0);
  });

  it('refuses pieces out of order and unknown handles; an abort leaves nothing behind', async () => {
    const s = service();
    const { handle } = await s.begin('backup', folder);
    await expect(s.write(handle, 5, toBase64(new Uint8Array(3)))).rejects.toBeInstanceOf(BackupFileError);
    expect(await s.abort(handle)).toEqual({ aborted: true });
    expect(readdirSync(folder)).toEqual([]);
    await expect(s.finish(handle)).rejects.toBeInstanceOf(BackupFileError);
  });

  it('checks the folder: absolute, existing, a folder', async () => {
    const s = service();
    await expect(s.checkFolder('relative/path')).rejects.toThrow(/full path/);
    await expect(s.checkFolder(join(root, 'missing'))).rejects.toThrow(/does not exist/);
    writeFileSync(join(root, 'a-file'), 'x');
    await expect(s.checkFolder(join(root, 'a-file'))).rejects.toBeInstanceOf(BackupFolderError);
    expect(await s.checkFolder(`${folder}/`)).toEqual({ folder });
  });

  it('keeps the newest N scheduled backups and leaves manual backups and other files alone', async () => {
    const s = service();
    await s.configure({ folder, passphrase: 'kept for the schedule', schedule: { enabled: true, timeOfDay: '02:30', keep: 2 } });
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const manual = await writeFile(s, 'backup', new Uint8Array([1]));
    const names: string[] = [];
    for (let day = 0; day < 4; day++) {
      clock = Date.parse(`2026-11-2${day}T02:30:00Z`);
      const r = await writeFile(s, 'scheduled-backup', new Uint8Array([day]));
      names.push(r.name);
      expect(r.name).toBe(backupFileName(clock));
    }
    expect(readdirSync(folder).sort()).toEqual(['notes.txt', manual.name, names[2], names[3]].sort());
  });

  it('keeps the settings, the passphrase for the schedule and the last runs between starts', async () => {
    await expect(service().configure({ schedule: { enabled: true, timeOfDay: '02:30', keep: 3 } })).rejects.toBeInstanceOf(BackupSettingsError);
    await service().configure({ folder, passphrase: 'pass', schedule: { enabled: true, timeOfDay: '02:30', keep: 3 } });
    await service().recordRun({ atMs: clock, ok: true, scheduled: true, message: 'written', bytes: 10, file: 'x.clbk' });
    await service().recordRun({ atMs: clock + 1, ok: false, scheduled: false, message: 'wrong folder' });
    const s = await service().settings();
    expect(s).toMatchObject({ folder, hasPassphrase: true, schedule: { enabled: true, keep: 3 }, lastRun: { ok: false }, lastScheduledRun: { ok: true, bytes: 10 }, canChooseFolder: false });
    expect(await service().schedulePassphrase()).toEqual({ passphrase: 'pass' });
    expect(statSync(join(dataDir, 'backup-settings.json')).mode & 0o077).toBe(0);
  });

  it('reports typed failures as RpcError codes', async () => {
    const handlers = backupHandlers(service());
    await expect(handlers['backup.checkFolder']({ folder: 'nope' })).rejects.toMatchObject({ code: 'backup-folder' });
    await expect(handlers['backup.finish']({ handle: '0'.repeat(32) })).rejects.toBeInstanceOf(RpcError);
    await expect(handlers['backup.chooseFolder']({})).rejects.toMatchObject({ code: 'backup-settings' });
  });
});
