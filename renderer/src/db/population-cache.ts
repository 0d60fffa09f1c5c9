import type Dexie from 'dexie';
import type { Table } from 'dexie';
import { MAX_DAYS, type PopulationYearRow, type SummaryMetric } from '../engine/population/year-block';
import { POPULATION_CACHE_TABLE, POPULATION_TABLE, SUMMARY_SEQ_KEY } from './population-summaries';

/**
 * The clinic-wide cache of the population summaries: for each metric × year, one row packing
 * every patient's block into a few large typed arrays. IndexedDB pays per row read, so a
 * view that needs 10,000 patients' blocks reads one row instead of 10,000.
 *
 * The per-patient blocks stay the truth, kept on every reading write; the cache is rebuilt
 * lazily against their change counter (the watermark `seq`): a view reads the blocks changed
 * since the cache's watermark ([metric+seq] index) and lays them over the packed arrays. The
 * overlay is folded into the stored row once it grows past REPACK_AFTER blocks, so a cache
 * is rewritten now and then, not on every view. The last cache read is also kept in memory
 * for this database connection.
 */

const REPACK_AFTER = 500;
const MONTH_FIELDS = 36;
const BANDS = 60;

export interface PopulationCacheRow {
  /** `${metric}|${year}` */
  key: string;
  metric: SummaryMetric;
  year: number;
  /** The summary table's change counter this row reflects. */
  seq: number;
  patientIds: string[];
  dayCount: Uint8Array;
  daySum: Float32Array;
  monthStats: Float64Array;
  bands?: Uint32Array;
}

interface CacheEntry {
  row: PopulationCacheRow;
  index: Map<string, number>;
  /** Blocks changed since the row was packed. */
  overlay: Map<string, PopulationYearRow>;
  seq: number;
}

const memory = new WeakMap<Dexie, Map<string, CacheEntry>>();

/** Drops this connection's in-memory copies (the benchmark's cold start; tests). */
export function forgetPopulationCache(db: Dexie): void {
  memory.delete(db);
}

function tableOf<T>(db: Dexie, name: string): Table<T, string> {
  return db.table(name) as Table<T, string>;
}

function pack(metric: SummaryMetric, year: number, seq: number, blocks: readonly PopulationYearRow[]): PopulationCacheRow {
  const n = blocks.length;
  const sums = metric !== 'any-reading';
  const row: PopulationCacheRow = {
    key: `${metric}|${year}`,
    metric,
    year,
    seq,
    patientIds: blocks.map((b) => b.patientId),
    dayCount: new Uint8Array(n * MAX_DAYS),
    daySum: new Float32Array(sums ? n * MAX_DAYS : 0),
    monthStats: new Float64Array(sums ? n * MONTH_FIELDS : 0),
  };
  if (metric === 'glucose') row.bands = new Uint32Array(n * BANDS);
  blocks.forEach((b, i) => {
    row.dayCount.set(b.dayCount, i * MAX_DAYS);
    if (sums) {
      row.daySum.set(b.daySum, i * MAX_DAYS);
      row.monthStats.set(b.monthStats, i * MONTH_FIELDS);
    }
    if (row.bands && b.bands) row.bands.set(b.bands, i * BANDS);
  });
  return row;
}

/** One patient's block as a view into the packed arrays (no copy). */
function unpack(row: PopulationCacheRow, i: number): PopulationYearRow {
  const out: PopulationYearRow = {
    key: `${row.patientIds[i]}|${row.metric}|${row.year}`,
    patientId: row.patientIds[i]!,
    metric: row.metric,
    year: row.year,
    dayCount: row.dayCount.subarray(i * MAX_DAYS, (i + 1) * MAX_DAYS),
    daySum: row.daySum.length ? row.daySum.subarray(i * MAX_DAYS, (i + 1) * MAX_DAYS) : new Float32Array(0),
    monthStats: row.monthStats.length ? row.monthStats.subarray(i * MONTH_FIELDS, (i + 1) * MONTH_FIELDS) : new Float64Array(0),
  };
  if (row.bands) out.bands = row.bands.subarray(i * BANDS, (i + 1) * BANDS);
  return out;
}

