import { z } from 'zod';
import { CursorSchema, MAX_PULL_LIMIT, PushRequestSchema, type FieldMap } from '../sync/protocol';

/**
 * The main process's "cloud" service (issue 8): it holds the server address and the
 * workstation credential, gets access tokens, and carries the engine worker's sync calls
 * to the cloud instance. The renderer never talks HTTP to the server itself.
 *
 * Failures arrive as RpcError codes: `cloud-not-enrolled`, `cloud-insecure-url`,
 * `cloud-unreachable` (network or 5xx: try again later), `cloud-credential-revoked`
 * (enrol again), `cloud-refused` (a 4xx; the message holds the server's reason).
 */
export const CloudStatus = z.object({
  enrolled: z.boolean(),
  serverUrl: z.string().nullable(),
  clinicId: z.string().nullable(),
  workstationId: z.string().nullable(),
  workstationName: z.string().nullable(),
  enrolledAt: z.string().nullable(),
});
export type CloudStatus = z.infer<typeof CloudStatus>;

export const CloudEnrolParams = z
  .object({
    serverUrl: z.string().trim().min(1).max(500),
    enrolmentCode: z.string().trim().min(1).max(500),
    workstationName: z.string().trim().min(1).max(100),
  })
  .strict();

export const CloudPushResult = z.object({ protocol: z.number(), accepted: z.number(), duplicates: z.number(), conflicts: z.number(), version: z.number() });

/** Fields are checked by the server that sent them; here only the shape the engine relies on. */
const PulledRowWire = z.object({
  table: z.string(),
  rowId: z.string(),
  version: z.number(),
  fields: z.custom<FieldMap>((v) => v !== null && typeof v === 'object' && !Array.isArray(v)),
});
export const CloudPullResult = z.object({ protocol: z.number(), rows: z.array(PulledRowWire), cursor: z.string(), hasMore: z.boolean() });

export const CloudConflict = z.object({
  version: z.number(),
  changeId: z.string(),
  table: z.string(),
  rowId: z.string(),
  field: z.string(),
  lost: z.unknown(),
  kept: z.unknown(),
  recordedAt: z.string(),
});
export type CloudConflict = z.infer<typeof CloudConflict>;

/** This workstation's audit chain head, sent after a sync (issue 9); the main process adds the workstation id. */
export const CloudAnchorParams = z
  .object({
    seq: z.number().int().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    count: z.number().int().min(0),
  })
  .strict();
export type CloudAnchorParams = z.infer<typeof CloudAnchorParams>;
export const CloudAnchorResult = z.object({ seq: z.number(), duplicate: z.boolean(), receivedAt: z.string() });
export type CloudAnchorResult = z.infer<typeof CloudAnchorResult>;

export const cloudMethods = {
  'cloud.status': { params: z.object({}).strict(), result: CloudStatus },
  /** Enrols this workstation with a one-time code an administrator issued on the server. */
  'cloud.enrol': { params: CloudEnrolParams, result: CloudStatus },
  /** Deletes the stored credential: the workstation stops syncing until enrolled again. */
  'cloud.forget': { params: z.object({}).strict(), result: CloudStatus },
  'cloud.push': { params: PushRequestSchema, result: CloudPushResult },
  'cloud.pull': { params: z.object({ since: CursorSchema, limit: z.number().int().min(1).max(MAX_PULL_LIMIT) }).strict(), result: CloudPullResult },
  /** Anchors the audit chain head on the server; refused (`cloud-refused`, 409) when it contradicts an earlier anchor. */
  'cloud.anchor': { params: CloudAnchorParams, result: CloudAnchorResult },
  /** Overwritten values, for an administrator: signs in with the administrator's password for this one request. */
  'cloud.conflicts': {
    params: z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(500), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    result: z.object({ conflicts: z.array(CloudConflict) }),
  },
};
