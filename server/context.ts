import type { HybridLogicalClock } from '../common/sync/hlc';
import type { PasswordHashing } from './auth/passwords';
import type { Database } from './db/database';

/** What every route needs: the database, the token key, the server's clock. */
export interface ServerContext {
  db: Database;
  tokenKey: string;
  /** Stamps the server's own writes (message delivery status, ingested readings). */
  clock: HybridLogicalClock;
  hashing: PasswordHashing;
}
