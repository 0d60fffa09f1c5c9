import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { HttpError } from '../http/errors';
import { clinicianFeedFor } from './feed';

export interface FeedRateLimit {
  max: number;
  timeWindow: number;
}

/**
 * GET /calendar/<token>.ics — a clinician's subscribed calendar. The token is the only
 * credential (calendar apps cannot sign in); it is 256 random bits, stored as a hash, and
 * revoked from the workstation. The route's logs carry the route pattern, never the token.
 */
export function registerCalendarFeedRoutes(app: FastifyInstance, ctx: ServerContext, limit: FeedRateLimit = { max: 60, timeWindow: 60_000 }): void {
  app.get<{ Params: { file: string } }>('/calendar/:file', { config: { rateLimit: limit } }, async (request, reply) => {
    const file = request.params.file;
    const ics = file.endsWith('.ics') ? await clinicianFeedFor(ctx.db, file.slice(0, -'.ics'.length), Date.now()) : undefined;
    if (!ics) throw new HttpError(404, 'not-found', 'no calendar at this address (the link may have been replaced or revoked)');
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .header('x-robots-tag', 'noindex')
      .send(ics);
  });
}
