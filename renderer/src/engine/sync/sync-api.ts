import { z } from 'zod';
import { CloudConflict, CloudEnrolParams } from '../../../../common/contract/cloud-api';

export const SyncStatusSchema = z.object({
  state: z.enum(['not-connected', 'idle', 'syncing', 'offline', 'error']),
  serverUrl: z.string().nullable(),
  workstationName: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
  pendingChanges: z.number(),
  rejectedChanges: z.number(),
  progress: z.object({ phase: z.enum(['push', 'pull']), done: z.number(), total: z.number().nullable() }).nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

/** The engine's sync methods (the sync loop itself runs in the engine worker). */
export const syncMethods = {
  'sync.status': { params: z.object({}).strict(), result: SyncStatusSchema },
  /** Enrols the workstation with the cloud instance, joins its clinic and runs the first sync. */
  'sync.connect': { params: CloudEnrolParams, result: SyncStatusSchema },
  'sync.now': { params: z.object({}).strict(), result: SyncStatusSchema },
  'sync.forget': { params: z.object({}).strict(), result: SyncStatusSchema },
  /** Overwritten values for an administrator (their server password is sent once, never stored). */
  'sync.conflicts': {
    params: z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(500), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    result: z.object({ conflicts: z.array(CloudConflict) }),
  },
};

export const syncEvents = {
  /** Sent whenever the sync status changes (state, pending count, progress of a large sync). */
  'sync.status': SyncStatusSchema,
};
