import type { Migration } from './index';

export const migration006: Migration = {
  version: 6,
  description: 'CRM: tasks, remote-monitoring time log, care programs and enrolments, clinical notes',
  stores: {
    // Worklists read one assignee's or every open task; the profile reads a patient's.
    tasks: 'id, [assigneeStaffId+status], [status+dueMs], [patientId+dueMs]',
    // Billing sums a patient's minutes by service date (YYYY-MM-DD, the clinic's calendar).
    timeLog: 'id, [patientId+date], date',
    carePrograms: 'id, key, name',
    // The RPM worklist reads every active enrolment; the profile reads a patient's.
    enrolments: 'id, [patientId+startMs], [status+programId], status',
    // Append-only; amendments are new rows naming the note they amend.
    clinicalNotes: 'id, [patientId+createdMs], amendsNoteId',
  },
};
