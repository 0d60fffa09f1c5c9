import type { Migration } from './index';

export const migration003: Migration = {
  version: 3,
  description: 'schedule: staff, rooms, appointment types and appointments',
  stores: {
    staff: 'id, name',
    rooms: 'id, name',
    appointmentTypes: 'id, name',
    // Conflict checks read a clinician's, a room's and a patient's appointments around a time.
    appointments: 'id, startMs, [staffId+startMs], [roomId+startMs], [patientId+startMs]',
  },
};
