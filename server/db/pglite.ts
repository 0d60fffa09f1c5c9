import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

/** Embedded PostgreSQL on a data directory (or in memory when none is given). */
export async function openPglite(dataDir?: string): Promise<Database> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  const on = (target: PGlite | Transaction): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  });
  const direct = on(db);
  return {
    kind: 'pglite',
    query: direct.query,
    exec: direct.exec,
    transaction: (work) => db.transaction((tx) => work(on(tx))),
    close: () => db.close(),
  };
}
