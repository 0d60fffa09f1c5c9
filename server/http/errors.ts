import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';

/** A refusal with a status, a stable code and a reason a person can act on. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
  }
}

/** Validates a body or query; a bad one is a 400 naming the first problems (paths only, never values). */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);
  throw new HttpError(400, 'invalid-request', problems.join('; '));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      request.log.info({ status: err.status, code: err.code }, 'request refused');
      return reply.status(err.status).headers(err.headers).send({ error: err.code, reason: err.reason });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: { type: err.name, message: err.message } }, 'request failed');
      return reply.status(500).send({ error: 'internal', reason: 'the server failed; nothing was changed' });
    }
    return reply.status(status).send({ error: err.code ?? 'bad-request', reason: err.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not-found', reason: 'no such route' }));
}
