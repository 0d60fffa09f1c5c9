/**
 * Why a backup could not be read. Every failure of the reader is one of these, so callers
 * (the restore, `careloop audit verify`) can say in one line what went wrong.
 */
export type BackupErrorKind = 'wrong-passphrase' | 'truncated' | 'corrupted' | 'wrong-file' | 'newer-schema' | 'older-schema' | 'inconsistent';

export class BackupError extends Error {
  override readonly name: string = 'BackupError';
  constructor(
    readonly kind: BackupErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The passphrase does not open this backup (the key check in the header failed). */
export class BackupWrongPassphraseError extends BackupError {
  override readonly name = 'BackupWrongPassphraseError';
  constructor() {
    super('wrong-passphrase', 'the passphrase does not open this backup');
  }
}

/** The file ends before its end marker: a copy that was cut short. */
export class BackupTruncatedError extends BackupError {
  override readonly name = 'BackupTruncatedError';
  constructor(where: string) {
    super('truncated', `the backup is truncated (${where})`);
  }
}

/** Bytes were changed, chunks reordered, removed or swapped, or the content does not match the header. */
export class BackupCorruptedError extends BackupError {
  override readonly name = 'BackupCorruptedError';
  constructor(where: string) {
    super('corrupted', `the backup is corrupted (${where})`);
  }
}

/** Not a CareLoop backup at all, or a format version this build does not read. */
export class BackupWrongFileError extends BackupError {
  override readonly name = 'BackupWrongFileError';
  constructor(why: string) {
    super('wrong-file', `not a CareLoop backup this version can read (${why})`);
  }
}

/** Made by a newer CareLoop whose database schema this build does not know. */
export class BackupNewerSchemaError extends BackupError {
  override readonly name = 'BackupNewerSchemaError';
  constructor(
    readonly backupSchema: number,
    readonly supportedSchema: number,
  ) {
    super('newer-schema', `the backup has database schema ${backupSchema}, newer than this CareLoop's ${supportedSchema}; update CareLoop first`);
  }
}

/** Made by an older CareLoop; restoring it would need that version's migrations, which restore does not run yet. */
export class BackupOlderSchemaError extends BackupError {
  override readonly name = 'BackupOlderSchemaError';
  constructor(
    readonly backupSchema: number,
    readonly supportedSchema: number,
  ) {
    super('older-schema', `the backup has database schema ${backupSchema}, older than this CareLoop's ${supportedSchema}; restoring older schemas is not supported yet`);
  }
}

/** The rows written differ from the manifest announced in the header (the database changed during the backup). */
export class BackupInconsistentError extends BackupError {
  override readonly name = 'BackupInconsistentError';
  constructor(table: string) {
    super('inconsistent', `table ${table} changed while the backup was written; run the backup again`);
  }
}
