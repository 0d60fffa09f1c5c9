import { z } from 'zod';
import type { Contract } from '../../../common/contract/rpc';

/** The typed channel between the UI thread and the engine worker. */
export const engineApi = {
  methods: {
    'engine.status': {
      params: z.object({}).strict(),
      result: z.object({
        startedAt: z.string(),
        schemaVersion: z.number(),
        patients: z.number(),
        pendingChanges: z.number(),
        auditEntries: z.number(),
        /** Whether the engine's own channel to the main process answers (device downloads need it). */
        hostReachable: z.boolean(),
      }),
    },
    'demo.load': {
      params: z
        .object({
          count: z.number().int().min(1).max(10_000),
          seed: z.number().int().optional(),
          /** Days of home-device readings for monitored patients. */
          historyDays: z.number().int().min(0).max(366).default(90),
          /** How many patients also wear a watch that records minute heart rate for the whole history. */
          wearables: z.number().int().min(0).max(200).default(5),
        })
        .strict(),
      result: z.object({ created: z.number(), appointments: z.number(), readings: z.number(), wearableSamples: z.number() }),
    },
    /** Downloads a paired device: the main process runs the session, the engine stores what arrives. */
    'device.download': {
      params: z.object({ deviceId: z.string().min(1), setClockIfSkewed: z.boolean().default(false), timeZone: z.string().min(1).max(64) }).strict(),
      result: z.object({
        id: z.string(),
        outcome: z.enum(['completed', 'failed', 'refused']),
        newReadings: z.number(),
        duplicates: z.number(),
        clockOffsetMs: z.number().nullable(),
        clockSkewed: z.boolean(),
        warnings: z.array(z.string()),
        highWater: z.number().nullable(),
        captureBytes: z.number(),
        error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
      }),
    },
  },
  events: {
    'device.progress': z.object({ deviceId: z.string(), step: z.string(), done: z.number().optional(), total: z.number().optional() }),
    'demo.progress': z.object({ phase: z.enum(['patients', 'appointments', 'readings', 'wearables']), done: z.number(), total: z.number() }),
  },
} satisfies Contract;

export type EngineApi = typeof engineApi;
