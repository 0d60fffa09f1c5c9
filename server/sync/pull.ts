import { toNumber, type Database } from '../db/database';

export interface RawPulledRow {
  table: string;
  rowId: string;
  version: number;
  /** The row's fields as JSON text, spliced into the response without re-parsing. */
  fieldsJson: string;
}

export interface RawPage {
  rows: RawPulledRow[];
  cursor: number;
  hasMore: boolean;
}

/**
 * A page must be read by walking the (clinic_id, version) index in order and stopping after
 * `limit` rows. Right after a bulk load the planner's row estimate is stale and it picks a
 * bitmap scan of every row after the cursor plus a sort (spilling to disk), which makes each
 * page cost as much as the whole rest of the clinic and an initial sync quadratic. These
 * settings last for the page's transaction only.
 */
const ORDERED_INDEX_WALK = 'SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off';

/** Rows of one clinic changed after `since`, in version order. */
export async function pullPage(db: Database, clinicId: string, since: number, limit: number): Promise<RawPage> {
  const found = await db.transaction(async (tx) => {
    await tx.exec(ORDERED_INDEX_WALK);
    return tx.query<{ table_name: string; row_id: string; version: unknown; fields: string }>(
      'SELECT table_name, row_id, version, fields::text AS fields FROM sync_rows WHERE clinic_id = $1 AND version > $2 ORDER BY version LIMIT $3',
      [clinicId, since, limit + 1],
    );
  });
  const hasMore = found.length > limit;
  const rows = found.slice(0, limit).map((r) => ({ table: r.table_name, rowId: r.row_id, version: toNumber(r.version), fieldsJson: r.fields }));
  return { rows, cursor: rows.length ? rows[rows.length - 1]!.version : since, hasMore };
}
