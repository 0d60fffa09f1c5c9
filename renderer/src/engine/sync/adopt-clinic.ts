import type { Table } from 'dexie';
import type { CareLoopDb } from '../../db/database';
import { appendAudit } from '../../db/journal';
import { loadWorkstation, type Workstation } from '../../db/workstation';
import { immutableChange, QUEUED_IMMUTABLE_TABLES } from '../../db/outbox-middleware';

const ADOPTED_KEY = 'sync:adoptedClinic';

type IdTable = Table<Record<string, unknown>, string>;

/**
 * On enrolment the workstation joins the server's clinic: every local row's clinicId is
 * rewritten to the server's clinic id, once, in one transaction, and audited. Immutable
 * rows stored before this workstation was enrolled are queued for the first push (the
 * server de-duplicates them by id if another path already sent them). Returns whether
 * anything was rewritten.
 */
export async function adoptClinic(db: CareLoopDb, clinicId: string): Promise<boolean> {
  const ws = await loadWorkstation(db);
  if (!ws) return false;
  const adopted = (await db.meta.get(ADOPTED_KEY))?.value;
  if (ws.clinicId === clinicId && adopted === clinicId) return false;
  const tables = db.tables.filter((t) => t.schema.primKey.keyPath === 'id' && t.name !== 'audit') as unknown as IdTable[];
  await db.transaction('rw', [...tables, db.outbox, db.audit, db.meta], async () => {
    let rewritten = 0;
    for (const table of tables) {
      rewritten += await table
        .filter((r) => r['clinicId'] !== undefined && r['clinicId'] !== clinicId)
        .modify((r) => {
          r['clinicId'] = clinicId;
        });
    }
    let queued = 0;
    const now = Date.now();
    for (const name of QUEUED_IMMUTABLE_TABLES) {
      const table = tables.find((t) => t.name === name);
      if (!table) continue;
      const pending = new Set((await db.outbox.where('[table+rowId]').between([name, ''], [name, '\uffff']).toArray()).map((e) => e.rowId));
      const rows = (await table.toArray()).filter((r) => !pending.has(String(r['id'])));
      if (rows.length) await db.outbox.bulkAdd(rows.map((r) => immutableChange(name, r, now)));
      queued += rows.length;
    }
    const next: Workstation = { ...ws, clinicId };
    await db.meta.put({ key: 'workstation', value: next });
    await db.meta.put({ key: ADOPTED_KEY, value: clinicId });
    await appendAudit(db, { actor: ws.staffName, workstation: ws.workstationId }, {
      action: 'sync.adopt-clinic',
      entity: 'workstation',
      entityId: ws.workstationId,
      changes: { clinicId: { before: ws.clinicId, after: clinicId }, rowsRewritten: { before: undefined, after: rewritten }, immutableRowsQueued: { before: undefined, after: queued } },
      reason: 'joined the cloud instance clinic on enrolment',
    });
  });
  return true;
}