function entryOf(row: PopulationCacheRow): CacheEntry {
  return { row, index: new Map(row.patientIds.map((id, i) => [id, i])), overlay: new Map(), seq: row.seq };
}

/** Stores a cache row; a role that may read but not write readings just goes without. */
async function store(db: Dexie, row: PopulationCacheRow): Promise<void> {
  try {
    await tableOf<PopulationCacheRow>(db, POPULATION_CACHE_TABLE).put(row);
  } catch {
    // The cache is an optimisation: the next view builds it again.
  }
}

/** Every patient's block of one metric in the given years, by patient then year. */
export async function metricBlocks(db: Dexie, metric: SummaryMetric, years: readonly number[]): Promise<Map<string, Map<number, PopulationYearRow>>> {
  const blocks = tableOf<PopulationYearRow>(db, POPULATION_TABLE);
  const cache = tableOf<PopulationCacheRow>(db, POPULATION_CACHE_TABLE);
  const mem = memory.get(db) ?? new Map<string, CacheEntry>();
  memory.set(db, mem);
  // A stored row dropped since (a block was deleted: erasure) takes its in-memory copy with it.
  const stored = new Set(await cache.toCollection().primaryKeys());
  for (const key of mem.keys()) if (!stored.has(key)) mem.delete(key);
  const entries: CacheEntry[] = [];
  for (const year of years) {
    const key = `${metric}|${year}`;
    let entry = mem.get(key);
    if (!entry && stored.has(key)) {
      const row = await cache.get(key);
      if (row) entry = entryOf(row);
    }
    if (!entry) {
      // The first view of this metric and year: pack every block, the watermark read in the same snapshot.
      const built = await db.transaction('r', blocks, async () => {
        const seq = ((await blocks.get(SUMMARY_SEQ_KEY)) as { seq?: number } | undefined)?.seq ?? 0;
        return pack(metric, year, seq, await blocks.where('[metric+year]').equals([metric, year]).toArray());
      });
      await store(db, built);
      entry = entryOf(built);
    }
    mem.set(key, entry);
    entries.push(entry);
  }

  // Blocks written since the oldest watermark, laid over their year's cache.
  const since = Math.min(...entries.map((e) => e.seq));
  const changed = await blocks.where('[metric+seq]').between([metric, since + 1], [metric, Infinity], true, true).toArray();
  for (const e of entries) {
    let newest = e.seq;
    for (const b of changed) {
      if (b.year !== e.row.year || (b.seq ?? 0) <= e.seq) continue;
      e.overlay.set(b.patientId, b);
      newest = Math.max(newest, b.seq ?? 0);
    }
    e.seq = newest;
    if (e.overlay.size > REPACK_AFTER) {
      const all = new Map<string, PopulationYearRow>();
      e.row.patientIds.forEach((id, i) => all.set(id, unpack(e.row, i)));
      for (const [id, b] of e.overlay) all.set(id, b);
      const repacked = pack(metric, e.row.year, e.seq, [...all.values()]);
      await store(db, repacked);
      Object.assign(e, entryOf(repacked));
    }
  }

  const out = new Map<string, Map<number, PopulationYearRow>>();
  const put = (b: PopulationYearRow) => {
    const byYear = out.get(b.patientId);
    if (byYear) byYear.set(b.year, b);
    else out.set(b.patientId, new Map([[b.year, b]]));
  };
  for (const e of entries) {
    e.row.patientIds.forEach((id, i) => {
      if (!e.overlay.has(id)) put(unpack(e.row, i));
    });
    for (const b of e.overlay.values()) put(b);
  }
  return out;
}
