import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOG_OPTIONS, buildServer } from './app';
import { clinicCount, issueSetupToken } from './auth/installation';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { smtpTransport } from './messaging/email';

/**
 * `npm run server`: the cloud instance. PostgreSQL when DATABASE_URL is set, otherwise
 * embedded PGlite on CARELOOP_DATA_DIR. `npm run server -- setup-token` prints a new
 * one-time token for creating another clinic and exits.
 */
async function openDatabase(): Promise<Database> {
  if (process.env.DATABASE_URL) return openPostgres(process.env.DATABASE_URL, Number(process.env.DATABASE_POOL_SIZE ?? 10));
  const dir = resolve(process.env.CARELOOP_DATA_DIR ?? 'careloop-server-data');
  mkdirSync(dir, { recursive: true });
  return openPglite(dir);
}

async function main(): Promise<void> {
  const db = await openDatabase();
  if (process.argv[2] === 'setup-token') {
    await migrate(db);
    console.log(`One-time setup token (creates one clinic): ${await issueSetupToken(db)}`);
    await db.close();
    return;
  }
  const smtpUrl = process.env.SMTP_URL;
  const app = await buildServer({
    db,
    logger: LOG_OPTIONS,
    ...(smtpUrl ? { email: smtpTransport(smtpUrl, process.env.SMTP_FROM ?? 'CareLoop <no-reply@localhost>') } : {}),
    senderIntervalMs: Number(process.env.SENDER_INTERVAL_MS ?? 15_000),
  });
  if ((await clinicCount(db)) === 0) {
    const token = await issueSetupToken(db, process.env.CARELOOP_SETUP_TOKEN || undefined);
    if (!process.env.CARELOOP_SETUP_TOKEN) console.log(`No clinic yet. One-time setup token for POST /auth/bootstrap: ${token}`);
  }
  const address = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8787) });
  console.log(`CareLoop server ready at ${address} (${db.kind})`);
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`CareLoop server failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
