import type { KdfParams } from '../backup/format';
import { openSealedExport, SEALED_EXPORT_FORMAT_VERSION, sealExport, SealedExportError } from '../exports/sealed-file';
import { csvField } from '../csv/write';
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
export const EXPORT_FORMAT_VERSION = SEALED_EXPORT_FORMAT_VERSION;

export const CSV_COLUMNS = ['seq', 'at', 'actor', 'workstation', 'action', 'entity', 'entityId', 'patientId', 'reason', 'changes', 'prevHash', 'hash'] as const;

export class AuditExportError extends Error {
  override readonly name = 'AuditExportError';
}

/** One CSV field, by CareLoop's one CSV writer (quoting and the formula guard: common/csv/write.ts). */
export { csvField };

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

/** The CSV's lines (header first, without line ends) as an encrypted file, streamed (common/exports/sealed-file.ts). */
export async function* sealAuditCsv(entries: readonly AuditEntry[], options: SealCsvOptions): AsyncGenerator<Uint8Array> {
  if (options.passphrase.length < 1) throw new AuditExportError('an encrypted export needs a passphrase');
  yield* sealExport([CSV_HEADER, ...entries.map(csvLine)], { name: EXPORT_TABLE, ...options });
}

/** The CSV text of an encrypted export; BackupError subclasses for a wrong passphrase or a damaged file. */
export async function openAuditCsvExport(source: AsyncIterable<Uint8Array>, passphrase: string): Promise<string> {
  try {
    return (await openSealedExport(source, passphrase, EXPORT_TABLE)).text;
  } catch (err) {
    if (err instanceof SealedExportError) throw new AuditExportError('this file is not an audit export');
    throw err;
  }
}
