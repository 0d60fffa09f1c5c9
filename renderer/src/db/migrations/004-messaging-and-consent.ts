import type { Migration } from './index';

export const migration004: Migration = {
  version: 4,
  description: 'consent decisions, messages and message templates',
  stores: {
    // Append-only consent decisions; the latest per patient and purpose is in force.
    consents: 'id, [patientId+purpose], patientId',
    messages: 'id, [patientId+createdMs], createdMs, [status+channel]',
    messageTemplates: 'id, name',
  },
};
