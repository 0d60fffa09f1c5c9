import Dexie from 'dexie';
import { restoreDatabase, type RestoreProgress, type RestoreSummary } from '../../db/backup';
import { blobChunks } from '../../db/blob-chunks';
import { CareLoopDb } from '../../db/database';


export interface TestRestoreResult {
  summary: RestoreSummary;
  rows: number;
}

/**
 * Restores a backup into a new, empty profile database, which restoreDatabase checks table by
 * table (counts and content hashes against the backup's header), then deletes that database
 * again: proof that the file restores, without touching the profile in use. Wrong
 * passphrase, truncated and corrupted files fail with the reader's typed errors.
 */
export async function testRestore(file: Blob, passphrase: string, onProgress?: (p: RestoreProgress) => void): Promise<TestRestoreResult> {
  const target = new CareLoopDb(`careloop-restore-check-${Date.now()}`);
  try {
    const summary = await restoreDatabase(blobChunks(file), target, { passphrase, ...(onProgress ? { onProgress } : {}) });
    return { summary, rows: summary.tables.reduce((n, t) => n + t.rows, 0) };
  } finally {
    target.close();
    await Dexie.delete(target.name);
  }
}
