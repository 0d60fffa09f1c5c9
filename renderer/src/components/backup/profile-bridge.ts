import { fromBase64, toBase64 } from '../../../../common/backup/base64';
import { BackupError } from '../../../../common/backup/errors';
import { exportDatabase, restoreDatabase, RestoreTargetNotEmptyError, RestoreVerificationError } from '../../db/backup';
import { CareLoopDb } from '../../db/database';

/**
 * `careloop backup` / `careloop restore` for a browser-mode profile: the CLI opens the
 * profile in a headless Chromium on the app's own origin (so IndexedDB is the app's), loads
 * this bundle into the page, and calls it. The same renderer code as the Backups card does
 * the work; bytes cross to the CLI through two functions the CLI exposes to the page.
 */
export type ProfileOutcome =
  | { ok: true; tables: number; rows: number }
  | { ok: false; kind: string; message: string };

export interface ProfileBridge {
  backup(passphrase: string): Promise<ProfileOutcome>;
  restore(passphrase: string): Promise<ProfileOutcome>;
}

declare global {
  interface Window {
    careloopProfile?: ProfileBridge;
    /** Exposed by the CLI: takes the next piece of the backup file (base64). */
    careloopCliWrite?: (base64: string) => Promise<void>;
    /** Exposed by the CLI: the next piece of the file to restore (base64), or null at its end. */
    careloopCliRead?: () => Promise<string | null>;
  }
}

function failure(err: unknown): ProfileOutcome {
  if (err instanceof BackupError) return { ok: false, kind: err.kind, message: err.message };
  if (err instanceof RestoreTargetNotEmptyError) return { ok: false, kind: 'not-empty', message: err.message };
  if (err instanceof RestoreVerificationError) return { ok: false, kind: 'verification', message: err.message };
  return { ok: false, kind: 'failed', message: err instanceof Error ? `${err.name}: ${err.message}` : 'failed' };
}

async function* fromCli(): AsyncGenerator<Uint8Array> {
  for (;;) {
    const piece = await window.careloopCliRead!();
    if (piece === null) return;
    yield fromBase64(piece);
  }
}

window.careloopProfile = {
  async backup(passphrase) {
    const db = new CareLoopDb();
    try {
      await db.open();
      let rows = 0;
      const onProgress = (p: { totalRows: number }) => (rows = p.totalRows);
      for await (const chunk of exportDatabase(db, { passphrase, onProgress })) await window.careloopCliWrite!(toBase64(chunk));
      return { ok: true, tables: db.tables.length, rows };
    } catch (err) {
      return failure(err);
    } finally {
      db.close();
    }
  },
  async restore(passphrase) {
    const target = new CareLoopDb();
    try {
      const summary = await restoreDatabase(fromCli(), target, { passphrase });
      return { ok: true, tables: summary.tables.length, rows: summary.tables.reduce((n, t) => n + t.rows, 0) };
    } catch (err) {
      return failure(err);
    } finally {
      target.close();
    }
  },
};
