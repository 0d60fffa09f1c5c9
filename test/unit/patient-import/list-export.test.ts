import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../../../common/security/permissions';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { recordListExport } from '../../../renderer/src/db/list-export';
import { setCurrentActor } from '../../../renderer/src/security/current-actor';

const ctx = { actor: 'Admin Ada', workstation: 'ws1' };

describe('CSV export of a list', () => {
  it('is audited as an export with the list, its row count and filter, and refused to roles without the export permission', async () => {
    const db = new CareLoopDb('list-export-1');
    await db.open();
    setCurrentActor(db, { kind: 'user', userId: 'u-ada', name: 'Admin Ada', role: 'administrator' });
    await recordListExport(db, ctx, { list: 'Patients', recordType: 'patient', rows: 12, filter: 'active, search “ng”' });
    await recordListExport(db, ctx, { list: 'Patient tasks', recordType: 'task', rows: 2, patientId: 'p-1' });
    const audit = await db.audit.orderBy('seq').toArray();
    expect(audit.map((a) => [a.action, a.entity, a.entityId, a.patientId])).toEqual([['export', 'list', 'Patients', undefined], ['export', 'list', 'Patient tasks', 'p-1']]);
    expect(audit[0]!.changes).toEqual({ format: { before: undefined, after: 'csv' }, rows: { before: undefined, after: 12 }, filter: { before: undefined, after: 'active, search “ng”' } });

    // Front desk may read patients but not export them (common/security/permissions.ts): nothing is recorded, the caller gets the refusal.
    setCurrentActor(db, { kind: 'user', userId: 'u-fd', name: 'Desk Dee', role: 'front-desk' });
    await expect(recordListExport(db, { ...ctx, actor: 'Desk Dee' }, { list: 'Patients', recordType: 'patient', rows: 3 })).rejects.toBeInstanceOf(PermissionDeniedError);
    setCurrentActor(db, { kind: 'system', reason: 'test' });
    expect(await db.audit.count()).toBe(2);
  });
});
