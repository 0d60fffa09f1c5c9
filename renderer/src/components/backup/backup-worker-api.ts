import { z } from 'zod';
import type { Contract } from '../../../../common/contract/rpc';

/**
 * The channel between the UI thread and the backup worker: whole-database backups (the
 * encryption and the database reads stay off the UI thread) and the daily schedule, which
 * the worker runs on its own while CareLoop is open.
 */
export const backupWorkerApi = {
  methods: {
    'backup.now': {
      params: z.object({ passphrase: z.string().min(1).max(1000), folder: z.string().min(1).max(1000).optional() }).strict(),
      result: z.object({ path: z.string(), bytes: z.number(), pruned: z.array(z.string()) }),
    },
    /** Checks the schedule now (the worker also checks every minute); says what it did. */
    'schedule.check': {
      params: z.object({}).strict(),
      result: z.object({ outcome: z.enum(['disabled', 'not-due', 'no-passphrase', 'ran', 'failed', 'busy']) }),
    },
  },
  events: {
    'backup.progress': z.object({ scheduled: z.boolean(), rowsDone: z.number(), totalRows: z.number(), bytes: z.number() }),
    'backup.ended': z.object({ scheduled: z.boolean(), ok: z.boolean() }),
  },
} satisfies Contract;

export type BackupWorkerApi = typeof backupWorkerApi;
