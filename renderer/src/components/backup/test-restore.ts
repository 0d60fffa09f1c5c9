import Dexie from 'dexie';
import { restoreDatabase, type RestoreProgress, type RestoreSummary } from '../../db/backup';
import { CareLoopDb } from '../../db/database';

/** A file the user picked (a File is a Blob) as the async byte stream the backup reader takes. */
export async function* blobBytes(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

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
    const summary = await restoreDatabase(blobBytes(file), target, { passphrase, ...(onProgress ? { onProgress } : {}) });
    return { summary, rows: summary.tables.reduce((n, t) => n + t.rows, 0) };
  } finally {
    target.close();
    await Dexie.delete(target.name);
  }
}
