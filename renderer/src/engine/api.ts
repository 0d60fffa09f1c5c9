import { z } from 'zod';
import type { Contract } from '../../../common/contract/rpc';
import { dashboardMethods } from './insights/dashboard-api';
import { syncEvents, syncMethods } from './sync/sync-api';

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
    /** A staff member acknowledges, resolves, snoozes or escalates an alert. */
    'alert.act': {
      params: z
        .object({
          alertId: z.string().min(1),
          action: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('acknowledge') }),
            z.object({ kind: z.literal('resolve'), note: z.string().max(500).optional() }),
            z.object({ kind: z.literal('snooze'), untilMs: z.number(), reason: z.string().trim().min(1, 'give a reason to snooze').max(300) }),
            z.object({ kind: z.literal('escalate') }),
          ]),
        })
        .strict(),
      result: z.object({ id: z.string(), status: z.string() }),
    },
    /** Saves a staff-edited alert rule (validated by parseRule, version bumped, audited); the engine uses it from the next reading. */
    'rules.save': {
      params: z.object({ rule: z.record(z.string(), z.unknown()) }).strict(),
      result: z.object({ rowId: z.string(), ruleId: z.string(), version: z.number(), created: z.boolean() }),
    },
    /** Streams a connected device live into the patient's record until stopped or `seconds` pass. */
    'live.start': {
      params: z.object({ deviceId: z.string().min(1), seconds: z.number().int().min(1).max(3600).default(600), speed: z.number().int().min(1).max(60).default(1) }).strict(),
      result: z.object({ samples: z.number() }),
    },
    'live.stop': { params: z.object({ deviceId: z.string().min(1) }).strict(), result: z.object({ stopped: z.boolean() }) },
    /** Devices streaming now (a stream goes on while staff use other screens). */
    'live.running': { params: z.object({}).strict(), result: z.array(z.string()) },
    /** Runs the timed part of the rules now (missing data, persistence, snoozes, escalations); also runs on a timer. */
    'alerts.tick': { params: z.object({}).strict(), result: z.object({ ok: z.literal(true) }) },
    ...syncMethods,
    ...dashboardMethods,
  },
  events: {
    ...syncEvents,
    /** A workflow notified the care team (shown as a notification, without the patient's name). */
    'workflow.notified': z.object({ patientId: z.string(), workflowName: z.string(), recipients: z.array(z.string()) }),
    'live.signal': z.object({ deviceId: z.string(), rmssdMs: z.number().optional(), sdnnMs: z.number().optional(), pnn50: z.number().optional(), sqi: z.number().optional(), noisy: z.boolean().optional() }),
    'live.ecg': z.object({ deviceId: z.string(), startMs: z.number(), fs: z.number(), samplesUv: z.array(z.number()) }),
    'live.ended': z.object({ deviceId: z.string(), samples: z.number(), error: z.string().optional() }),
    'live.heart-rate': z.object({ deviceId: z.string(), patientId: z.string(), timeMs: z.number(), bpm: z.number(), contact: z.boolean().nullable() }),
    'alert.opened': z.object({ alertId: z.string(), patientId: z.string(), patientName: z.string(), ruleName: z.string(), priority: z.enum(['high', 'medium', 'low']) }),
    'device.progress': z.object({ deviceId: z.string(), step: z.string(), done: z.number().optional(), total: z.number().optional() }),
    'demo.progress': z.object({ phase: z.enum(['patients', 'appointments', 'readings', 'wearables']), done: z.number(), total: z.number() }),
  },
} satisfies Contract;

export type EngineApi = typeof engineApi;
