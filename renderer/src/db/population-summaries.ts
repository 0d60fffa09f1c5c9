import type { DBCore, DBCoreIndex, DBCoreMutateRequest, DBCoreRangeType, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import { yearStartDay, DAY_MS } from '../engine/population/calendar';
import { ANY_READING, applyBlockUpdate, blockKey, planBlockUpdates, type PopulationYearRow, type SummarizableReading, type SummaryMetric } from '../engine/population/year-block';

/**
 * Keeps the population summaries (engine/population/year-block.ts) in step with the
 * observations table, in the same IndexedDB transaction as the readings' own write, whoever
 * writes them: downloads, live streams, imports, the demo, sync pulls, refusals and erasure.
 * Like the sync outbox (outbox-middleware.ts) it is a Dexie DBCore middleware that widens
 * each read-write transaction touching observations to include the summary table.
 *
 * Adding readings adds to the blocks they fall in (counts and sums are additive). Anything
 * else — a delete, a put over an existing reading, a range delete — rebuilds the touched
 * blocks from the observations left, because a minimum or maximum cannot be subtracted.
 *
 * Every written block carries the table's change counter (`seq`, one more per write, kept in
 * the table's own SUMMARY_SEQ_KEY row so it commits with the blocks): the clinic-wide cache
 * (population-cache.ts) reads only the blocks changed since it was built. An emptied block
 * is deleted, and with it every packed cache row, which the next view packs again.
 *
 * Registered below the permission middleware (database.ts): the reading's own write is
 * checked there; the summary rows beside it are bookkeeping of that checked write.
 */

export const POPULATION_TABLE = 'populationYears';
/** The clinic-wide packed copies (population-cache.ts), dropped whenever a block is deleted. */
export const POPULATION_CACHE_TABLE = 'populationCache';
export const SUMMARY_SEQ_KEY = '~seq';
const OBSERVATIONS = 'observations';
const RANGE = 2 as DBCoreRangeType;
const ANY = 3 as DBCoreRangeType;

interface Touched {
  patientId: string;
  metric: SummaryMetric;
  year: number;
}

function asReading(v: unknown): SummarizableReading | undefined {
  const o = v as Partial<SummarizableReading> | undefined;
  return o && typeof o.patientId === 'string' && typeof o.metric === 'string' && typeof o.timeMs === 'number' && typeof o.value === 'number' ? (o as SummarizableReading) : undefined;
}

function touchedBy(readings: readonly SummarizableReading[]): Map<string, Touched> {
  const out = new Map<string, Touched>();
  for (const u of planBlockUpdates(readings).values()) out.set(u.key, { patientId: u.patientId, metric: u.metric, year: u.year });
  return out;
}

/** Writes blocks stamped with the next change counter value, and the counter with them. */
async function writeBlocks(summaries: DBCoreTable, trans: DBCoreTransaction, rows: PopulationYearRow[]): Promise<void> {
  if (!rows.length) return;
  const [counter] = (await summaries.getMany({ trans, keys: [SUMMARY_SEQ_KEY] })) as ({ seq?: number } | undefined)[];
  const seq = (counter?.seq ?? 0) + 1;
  for (const r of rows) r.seq = seq;
  const values = [...rows, { key: SUMMARY_SEQ_KEY, seq }];
  await summaries.mutate({ type: 'put', trans, values, keys: values.map((v) => v.key) });
}

async function addToSummaries(summaries: DBCoreTable, trans: DBCoreTransaction, readings: readonly SummarizableReading[]): Promise<void> {
  const updates = [...planBlockUpdates(readings).values()];
  if (!updates.length) return;
  const keys = updates.map((u) => u.key);
  const existing = (await summaries.getMany({ trans, keys })) as (PopulationYearRow | undefined)[];
  await writeBlocks(summaries, trans, updates.map((u, i) => applyBlockUpdate(existing[i], u)));
}

function index(table: DBCoreTable, keyPath: string[]): DBCoreIndex {
  const i = table.schema.getIndexByKeyPath(keyPath);
  if (!i) throw new Error(`observations have no [${keyPath.join('+')}] index`);
  return i;
}

/** Deletes every packed cache row (population-cache.ts): a block they hold is gone. */
async function dropCaches(cache: DBCoreTable | undefined, trans: DBCoreTransaction): Promise<void> {
  if (!cache) return;
  const keys = await cache.query({ trans, values: false, query: { index: cache.schema.primaryKey, range: { type: ANY, lower: undefined, upper: undefined } } });
  if (keys.result.length) await cache.mutate({ type: 'delete', trans, keys: keys.result });
}

/** Rebuilds each touched block from the observations stored now; an emptied one is deleted. */
async function rebuildSummaries(observations: DBCoreTable, summaries: DBCoreTable, cache: DBCoreTable | undefined, trans: DBCoreTransaction, touched: ReadonlyMap<string, Touched>): Promise<void> {
  const put: PopulationYearRow[] = [];
  const gone: string[] = [];
  for (const [key, t] of touched) {
    const from = yearStartDay(t.year) * DAY_MS;
    const to = yearStartDay(t.year + 1) * DAY_MS;
    const byMetric = t.metric !== ANY_READING;
    const range = byMetric
      ? { type: RANGE, lower: [t.patientId, t.metric, from], upper: [t.patientId, t.metric, to], lowerOpen: false, upperOpen: true }
      : { type: RANGE, lower: [t.patientId, from], upper: [t.patientId, to], lowerOpen: false, upperOpen: true };
    const idx = byMetric ? index(observations, ['patientId', 'metric', 'timeMs']) : index(observations, ['patientId', 'timeMs']);
    const res = await observations.query({ trans, values: true, query: { index: idx, range } });
    const readings = (res.result as unknown[]).map(asReading).filter((r): r is SummarizableReading => !!r);
    const update = planBlockUpdates(readings).get(blockKey(t.patientId, t.metric, t.year));
    if (update) put.push(applyBlockUpdate(undefined, update));
    else gone.push(key);
  }
  await writeBlocks(summaries, trans, put);
  if (gone.length) {
    await summaries.mutate({ type: 'delete', trans, keys: gone });
    await dropCaches(cache, trans);
  }
}

async function rowsBefore(observations: DBCoreTable, req: DBCoreMutateRequest): Promise<SummarizableReading[]> {
  if (req.type === 'deleteRange') {
    const res = await observations.query({ trans: req.trans, values: true, query: { index: observations.schema.primaryKey, range: req.range } });
    return (res.result as unknown[]).map(asReading).filter((r): r is SummarizableReading => !!r);
  }
  const keys = req.type === 'delete' ? req.keys : (req.keys ?? req.values.map((v: { id?: unknown }) => v.id));
  const rows = await observations.getMany({ trans: req.trans, keys });
  return rows.map(asReading).filter((r): r is SummarizableReading => !!r);
}

function summarizingTable(observations: DBCoreTable, summaries: DBCoreTable, cache: DBCoreTable | undefined): DBCoreTable {
  return {
    ...observations,
    async mutate(req: DBCoreMutateRequest) {
      if (req.type === 'add') {
        const res = await observations.mutate(req);
        const failed = new Set(Object.keys(res.failures).map(Number));
        await addToSummaries(summaries, req.trans, req.values.filter((_, i) => !failed.has(i)).map(asReading).filter((r): r is SummarizableReading => !!r));
        return res;
      }
      const before = await rowsBefore(observations, req);
      const res = await observations.mutate(req);
      const after = req.type === 'put' ? req.values.map(asReading).filter((r): r is SummarizableReading => !!r) : [];
      // A put of readings none of which was stored (a sync page of new readings) only adds.
      if (req.type === 'put' && before.length === 0) {
        await addToSummaries(summaries, req.trans, after);
        return res;
      }
      const touched = touchedBy([...before, ...after]);
      if (touched.size) await rebuildSummaries(observations, summaries, cache, req.trans, touched);
      return res;
    },
  };
}

/**
 * Writes to the summary table from outside this middleware. A restore (backup.ts) adds the
 * backed-up summary rows after the observations whose adding has already built them: an add
 * replaces the row, so the restored copy — the same figures — wins instead of failing on its
 * key. A delete (erasure purges a patient's rows) drops every clinic-wide cached copy too, so
 * no packed copy of a deleted block outlives it; the next view packs them again.
 */
function guardedSummaries(summaries: DBCoreTable, cache: DBCoreTable | undefined): DBCoreTable {
  return {
    ...summaries,
    async mutate(req) {
      if (req.type === 'add') return summaries.mutate({ ...req, type: 'put', keys: req.keys ?? req.values.map((v: { key?: unknown }) => v.key) });
      const res = await summaries.mutate(req);
      if (req.type === 'delete' || req.type === 'deleteRange') await dropCaches(cache, req.trans);
      return res;
    },
  };
}

export const populationSummaryMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'careloop-population-summaries',
  create(down) {
    if (!down.schema.tables.some((t) => t.name === POPULATION_TABLE)) return down;
    const hasCache = down.schema.tables.some((t) => t.name === POPULATION_CACHE_TABLE);
    return {
      ...down,
      transaction(stores, mode, options) {
        if (mode !== 'readwrite' || !(stores.includes(OBSERVATIONS) || stores.includes(POPULATION_TABLE))) return down.transaction(stores, mode, options);
        const wanted = [POPULATION_TABLE, ...(hasCache ? [POPULATION_CACHE_TABLE] : [])].filter((t) => !stores.includes(t));
        return down.transaction(wanted.length ? [...stores, ...wanted] : stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        const cache = hasCache ? down.table(POPULATION_CACHE_TABLE) : undefined;
        if (name === OBSERVATIONS) return summarizingTable(table, down.table(POPULATION_TABLE), cache);
        return name === POPULATION_TABLE ? guardedSummaries(table, cache) : table;
      },
    };
  },
};
