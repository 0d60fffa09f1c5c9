import type { RecordType } from '../../../common/security/permissions';
import { requirePermission } from '../security/current-actor';
import type { CareLoopDb } from './database';
import { appendAudit, type WriteContext } from './journal';

export interface ListExport {
  /** The list as staff name it ('Patients', 'Alerts'). */
  list: string;
  /** Whose export permission the list needs (common/security/permissions.ts). */
  recordType: RecordType;
  rows: number;
  /** The filter the list had, in words ('active, search “ng”'). */
  filter?: string;
  /** The patient whose list it is (a profile's tasks), for the accounting of who saw what. */
  patientId?: string;
}

/**
 * Records that a list left the app as a file: checks the export permission for the current
 * actor and audits it as 'export' (which list, how many rows, with which filter) before the
 * file is handed over, so an export that is refused or not recorded never happens.
 */
export async function recordListExport(db: CareLoopDb, ctx: Pick<WriteContext, 'actor' | 'workstation'>, e: ListExport): Promise<void> {
  requirePermission(db, 'export', e.recordType);
  await appendAudit(db, ctx, {
    action: 'export',
    entity: 'list',
    entityId: e.list,
    ...(e.patientId ? { patientId: e.patientId } : {}),
    changes: {
      format: { before: undefined, after: 'csv' },
      rows: { before: undefined, after: e.rows },
      ...(e.filter ? { filter: { before: undefined, after: e.filter } } : {}),
    },
  });
}
