import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** Why a folder cannot take backups; the message says what to fix. */
export class BackupFolderError extends Error {
  override readonly name = 'BackupFolderError';
  readonly code = 'backup-folder';
}

/**
 * The folder a backup or export is written to, checked by the host: in browser mode the
 * path is typed in Settings, so it must be absolute (a relative path would depend on where
 * the host was started), exist, be a folder, and be writable by this account.
 */
export async function checkBackupFolder(folder: string): Promise<string> {
  const trimmed = folder.trim();
  if (!path.isAbsolute(trimmed)) throw new BackupFolderError('give the full path of the folder (for example /home/clinic/Backups or D:\\Backups)');
  const resolved = path.resolve(trimmed);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    throw new BackupFolderError(`the folder ${resolved} does not exist`);
  }
  if (!info.isDirectory()) throw new BackupFolderError(`${resolved} is a file, not a folder`);
  try {
    await access(resolved, constants.W_OK);
  } catch {
    throw new BackupFolderError(`CareLoop may not write to ${resolved}`);
  }
  return resolved;
}
