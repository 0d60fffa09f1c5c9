import type { Migration } from './index';

export const migration001: Migration = {
  version: 1,
  description: 'patients, audit chain, sync outbox, workstation metadata',
  stores: {
    // [status+sortName] pages the patient list alphabetically; *searchTokens serves search.
    patients: 'id, &mrnKey, [status+sortName], birthDate, updatedAt, *searchTokens',
    audit: 'seq, id, at, actor, action, patientId, [entity+entityId]',
    outbox: '++seq, changeId, [table+rowId]',
    meta: 'key',
  },
};
