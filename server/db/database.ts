/**
 * One data layer over PostgreSQL (`pg`) and PGlite (embedded PostgreSQL in WebAssembly):
 * both run the same SQL and the same numbered migrations. Parameters are always bound
 * ($1, $2…), never spliced into SQL text.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs SQL text that may hold several statements and takes no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** int8 arrives as a string from pg and as a number from PGlite. */
export function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer from the database: ${String(value).slice(0, 32)}`);
  return n;
}
