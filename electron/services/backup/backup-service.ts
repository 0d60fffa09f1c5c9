import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BackupFileKind, BackupRunWire, BackupSettingsWire } from '../../../common/contract/main-api';
import { backupFileName, checkSchedule, filesToPrune, utcStamp, type BackupSchedule } from '../../../common/backup/schedule';
import { EncryptedFileSecretStore } from '../secrets/encrypted-file-store';
import type { SecretStore } from '../secrets/secret-store';
import { checkBackupFolder } from './backup-folder';
import { BackupSettingsFile, type StoredBackupSettings } from './backup-settings';

/** A file session that cannot go on: unknown handle, a piece out of order, too many open at once. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
  readonly code = 'backup-file';
}

export class BackupSettingsError extends Error {
  override readonly name = 'BackupSettingsError';
  readonly code = 'backup-settings';
}

interface OpenFile {
  kind: BackupFileKind;
  folder: string;
  name: string;
  partial: string;
  handle: FileHandle;
  bytes: number;
}

export interface BackupServiceOptions {
  /** The workstation's own folder (backup-settings.json lives there). */
  dataDir: string;
  /** Electron's folder dialog; absent in browser mode, where the path is typed. */
  chooseFolder?: () => Promise<string | null>;
  now?: () => number;
  /** Where the daily schedule's passphrase is kept (default: the encrypted file store in `dataDir`). */
  secrets?: SecretStore;
}

const PASSPHRASE = 'backup-passphrase';

/** At most this many files written at once (a backup and an export, with room to spare). */
const MAX_OPEN = 4;

function fileNameFor(kind: BackupFileKind, atMs: number): string {
  switch (kind) {
    case 'scheduled-backup':
      return backupFileName(atMs);
    case 'backup':
      // Not the scheduled name: "keep the last N" never removes a backup someone made by hand.
      return `careloop-backup-manual-${utcStamp(atMs)}.clbk`;
    case 'audit-export':
      return `careloop-audit-${utcStamp(atMs)}.clbk`;
    case 'audit-export-plain':
      return `careloop-audit-${utcStamp(atMs)}.csv`;
  }
}

/**
 * The host's side of backups and exports (issue 9): the renderer encrypts, the host writes.
 * Each file is written to a hidden ".partial" name and renamed into place only when the
 * renderer says it is complete, so a stopped or failed backup never looks like a good one.
 */
export class BackupService {
  private readonly store: BackupSettingsFile;
  private readonly files = new Map<string, OpenFile>();
  private readonly now: () => number;
  private readonly secrets: SecretStore;
  private migration: Promise<void> | undefined;

  constructor(private readonly options: BackupServiceOptions) {
    this.store = new BackupSettingsFile(options.dataDir);
    this.now = options.now ?? Date.now;
    this.secrets = options.secrets ?? new EncryptedFileSecretStore(options.dataDir);
  }

