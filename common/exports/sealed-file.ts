import type { KdfParams } from '../backup/format';
import { fromBase64, toBase64 } from '../backup/base64';
import { openBackup } from '../backup/reader';
import { manifestOf, writeBackup } from '../backup/writer';

/**
 * Any export that leaves the machine (issue 9: "Exports and shares are encrypted the same way
 * unless the user explicitly chooses a plain format"): its text, as rows of one table, sealed
 * in the backup envelope (common/backup/format.ts: AES-256-GCM chunks under an Argon2id key),
 * so any backup reader, `careloop open-export` and the envelope's manifest (row count and
 * content hash) open and prove it whole. The table's name is the export's file name; a name
 * ending in .csv holds one CSV line per row (RFC 4180 line ends are added back on opening), a
 * name ending in .zip holds the bytes of a zip as consecutive base64 pieces, any other name
 * holds consecutive pieces of the text.
 *
 * A plain file is only produced for a caller that says so explicitly ({ kind: 'plain',
 * confirmedPlain: true }): the type asks for it and the check below refuses anything else,
 * so an untyped caller cannot fall into plain text by leaving a passphrase out.
 */
export const SEALED_EXPORT_FORMAT_VERSION = 1;

export type SealedExportErrorKind = 'no-passphrase' | 'plain-not-confirmed' | 'bad-name' | 'not-an-export';

export class SealedExportError extends Error {
  override readonly name = 'SealedExportError';
  constructor(
    readonly kind: SealedExportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type ExportProtection = { kind: 'encrypted'; passphrase: string } | { kind: 'plain'; confirmedPlain: true };

export interface SealOptions {
  /** The export's file name inside the envelope, e.g. 'fhir-bundle.json' or 'audit-export.csv'. */
  name: string;
  passphrase: string;
  workstationId: string;
  createdAt?: Date;
  /** Argon2id cost; the backup default when absent. Tests lower it. */
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
}

/** Rows per page handed to the writer: a page is hashed and sealed as one unit. */
const PAGE_ROWS = 1000;

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/.test(name)) throw new SealedExportError('bad-name', 'an export is named with letters, digits, dots, dashes or underscores (at most 120)');
}

function isCsv(name: string): boolean {
  return name.toLowerCase().endsWith('.csv');
}

/** Exports whose rows are pieces of bytes (a zip of files), not text. */
export function isBinaryExport(name: string): boolean {
  return name.toLowerCase().endsWith('.zip');
}

/** Bytes per row of a binary export: 64 KiB of base64 text. */
const BYTES_PER_ROW = 48 * 1024;

function bytesAsRows(parts: readonly Uint8Array[]): string[] {
  const rows: string[] = [];
  for (const part of parts) for (let i = 0; i < part.length; i += BYTES_PER_ROW) rows.push(toBase64(part.subarray(i, i + BYTES_PER_ROW)));
  return rows;
}

/** The export's text as sealed bytes, streamed. */
export async function* sealExport(rows: readonly string[], options: SealOptions): AsyncGenerator<Uint8Array> {
  checkName(options.name);
  if (options.passphrase.length < 1) throw new SealedExportError('no-passphrase', 'an encrypted export needs a passphrase');
  const pages = async function* (): AsyncGenerator<readonly unknown[]> {
    for (let i = 0; i < rows.length; i += PAGE_ROWS) yield rows.slice(i, i + PAGE_ROWS);
  };
  const manifest = await manifestOf(pages());
  yield* writeBackup({
    passphrase: options.passphrase,
    schemaVersion: SEALED_EXPORT_FORMAT_VERSION,
    workstationId: options.workstationId,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    ...(options.kdf ? { kdf: options.kdf } : {}),
    tables: [{ name: options.name, ...manifest, pages }],
  });
}

/** The plain text an export's rows stand for (see the file comment for the two layouts). */
export function exportText(name: string, rows: readonly string[]): string {
  return isCsv(name) ? rows.map((r) => `${r}\r\n`).join('') : rows.join('');
}

