import type { BackupProgress } from '../../../../common/backup/writer';
import type { KdfParams } from '../../../../common/backup/format';
import { exportDatabase } from '../../db/backup';
import type { CareLoopDb } from '../../db/database';
import { writeToHost, type BackupHost, type WrittenFile } from './host-file';

export interface RunBackupOptions {
  passphrase: string;
  scheduled: boolean;
  /** Where to write; the configured backup folder when absent. */
  folder?: string;
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
  onProgress?: (p: BackupProgress) => void;
  now?: () => number;
}

/** A failure in words staff can act on; never patient data (errors here name tables and files only). */
function reason(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 400) : 'the backup failed';
}

/**
 * One whole-database backup: exportDatabase (encrypted in this context) streamed to the host,
 * which writes the file; the outcome is recorded with the host either way, for "last backup"
 * in Settings and for the schedule.
 */
export async function runBackup(db: CareLoopDb, host: BackupHost, options: RunBackupOptions): Promise<WrittenFile> {
  const atMs = (options.now ?? Date.now)();
  try {
    const stream = exportDatabase(db, { passphrase: options.passphrase, ...(options.kdf ? { kdf: options.kdf } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    const file = await writeToHost(host, options.scheduled ? 'scheduled-backup' : 'backup', stream, options.folder);
    await host.call('backup.recordRun', { atMs, ok: true, scheduled: options.scheduled, message: `written to ${file.path}`, file: file.path, bytes: file.bytes });
    return file;
  } catch (err) {
    await host.call('backup.recordRun', { atMs, ok: false, scheduled: options.scheduled, message: reason(err) }).catch(() => undefined);
    throw err;
  }
}