  /**
   * Moves a passphrase an earlier version kept in backup-settings.json into the secret store
   * (runs once, before the settings are first read). Without a keychain it stays in the
   * 0600 file where it already was, and is still used from there.
   */
  migrateSecrets(): Promise<void> {
    this.migration ??= (async () => {
      const s = await this.store.load();
      if (s.passphrase === null) return;
      try {
        await this.secrets.set(PASSPHRASE, s.passphrase);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'secret-store-unavailable') return;
        throw err;
      }
      s.passphrase = null;
      await this.store.save(s);
    })().catch((err: unknown) => {
      this.migration = undefined;
      throw err;
    });
    return this.migration;
  }

  private async load(): Promise<StoredBackupSettings> {
    await this.migrateSecrets();
    return this.store.load();
  }

  /** The schedule's passphrase: from the secret store, or a legacy file that could not be moved. */
  private async passphrase(s: StoredBackupSettings): Promise<string | null> {
    return (await this.secrets.get(PASSPHRASE)) ?? s.passphrase;
  }

  private wire(s: StoredBackupSettings, hasPassphrase: boolean): BackupSettingsWire {
    return {
      folder: s.folder,
      schedule: s.schedule,
      hasPassphrase,
      lastRun: s.lastRun,
      lastScheduledRun: s.lastScheduledRun,
      canChooseFolder: this.options.chooseFolder !== undefined,
    };
  }

  async settings(): Promise<BackupSettingsWire> {
    const s = await this.load();
    return this.wire(s, (await this.passphrase(s)) !== null);
  }

  async configure(change: { folder?: string | null | undefined; schedule?: BackupSchedule | undefined; passphrase?: string | null | undefined }): Promise<BackupSettingsWire> {
    const s = await this.load();
    if (change.folder !== undefined) s.folder = change.folder === null ? null : await checkBackupFolder(change.folder);
    if (change.schedule !== undefined) {
      try {
        s.schedule = checkSchedule(change.schedule);
      } catch (err) {
        throw new BackupSettingsError(err instanceof Error ? err.message : 'bad schedule');
      }
    }
    const hasPassphrase = change.passphrase !== undefined ? change.passphrase !== null : (await this.passphrase(s)) !== null;
    if (s.schedule.enabled && (s.folder === null || !hasPassphrase)) throw new BackupSettingsError('a daily backup needs a folder and a passphrase');
    // The secret first: without a keychain this refuses, and then nothing of the change is saved.
    if (change.passphrase === null) await this.secrets.delete(PASSPHRASE);
    else if (change.passphrase !== undefined) await this.secrets.set(PASSPHRASE, change.passphrase);
    if (change.passphrase !== undefined) s.passphrase = null;
    await this.store.save(s);
    return this.wire(s, hasPassphrase);
  }

  async chooseFolder(): Promise<{ folder: string | null }> {
    if (!this.options.chooseFolder) throw new BackupSettingsError('this host has no folder dialog: type the folder path');
    const folder = await this.options.chooseFolder();
    return { folder: folder === null ? null : await checkBackupFolder(folder) };
  }

  async checkFolder(folder: string): Promise<{ folder: string }> {
    return { folder: await checkBackupFolder(folder) };
  }

  async schedulePassphrase(): Promise<{ passphrase: string | null }> {
    return { passphrase: await this.passphrase(await this.load()) };
  }

  async begin(kind: BackupFileKind, folder?: string): Promise<{ handle: string; name: string }> {
    if (this.files.size >= MAX_OPEN) throw new BackupFileError('too many backups or exports are being written at once');
    const target = folder ?? (await this.load()).folder;
    if (target === null) throw new BackupSettingsError('choose a backup folder first');
    const dir = await checkBackupFolder(target);
    const name = fileNameFor(kind, this.now());
    const partial = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}.partial`);
    // 'wx': never overwrite anything; 0600: a backup is sensitive even encrypted.
    const handle = await open(partial, 'wx', 0o600);
    const id = randomBytes(16).toString('hex');
    this.files.set(id, { kind, folder: dir, name, partial, handle, bytes: 0 });
    return { handle: id, name };
  }

  private file(id: string): OpenFile {
    const f = this.files.get(id);
    if (!f) throw new BackupFileError('no such file is being written (finished, aborted or never begun)');
    return f;
  }

  async write(id: string, offset: number, base64: string): Promise<{ bytes: number }> {
    const f = this.file(id);
    if (offset !== f.bytes) throw new BackupFileError(`piece at byte ${offset} out of order; the file has ${f.bytes} bytes`);
    const bytes = Buffer.from(base64, 'base64');
    await f.handle.write(bytes, 0, bytes.length, offset);
    f.bytes += bytes.length;
    return { bytes: f.bytes };
  }

  async finish(id: string): Promise<{ path: string; bytes: number; pruned: string[] }> {
    const f = this.file(id);
    this.files.delete(id);
    const final = path.join(f.folder, f.name);
    try {
      await f.handle.sync();
      await f.handle.close();
      await rename(f.partial, final);
    } catch (err) {
      await rm(f.partial, { force: true });
      throw err;
    }
    let pruned: string[] = [];
    if (f.kind === 'scheduled-backup') {
      const { keep } = (await this.load()).schedule;
      pruned = filesToPrune(await readdir(f.folder), keep);
      for (const name of pruned) await rm(path.join(f.folder, name), { force: true });
    }
    return { path: final, bytes: f.bytes, pruned };
  }

  async abort(id: string): Promise<{ aborted: boolean }> {
    const f = this.files.get(id);
    if (!f) return { aborted: false };
    this.files.delete(id);
    await f.handle.close().catch(() => undefined);
    await rm(f.partial, { force: true });
    return { aborted: true };
  }

  async recordRun(run: BackupRunWire): Promise<{ ok: true }> {
    const s = await this.load();
    s.lastRun = run;
    if (run.scheduled) s.lastScheduledRun = run;
    await this.store.save(s);
    return { ok: true };
  }

  /** Closes and removes every unfinished file (the host is shutting down or the client left). */
  async abortAll(): Promise<void> {
    for (const id of [...this.files.keys()]) await this.abort(id);
  }
}
