import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../../../server/db/database';
import { openPglite } from '../../../../server/db/pglite';
import { openPostgres } from '../../../../server/db/postgres';
import { postgresMissing, startPostgres, type PostgresCluster } from './postgres-cluster';

/**
 * The two databases every protocol test runs on. `open()` connects to the backend's one
 * data store — a second open after closing the first is a server restart on the same data.
 */
export interface Backend {
  name: 'pglite' | 'postgres';
  /** Why this backend cannot run here, if it cannot. */
  missing: string | undefined;
  start(): Promise<void>;
  open(): Promise<Database>;
  stop(): Promise<void>;
}

export function pgliteBackend(): Backend {
  let dir = '';
  return {
    name: 'pglite',
    missing: undefined,
    async start() {
      dir = mkdtempSync(join(tmpdir(), 'careloop-pglite-'));
    },
    open: () => openPglite(dir),
    async stop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  let cluster: PostgresCluster | undefined;
  return {
    name: 'postgres',
    missing: postgresMissing(),
    async start() {
      cluster = await startPostgres();
    },
    async open() {
      return openPostgres(cluster!.url);
    },
    async stop() {
      cluster?.stop();
    },
  };
}

export const backends = (): Backend[] => [pgliteBackend(), postgresBackend()];
