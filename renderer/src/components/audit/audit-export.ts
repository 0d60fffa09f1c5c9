import { auditCsv, sealAuditCsv } from '../../../../common/audit/csv-export';
import type { KdfParams } from '../../../../common/backup/format';
import type { CareLoopDb } from '../../db/database';
import { appendAudit, type WriteContext } from '../../db/journal';
import { writeToHost, type BackupHost, type WrittenFile } from '../backup/host-file';
import { auditEntriesFor, type AuditFilter } from './audit-query';

export interface AuditExportOptions {
  filter: AuditFilter;
  /** Encrypted unless the user explicitly chose a plain CSV. */
  format: { encrypted: true; passphrase: string } | { encrypted: false };
  workstationId: string;
  /** The configured backup folder when absent. */
  folder?: string;
  /** Argon2id cost; the backup default when absent (tests lower it). */
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
}

function exportSummary(filter: AuditFilter, encrypted: boolean, count: number): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => typeof v === 'string' && v.trim())
    .map(([k, v]) => `${k}=${String(v).trim()}`);
  return `${count} audit entries as ${encrypted ? 'encrypted' : 'PLAIN (unencrypted)'} CSV; filter: ${parts.length ? parts.join(', ') : 'none'}`;
}

/**
 * Exports the filtered audit entries to a file the host writes. The export is itself audited
 * ('audit.export', naming the format and the filter, and the patient when the filter names
 * one) before the file is written, so even a failed export leaves its trace.
 */
export async function exportAuditEntries(db: CareLoopDb, ctx: Pick<WriteContext, 'actor' | 'workstation'>, host: BackupHost, options: AuditExportOptions): Promise<WrittenFile & { entries: number }> {
  const entries = await auditEntriesFor(db, options.filter);
  const patientId = options.filter.patientId?.trim();
  await appendAudit(db, ctx, {
    action: 'audit.export',
    entity: 'audit',
    entityId: options.format.encrypted ? 'csv-encrypted' : 'csv-plain',
    ...(patientId ? { patientId } : {}),
    reason: exportSummary(options.filter, options.format.encrypted, entries.length),
  });
  const stream: AsyncIterable<Uint8Array> = options.format.encrypted
    ? sealAuditCsv(entries, { passphrase: options.format.passphrase, workstationId: options.workstationId, ...(options.kdf ? { kdf: options.kdf } : {}) })
    : (async function* () {
        yield new TextEncoder().encode(auditCsv(entries));
      })();
  const file = await writeToHost(host, options.format.encrypted ? 'audit-export' : 'audit-export-plain', stream, options.folder);
  return { ...file, entries: entries.length };
}
