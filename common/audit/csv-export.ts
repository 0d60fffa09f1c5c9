import type { KdfParams } from '../backup/format';
import { openBackup } from '../backup/reader';
import { manifestOf, writeBackup } from '../backup/writer';
import { canonicalJson, type AuditEntry } from './chain';

/**
 * The audit screen's export (issue #9): the filtered entries as CSV (RFC 4180), sealed by
 * default in the same AES-256-GCM + Argon2id envelope as backups (common/backup/format.ts);
 * a plain CSV only when the user explicitly asks for one. The envelope holds one table,
 * EXPORT_TABLE, whose rows are the CSV's lines, so `openAuditCsvExport` (or any backup
 * reader) gets the CSV back and the envelope's manifest proves it whole.
 */
export const EXPORT_TABLE = 'audit-export.csv';
/** The envelope's schema version: the export's own format, not the database's. */
export const EXPORT_FORMAT_VERSION = 1;

export const CSV_COLUMNS = ['seq', 'at', 'actor', 'workstation', 'action', 'entity', 'entityId', 'patientId', 'reason', 'changes', 'prevHash', 'hash'] as const;

export class AuditExportError extends Error {
  override readonly name = 'AuditExportError';
}

/**
 * One CSV field. Quoted when it holds a comma, quote or line break (RFC 4180 §2). A field
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first: OWASP "CSV injection")
 * is prefixed with a single quote and quoted, so opening the export never executes it.
 */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) || guarded !== value ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export function csvLine(entry: AuditEntry): string {
  const cells: string[] = [
    String(entry.seq),
    entry.at,
    entry.actor,
    entry.workstation,
    entry.action,
    entry.entity,
    entry.entityId,
    entry.patientId ?? '',
    entry.reason ?? '',
    entry.changes ? canonicalJson(entry.changes) : '',
    entry.prevHash,
    entry.hash,
  ];
  return cells.map(csvField).join(',');
}

/** Lines end with CRLF as RFC 4180 asks. */
export const CSV_HEADER = CSV_COLUMNS.join(',');

export function auditCsv(entries: Iterable<AuditEntry>): string {
  let out = `${CSV_HEADER}\r\n`;
  for (const e of entries) out += `${csvLine(e)}\r\n`;
  return out;
}

export interface SealCsvOptions {
  passphrase: string;
  workstationId: string;
  createdAt?: Date;
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
}

/** The CSV's lines (header first, without line ends) as an encrypted file, streamed. */
export async function* sealAuditCsv(entries: readonly AuditEntry[], options: SealCsvOptions): AsyncGenerator<Uint8Array> {
  if (options.passphrase.length < 1) throw new AuditExportError('an encrypted export needs a passphrase');
  const lines = [CSV_HEADER, ...entries.map(csvLine)];
  const pages = async function* (): AsyncGenerator<readonly unknown[]> {
    for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000);
  };
  const manifest = await manifestOf(pages());
  yield* writeBackup({
    passphrase: options.passphrase,
    schemaVersion: EXPORT_FORMAT_VERSION,
    workstationId: options.workstationId,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    ...(options.kdf ? { kdf: options.kdf } : {}),
    tables: [{ name: EXPORT_TABLE, ...manifest, pages }],
  });
}

/** The CSV text of an encrypted export; BackupError subclasses for a wrong passphrase or a damaged file. */
export async function openAuditCsvExport(source: AsyncIterable<Uint8Array>, passphrase: string): Promise<string> {
  const backup = await openBackup(source, passphrase);
  if (backup.header.tables.length !== 1 || backup.header.tables[0]!.name !== EXPORT_TABLE) throw new AuditExportError('this file is not an audit export');
  let out = '';
  for await (const batch of backup.batches()) for (const line of batch.rows) out += `${String(line)}\r\n`;
  return out;
}