/**
 * Refuses a protection that is neither a passphrase nor an explicit plain choice. Checked at
 * run time too: a value cast or built outside TypeScript must not slip into plain text.
 */
export function checkProtection(protection: ExportProtection): void {
  const p = protection as { kind?: unknown; passphrase?: unknown; confirmedPlain?: unknown };
  if (p.kind === 'encrypted') {
    if (typeof p.passphrase !== 'string' || p.passphrase.length < 1) throw new SealedExportError('no-passphrase', 'an encrypted export needs a passphrase');
    return;
  }
  if (p.kind !== 'plain' || p.confirmedPlain !== true) throw new SealedExportError('plain-not-confirmed', 'a plain (unencrypted) export must be chosen explicitly');
}

/**
 * A binary export's file bytes (a .zip) under the chosen protection: sealed, or — only when
 * confirmed — the bytes as they are.
 */
export async function* exportBinaryFileBytes(parts: readonly Uint8Array[], protection: ExportProtection, options: Omit<SealOptions, 'passphrase'>): AsyncGenerator<Uint8Array> {
  checkProtection(protection);
  checkName(options.name);
  if (!isBinaryExport(options.name)) throw new SealedExportError('bad-name', 'a binary export is named ….zip');
  if (protection.kind === 'encrypted') {
    yield* sealExport(bytesAsRows(parts), { ...options, passphrase: protection.passphrase });
    return;
  }
  yield* parts;
}

/** The export's file bytes under the chosen protection: sealed, or — only when confirmed — the text as UTF-8. */
export async function* exportFileBytes(rows: readonly string[], protection: ExportProtection, options: Omit<SealOptions, 'passphrase'>): AsyncGenerator<Uint8Array> {
  checkProtection(protection);
  checkName(options.name);
  if (protection.kind === 'encrypted') {
    yield* sealExport(rows, { ...options, passphrase: protection.passphrase });
    return;
  }
  yield new TextEncoder().encode(exportText(options.name, rows));
}

export interface OpenedExport {
  /** The export's file name as sealed. */
  name: string;
  createdAt: string;
  workstationId: string;
  rows: string[];
  /** The export's text (CSV line ends restored); empty for a binary export. */
  text: string;
  /** A binary export's bytes (a .zip); absent for text. */
  bytes?: Uint8Array;
}

/**
 * Opens a sealed export with its passphrase. A wrong passphrase, a truncated or damaged file
 * throw the backup reader's typed errors (BackupWrongPassphraseError, BackupTruncatedError,
 * BackupCorruptedError, …); a backup or anything else that is not one export throws
 * SealedExportError('not-an-export').
 */
export async function openSealedExport(source: AsyncIterable<Uint8Array>, passphrase: string, expectedName?: string): Promise<OpenedExport> {
  const backup = await openBackup(source, passphrase);
  const tables = backup.header.tables;
  if (tables.length !== 1 || backup.header.schemaVersion !== SEALED_EXPORT_FORMAT_VERSION) throw new SealedExportError('not-an-export', 'this file is a CareLoop backup, not an export');
  const name = tables[0]!.name;
  if (expectedName !== undefined && name !== expectedName) throw new SealedExportError('not-an-export', `this file holds ${name}, not ${expectedName}`);
  const rows: string[] = [];
  for await (const batch of backup.batches()) {
    for (const row of batch.rows) {
      if (typeof row !== 'string') throw new SealedExportError('not-an-export', 'this file is not a CareLoop export (rows are not text)');
      rows.push(row);
    }
  }
  const at = { name, createdAt: backup.header.createdAt, workstationId: backup.header.workstationId, rows };
  if (!isBinaryExport(name)) return { ...at, text: exportText(name, rows) };
  let pieces: Uint8Array[];
  try {
    pieces = rows.map(fromBase64);
  } catch {
    throw new SealedExportError('not-an-export', `this file's ${name} is not stored as bytes`);
  }
  const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of pieces) {
    bytes.set(p, offset);
    offset += p.length;
  }
  return { ...at, text: '', bytes };
}
