import { BackupError } from '../../../../common/backup/errors';
import { RestoreTargetNotEmptyError, RestoreVerificationError } from '../../db/backup';

/** What staff read when a backup or a restore fails: what happened and what to do. */
export function backupFailureText(err: unknown): string {
  if (err instanceof BackupError) {
    switch (err.kind) {
      case 'wrong-passphrase':
        return 'Wrong passphrase: this backup was made with another one. Nothing was restored.';
      case 'truncated':
        return `This backup file is incomplete (${err.message}); it was probably cut short while copying. Nothing was restored.`;
      case 'corrupted':
        return `This backup file is damaged (${err.message}). Nothing was restored; use another copy.`;
      case 'wrong-file':
        return `This is not a CareLoop backup (${err.message}).`;
      case 'inconsistent':
        return 'The data changed while the backup was being written. Run the backup again.';
      default:
        return err.message;
    }
  }
  if (err instanceof RestoreTargetNotEmptyError) return 'A restore needs an empty profile; this one already has data.';
  if (err instanceof RestoreVerificationError) return `The restored data does not match the backup (${err.message}); nothing was kept.`;
  return err instanceof Error ? err.message : String(err);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
