import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomBytes } from 'node:crypto';
import { HybridLogicalClock } from '../common/sync/hlc';
import { tokenKey } from './auth/installation';
import { DEFAULT_PASSWORD_HASHING, type PasswordHashing } from './auth/passwords';
import { registerAuditAnchorRoutes } from './audit/routes';
import { registerAuthRoutes, type SignInRateLimit } from './auth/routes';
import { registerCalendarFeedRoutes } from './calendar/routes';
import type { ServerContext } from './context';
import type { Database } from './db/database';
import { LATEST_MIGRATION, migrate, schemaVersion } from './db/migrate';
import { installErrorHandler } from './http/errors';
import { registerDeviceKeyRoutes } from './ingest/device-keys';
import { registerIngestRoutes, type IngestRateLimit } from './ingest/routes';
import { OutboundSender, type EmailTransport } from './messaging/sender';
import type { SmsProvider } from './messaging/sms';
import { registerSyncRoutes } from './sync/routes';

export interface ServerOptions {
  /** An open database; migrations are applied by buildServer. */
  db: Database;
  /** Close the database when the server closes (default true). */
  closeDatabase?: boolean;
  logger?: FastifyServerOptions['logger'];
  passwordHashing?: PasswordHashing;
  signInRateLimit?: SignInRateLimit;
  ingestRateLimit?: IngestRateLimit;
  /** Outbound email; without it queued email stays queued. */
  email?: EmailTransport;
  sms?: SmsProvider;
  /** How often the outbound sender looks for queued messages; 0 = only when `careloop.sender.runOnce()` is called. */
  senderIntervalMs?: number;
}

export interface CareLoopServer {
  ctx: ServerContext;
  sender: OutboundSender;
}

declare module 'fastify' {
  interface FastifyInstance {
    careloop: CareLoopServer;
  }
}

/**
 * Logs carry route, status, clinic id and counts — never bodies, headers or query values
 * that could hold patient data (Fastify does not log bodies; these serializers keep
 * headers and client addresses out too).
 */
export const LOG_OPTIONS = {
  level: process.env.LOG_LEVEL ?? 'info',
  serializers: {
    req: (req: { method: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
    res: (res: { statusCode: number }) => ({ status: res.statusCode }),
  },
};

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { db } = options;
  await migrate(db);
  const ctx: ServerContext = {
    db,
    tokenKey: await tokenKey(db),
    clock: new HybridLogicalClock(`srv${randomBytes(4).toString('hex')}`, () => Date.now()),
    hashing: options.passwordHashing ?? DEFAULT_PASSWORD_HASHING,
  };
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  installErrorHandler(app);
  await app.register(rateLimit, { global: false });

  const sender = new OutboundSender(ctx, { email: options.email, sms: options.sms, log: app.log });
  app.decorate('careloop', { ctx, sender });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      const version = await schemaVersion(db);
      if (version < LATEST_MIGRATION()) return reply.status(503).send({ status: 'migrating', schema: version });
      return { status: 'ready', schema: version, database: db.kind };
    } catch {
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });
  registerAuthRoutes(app, ctx, options.signInRateLimit ?? { max: 10, timeWindow: 60_000 });
  registerSyncRoutes(app, ctx);
  registerAuditAnchorRoutes(app, ctx);
  registerDeviceKeyRoutes(app, ctx);
  registerIngestRoutes(app, ctx, options.ingestRateLimit ?? { max: 120, timeWindow: 60_000 });
  registerCalendarFeedRoutes(app, ctx);

  const interval = options.senderIntervalMs ?? 0;
  if (interval > 0 && (options.email || options.sms)) {
    sender.start(interval);
  }
  app.addHook('onClose', async () => {
    await sender.stop();
    if (options.closeDatabase !== false) await db.close();
  });
  return app;
}
