import type { AuditEntry } from '../audit/chain';
import type { OpenedBackup } from './reader';

/** The table the workstation's hash-chained audit log lives in (renderer/src/db/migrations/001-initial.ts). */
export const AUDIT_TABLE = 'audit';

export class NotAnAuditEntryError extends Error {
  override readonly name = 'NotAnAuditEntryError';
  constructor(readonly position: number) {
    super(`audit row ${position} is not an audit entry (no seq, id, prevHash or hash)`);
  }
}

function isAuditEntry(row: unknown): row is AuditEntry {
  if (typeof row !== 'object' || row === null) return false;
  const r = row as Record<string, unknown>;
  return typeof r['seq'] === 'number' && typeof r['id'] === 'string' && typeof r['prevHash'] === 'string' && typeof r['hash'] === 'string';
}

/**
 * The audit entries of a backup in file order (the order the chain must be checked in: a
 * reordering is exactly what the chain has to reveal). Reads the whole backup, so its
 * integrity checks (end marker, counts, content hashes) have passed when this returns.
 */
export async function readAuditEntries(backup: OpenedBackup): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const batch of backup.batches()) {
    if (batch.table !== AUDIT_TABLE) continue;
    for (const row of batch.rows) {
      if (!isAuditEntry(row)) throw new NotAnAuditEntryError(entries.length + 1);
      entries.push(row);
    }
  }
  return entries;
}
