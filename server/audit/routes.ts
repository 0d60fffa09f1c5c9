import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate, requirePermission } from '../auth/guard';
import type { ServerContext } from '../context';
import { HttpError, parse } from '../http/errors';
import { listAnchors, listRefusals, storeAnchor } from './anchor-store';

const HASH = /^[0-9a-f]{64}$/;
/** Larger than any real chain; keeps seq within PostgreSQL bigint and JavaScript's safe integers. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export const AnchorBody = z
  .object({
    workstationId: z.string().uuid(),
    seq: z.number().int().min(1).max(MAX_SEQ),
    hash: z.string().regex(HASH, 'a lower-case hex SHA-256'),
    count: z.number().int().min(0).max(MAX_SEQ),
  })
  .strict();

const ListQuery = z
  .object({
    workstationId: z.string().uuid(),
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();

/**
 * Audit chain anchors (issue 9). A workstation posts its chain head after each sync with its
 * own token; administrators and auditors (`read` on `audit`) list a workstation's anchors and
 * the anchors that were refused, to check a chain against them (verifyAgainstAnchors).
 */
export function registerAuditAnchorRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/audit/anchors', { bodyLimit: 4096 }, async (request, reply) => {
    const caller = authenticate(request, ctx.tokenKey);
    // Only the workstation whose chain it is: a person's token or another desk's cannot anchor it.
    if (caller.kind !== 'workstation') throw new HttpError(403, 'forbidden', 'only a workstation anchors its own audit chain');
    const body = parse(AnchorBody, request.body);
    if (body.workstationId !== caller.sub) throw new HttpError(403, 'forbidden', 'a workstation may anchor only its own audit chain');
    const outcome = await storeAnchor(ctx.db, { clinicId: caller.clinic, ...body });
    if (outcome.kind === 'refused') {
      const r = outcome.refusal;
      request.log.warn({ clinicId: caller.clinic, seq: r.seq, heldSeq: r.heldSeq, problem: r.problem }, 'audit anchor refused');
      throw new HttpError(
        409,
        r.problem,
        r.problem === 'chain-rewritten'
          ? `entry ${r.seq} of this workstation's audit chain was anchored with another hash: the chain was rewritten; the refusal is recorded`
          : `this workstation's audit chain was anchored up to entry ${r.heldSeq} but now ends at ${r.seq}: entries are gone; the refusal is recorded`,
      );
    }
    request.log.info({ clinicId: caller.clinic, seq: body.seq, duplicate: outcome.duplicate }, 'audit anchor');
    return reply.status(outcome.duplicate ? 200 : 201).send({ seq: outcome.anchor.seq, duplicate: outcome.duplicate, receivedAt: outcome.anchor.receivedAt });
  });

  app.get('/audit/anchors', async (request) => {
    const caller = requirePermission(request, ctx.tokenKey, 'read', 'audit');
    const q = parse(ListQuery, request.query);
    const anchors = await listAnchors(ctx.db, caller.clinic, q.workstationId, q.after, q.limit);
    const refusals = await listRefusals(ctx.db, caller.clinic, q.workstationId, q.limit);
    return { workstationId: q.workstationId, anchors, refusals, hasMore: anchors.length === q.limit };
  });
}
