import { z } from 'zod';
import type { Contract } from '../../../common/contract/rpc';
import { DEMO_PHASES } from './demo/phases';
import { READABLE_FORMATS } from '../../../common/imports/parse-file';
import { CsvMapping } from '../../../common/imports/csv/csv-mapping';
import { dashboardMethods } from './insights/dashboard-api';
import { populationMethods } from './population-api';
import { SegmentFilter } from './insights/segment-filter';
import { syncEvents, syncMethods } from './sync/sync-api';
import { sessionMethods } from '../security/session-api';

/** Where in a wearable file a problem was found (common/imports/errors.ts ImportPosition). */
const ImportPositionSchema = z.object({ entry: z.string().optional(), line: z.number().optional(), record: z.number().optional(), byte: z.number().optional() });

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
          /** Days of history: home readings judged by the rules, appointments, messages, logged time. */
          historyDays: z.number().int().min(0).max(366).default(365),
          /** Days of home readings (and the rules run over them), at most historyDays: a large clinic keeps fewer. */
          deviceDays: z.number().int().min(0).max(366).optional(),
          /** How many patients also wear a watch that records minute heart rate for the whole history. */
          wearables: z.number().int().min(0).max(200).default(5),
        })
        .strict(),
      result: z.object({
        created: z.number(),
        appointments: z.number(),
        readings: z.number(),
        wearableSamples: z.number(),
        consents: z.number(),
        enrolments: z.number(),
        alerts: z.number(),
        alertsAcknowledged: z.number(),
        alertsResolved: z.number(),
        messages: z.number(),
        messagesWithheld: z.number(),
        timeEntries: z.number(),
        tasks: z.number(),
        devices: z.number(),
      }),
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
    ...sessionMethods,
    ...dashboardMethods,
    ...populationMethods,
    /** Imports a file a patient brought from a consumer wearable, streamed from the Blob; progress as 'import.progress' events. */
    'import.file': {
      params: z.object({ importId: z.string().min(1).max(64), patientId: z.string().min(1), file: z.instanceof(Blob), fileName: z.string().max(260), format: z.enum(READABLE_FORMATS), csvMapping: CsvMapping.optional(), utcOffsetMinutes: z.number().int().min(-840).max(840).optional() }).strict(),
      result: z.object({
        importId: z.string(),
        outcome: z.enum(['completed', 'cancelled', 'failed', 'refused']),
        added: z.number(),
        duplicates: z.number(),
        skipped: z.array(z.object({ reason: z.string(), count: z.number(), first: ImportPositionSchema })),
        sources: z.array(z.object({ app: z.string().optional(), device: z.string().optional() })),
        bytesRead: z.number(),
        error: z.object({ code: z.string(), message: z.string(), position: ImportPositionSchema }).optional(),
      }),
    },
    /** Stops a running import after the batch being stored; what was stored stays (whole batches). */
    'import.cancel': { params: z.object({ importId: z.string().min(1).max(64) }).strict(), result: z.object({ cancelled: z.boolean() }) },
    /** The patients a segment filter selects now (sorted by name, at most `limit`), evaluated off the UI thread. */
    'segments.evaluate': {
      params: z.object({ filter: SegmentFilter, zone: z.string().min(1).max(64), limit: z.number().int().min(1).max(10_000).default(50), includeArchived: z.boolean().default(false) }).strict(),
      result: z.object({ patientIds: z.array(z.string()), total: z.number(), truncated: z.boolean() }),
    },
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
    'demo.progress': z.object({ phase: z.enum(DEMO_PHASES), done: z.number(), total: z.number() }),
    'import.progress': z.object({ importId: z.string(), bytesRead: z.number(), totalBytes: z.number(), added: z.number(), duplicates: z.number(), skipped: z.number() }),
  },
} satisfies Contract;

export type EngineApi = typeof engineApi;
