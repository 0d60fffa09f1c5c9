import type { Migration } from './index';

export const migration007: Migration = {
  version: 7,
  description: 'alert rules as records, alerts with their lifecycle, the rule engine state per patient',
  stores: {
    rules: 'id',
    // The inbox reads open alerts by status and priority; the profile reads a patient's alerts in time order.
    alerts: 'id, &alertKey, status, [patientId+openedAtMs], openedAtMs',
    // The engine's per-patient evaluation state (windows, persistence counters), local to this workstation.
    ruleStates: 'patientId',
  },
};
