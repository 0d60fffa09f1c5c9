import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_CLOCK_DRIFT_MS } from '../../common/sync/hlc';
import { PROTOCOL_VERSION, PullQuerySchema, toV1Row, type Change, type PulledRow, type PushResponse } from '../../common/sync/protocol';
import { checkPushByRole, readableRows, requirePermission, requireSync } from '../auth/guard';
import type { ServerContext } from '../context';
import { HttpError, parse } from '../http/errors';
import { applyChanges } from './apply-changes';
import { purgeAfterPush, registerErasureRoutes } from './erasure';
import { pullPage, type RawPage } from './pull';
import { parsePushBody } from './push-body';

/** Large enough for a full batch of ordinary rows, small enough to bound one request's memory. */
export const PUSH_BODY_LIMIT = 8 * 1024 * 1024;

/** How far (ms) a stamp is ahead of `nowMs`, from its 13-digit millisecond prefix. */
const aheadMs = (stamp: string, nowMs: number) => Number(stamp.slice(0, 13)) - nowMs;

/**
 * The first change whose stamp is further ahead of the server's clock than clocks may drift,
 * named for the refusal; `newest` (the batch's newest stamp) answers "none" without a walk.
 */
export function futureStamp(changes: readonly Change[], nowMs: number, newest: string | undefined): string | undefined {
  if (newest === undefined || aheadMs(newest, nowMs) <= MAX_CLOCK_DRIFT_MS) return undefined;
  for (const c of changes) {
    for (const field in c.fields) {
      const ahead = aheadMs(c.fields[field]!.stamp, nowMs);
      if (ahead > MAX_CLOCK_DRIFT_MS) return `change ${c.changeId} field ${field}: clock stamp is ${Math.round(ahead / 1000)} s ahead of the server's time (at most ${MAX_CLOCK_DRIFT_MS / 1000} s allowed); check the workstation's clock`;
    }
  }
  return undefined;
}

/** Writes a page as JSON text, splicing each row's stored fields in without parsing them. */
function pageJson(protocol: number, page: RawPage): string {
  const cursor = JSON.stringify(String(page.cursor));
  if (protocol === 1) {
    const rows = page.rows.map((r) => toV1Row({ table: r.table, rowId: r.rowId, version: r.version, fields: JSON.parse(r.fieldsJson) as PulledRow['fields'] }));
    return JSON.stringify({ protocol, rows, cursor: String(page.cursor), hasMore: page.hasMore });
  }
  const rows = page.rows.map((r) => `{"table":${JSON.stringify(r.table)},"rowId":${JSON.stringify(r.rowId)},"version":${r.version},"fields":${r.fieldsJson}}`);
  return `{"protocol":${protocol},"rows":[${rows.join(',')}],"cursor":${cursor},"hasMore":${page.hasMore}}`;
}

export function registerSyncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerErasureRoutes(app, ctx);
  app.post('/sync/push', { bodyLimit: PUSH_BODY_LIMIT }, async (request): Promise<PushResponse> => {
    const caller = requireSync(request, ctx.tokenKey, 'sync.push');
    const { push: body, newestStamp: newest } = parsePushBody(request.body);
    checkPushByRole(caller, body.changes);
    const changes = body.changes;
    const ahead = futureStamp(changes, Date.now(), newest);
    if (ahead) throw new HttpError(422, 'clock-ahead', ahead);
    const outcome = await applyChanges(ctx.db, caller.clinic, changes);
    // Erasure (issue 9): a tombstone purges its patient; rows pushed late for an erased patient go too.
    await purgeAfterPush(ctx.db, ctx, caller.clinic, outcome.modified, request.log);
    if (newest) ctx.clock.receive(newest);
    request.log.info({ clinicId: caller.clinic, changes: changes.length, accepted: outcome.accepted, duplicates: outcome.duplicates, conflicts: outcome.conflicts }, 'push');
    return { protocol: body.protocol, accepted: outcome.accepted, duplicates: outcome.duplicates, conflicts: outcome.conflicts, version: outcome.version };
  });

  app.get('/sync/pull', async (request, reply) => {
    const caller = requireSync(request, ctx.tokenKey, 'sync.pull');
    const q = parse(PullQuerySchema, request.query);
    const page = readableRows(caller, await pullPage(ctx.db, caller.clinic, Number(q.since), q.limit));
    request.log.info({ clinicId: caller.clinic, rows: page.rows.length, hasMore: page.hasMore }, 'pull');
    return reply.type('application/json; charset=utf-8').send(pageJson(q.protocol, page));
  });

  /** Overwritten values, newest first, for an administrator to review. */
  app.get('/sync/conflicts', async (request) => {
    const caller = requirePermission(request, ctx.tokenKey, 'manage', 'settings');
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(), request.query);
    const rows = await ctx.db.query<{ version: unknown; change_id: string; table_name: string; row_id: string; field: string; lost: unknown; kept: unknown; recorded_at: Date }>(
      `SELECT version, change_id::text, table_name, row_id, field, lost, kept, recorded_at FROM sync_conflicts
       WHERE clinic_id = $1 ORDER BY version DESC, seq LIMIT $2`,
      [caller.clinic, q.limit],
    );
    return {
      protocol: PROTOCOL_VERSION,
      conflicts: rows.map((r) => ({ version: Number(r.version), changeId: r.change_id, table: r.table_name, rowId: r.row_id, field: r.field, lost: r.lost, kept: r.kept, recordedAt: new Date(r.recorded_at).toISOString() })),
    };
  });
}
