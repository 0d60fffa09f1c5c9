import type { Migration } from './index';

export const migration008: Migration = {
  version: 8,
  description: 'workflows (the care loop) as records, and the record of every run',
  stores: {
    workflows: 'id',
    // The runner finds a run by its key (idempotency) and the runs scheduled for later;
    // the workflows screen reads recent runs; the timeline reads a patient's.
    workflowRuns: 'id, runKey, [status+dueMs], [workflowId+createdMs], [patientId+createdMs], createdMs',
  },
};
