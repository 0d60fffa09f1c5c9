import type { Migration } from './index';

export const migration005: Migration = {
  version: 5,
  description: 'devices paired to patients and their download sessions',
  stores: {
    devices: 'id, patientId, [family+serial]',
    // Immutable session records with the compressed raw capture.
    deviceSessions: 'id, [deviceId+startedMs], [patientId+startedMs], startedMs',
  },
};
