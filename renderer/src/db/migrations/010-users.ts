import type { Migration } from './index';

export const migration010: Migration = {
  version: 10,
  description: 'workstation users (sign-in, PIN, lock-out), clinic security settings and break-glass events',
  stores: {
    // Sign-in finds a user by folded email or folded name; both are local index fields.
    users: 'id, emailKey, nameKey',
    // One row per clinic (a fixed id), so two desks that set it offline converge on one record.
    securitySettings: 'id',
    // The review list reads recent events, newest first; a profile looks up its own.
    breakGlass: 'id, atMs, patientId',
  },
};
