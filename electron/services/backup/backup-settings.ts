import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BackupRunWire, BackupScheduleWire } from '../../../common/contract/main-api';

/** What the backup service keeps on this workstation between runs. */
export const StoredBackupSettings = z.object({
  folder: z.string().nullable(),
  schedule: BackupScheduleWire,
  /**
   * Only in files written by earlier versions (or kept where no keychain is available): the
   * daily backup's passphrase now lives in the SecretStore (BackupService.migrateSecrets
   * moves it there and writes null here; docs/SECURITY.md, "Secrets at rest").
   */
  passphrase: z.string().nullable(),
  lastRun: BackupRunWire.nullable(),
  lastScheduledRun: BackupRunWire.nullable(),
});
export type StoredBackupSettings = z.infer<typeof StoredBackupSettings>;

export const DEFAULT_BACKUP_SETTINGS: StoredBackupSettings = {
  folder: null,
  schedule: { enabled: false, timeOfDay: '19:00', keep: 7 },
  passphrase: null,
  lastRun: null,
  lastScheduledRun: null,
};

/** A JSON file written to a temporary name and renamed, so a crash never leaves half of it. */
export class BackupSettingsFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'backup-settings.json');
  }

  async load(): Promise<StoredBackupSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_BACKUP_SETTINGS);
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const checked = StoredBackupSettings.safeParse(parsed);
    // A damaged file starts the settings over (the schedule off) rather than half-trusting it.
    return checked.success ? checked.data : structuredClone(DEFAULT_BACKUP_SETTINGS);
  }

  async save(settings: StoredBackupSettings): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(settings), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }
}
