import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newId } from '../../common/ids';
import { ERASURE_FIELD, isErased, TOMBSTONE_FIELDS } from '../../common/consent/rights';
import type { FieldMap, JsonValue } from '../../common/sync/protocol';
import { requirePermission } from '../auth/guard';
import type { ServerContext } from '../context';
import type { Database, Queryable } from '../db/database';
import { HttpError, parse } from '../http/errors';
import { applyInTransaction } from './apply-changes';

/**
 * Erasure on the cloud instance (GDPR Art. 17, issue 9). A workstation erases a patient by
 * pushing a tombstone: the patient row with `erasedMs` set and every personal field emptied.
 * Here every synced row that names the patient is then deleted, with the overwritten values
 * sync_conflicts kept of them, their delivery claims and the patient's device keys; the
 * patient row stays as the tombstone (so every workstation that pulls it purges too, and a
 * stale write cannot bring the patient back), with any field that is not part of a tombstone
 * emptied again by a change of the server's own. The change ids in sync_changes stay: they
 * hold no data, and they keep a replayed push of an erased row from applying again. The
 * record of the erasure is the tombstone (when, on which ground) and a log line of ids and
 * counts.
 */

export interface PurgeReport {
  patientId: string;
  /** Synced rows deleted, per table. */
  rows: Record<string, number>;
  conflicts: number;
  deviceKeys: number;
}

const valuesOf = (fields: FieldMap): Record<string, unknown> => Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.value]));

function blank(value: JsonValue): JsonValue {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return [];
  if (value && typeof value === 'object') return {};
  return null;
}

/** Purges an erased patient's rows in the caller's transaction; undefined when the patient is not erased. */
export async function purgeErasedPatient(tx: Queryable, ctx: Pick<ServerContext, 'clock'>, clinicId: string, patientId: string): Promise<PurgeReport | undefined> {
  // The clinic's counter lock first, as every push takes it: no push can add a row for the patient meanwhile.
  await tx.query('SELECT version FROM clinics WHERE clinic_id = $1 FOR UPDATE', [clinicId]);
  const [tomb] = await tx.query<{ fields: FieldMap }>("SELECT fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND row_id = $2", [clinicId, patientId]);
  if (!tomb || !isErased(valuesOf(tomb.fields))) return undefined;

  // Fields a stale write filled again are emptied by a newer change, so workstations that pulled them empty them too.
  const refill: FieldMap = {};
  for (const [name, f] of Object.entries(tomb.fields)) {
    if (TOMBSTONE_FIELDS.has(name)) continue;
    const empty = blank(f.value);
    if (JSON.stringify(empty) !== JSON.stringify(f.value)) refill[name] = { value: empty, stamp: '' };
  }
  if (Object.keys(refill).length) {
    for (const f of Object.values(tomb.fields)) ctx.clock.receive(f.stamp);
    const stamp = ctx.clock.tick();
    for (const f of Object.values(refill)) f.stamp = stamp;
    await applyInTransaction(tx, clinicId, [{ changeId: newId(), table: 'patients', rowId: patientId, fields: refill }]);
  }

  const doomed = await tx.query<{ table_name: string; row_id: string }>(
    "SELECT table_name, row_id FROM sync_rows WHERE clinic_id = $1 AND table_name <> 'patients' AND fields -> 'patientId' ->> 'value' = $2",
    [clinicId, patientId],
  );
  const rows: Record<string, number> = {};
  for (const d of doomed) rows[d.table_name] = (rows[d.table_name] ?? 0) + 1;
  const tables = doomed.map((d) => d.table_name);
  const ids = doomed.map((d) => d.row_id);
  await tx.query('DELETE FROM sync_rows s USING unnest($2::text[], $3::text[]) AS x(t, r) WHERE s.clinic_id = $1 AND s.table_name = x.t AND s.row_id = x.r', [clinicId, tables, ids]);
  const conflicts = await tx.query(
    `DELETE FROM sync_conflicts c USING unnest($2::text[], $3::text[]) AS x(t, r)
     WHERE c.clinic_id = $1 AND c.table_name = x.t AND c.row_id = x.r RETURNING 1`,
    [clinicId, [...tables, 'patients'], [...ids, patientId]],
  );
  const messages = doomed.filter((d) => d.table_name === 'messages').map((d) => d.row_id);
  if (messages.length) await tx.query('DELETE FROM message_deliveries WHERE clinic_id = $1 AND message_id = ANY($2::text[])', [clinicId, messages]);
  const keys = await tx.query('DELETE FROM device_keys WHERE clinic_id = $1 AND patient_id = $2 RETURNING 1', [clinicId, patientId]);
  return { patientId, rows, conflicts: conflicts.length, deviceKeys: keys.length };
}

/** Erased patients among these ids (one primary-key lookup). */
async function erasedAmong(db: Queryable, clinicId: string, patientIds: readonly string[]): Promise<Set<string>> {
  if (!patientIds.length) return new Set();
  const found = await db.query<{ row_id: string; fields: FieldMap }>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND row_id = ANY($2::text[])", [clinicId, patientIds]);
  return new Set(found.filter((r) => isErased(valuesOf(r.fields))).map((r) => r.row_id));
}

/**
 * Whether a clinic has any erased patient, remembered for a minute per server so that pushes
 * to the many clinics without one cost no query. A tombstone pushed to this server sets it at
 * once; one pushed to another server is seen here within the minute.
 */
const ERASURES_KNOWN_FOR_MS = 60_000;
const knownErasures = new WeakMap<object, Map<string, { has: boolean; atMs: number }>>();

async function clinicHasErasures(db: Database, ctx: object, clinicId: string, tombstoneArrived: boolean): Promise<boolean> {
  const known = knownErasures.get(ctx) ?? new Map<string, { has: boolean; atMs: number }>();
  knownErasures.set(ctx, known);
  const now = Date.now();
  const entry = known.get(clinicId);
  if (tombstoneArrived || entry?.has) {
    known.set(clinicId, { has: true, atMs: now });
    return true;
  }
  if (entry && now - entry.atMs < ERASURES_KNOWN_FOR_MS) return false;
  const found = await db.query("SELECT 1 FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND fields -> $2 IS NOT NULL LIMIT 1", [clinicId, ERASURE_FIELD]);
  known.set(clinicId, { has: found.length > 0, atMs: now });
  return found.length > 0;
}

/**
 * After a push: a tombstone that arrived purges its patient, and rows that a workstation which
 * had not yet heard of an erasure pushed for an erased patient are purged again at once.
 */
export async function purgeAfterPush(db: Database, ctx: Pick<ServerContext, 'clock'>, clinicId: string, modified: readonly { table: string; rowId: string; fields: FieldMap }[], log?: FastifyBaseLogger): Promise<PurgeReport[]> {
  // Only the erasure field decides (isErased); reading it alone spares copying every field of every pushed row.
  const tombstoneArrived = modified.some((m) => m.table === 'patients' && isErased({ [ERASURE_FIELD]: m.fields[ERASURE_FIELD]?.value }));
  if (!modified.length || !(await clinicHasErasures(db, ctx, clinicId, tombstoneArrived))) return [];
  const candidates = new Set<string>();
  for (const m of modified) {
    if (m.table === 'patients') candidates.add(m.rowId);
    const owner = m.fields['patientId']?.value;
    if (typeof owner === 'string') candidates.add(owner);
  }
  const erased = await erasedAmong(db, clinicId, [...candidates]);
  const reports: PurgeReport[] = [];
  for (const patientId of erased) {
    const report = await db.transaction((tx) => purgeErasedPatient(tx, ctx, clinicId, patientId));
    if (!report) continue;
    reports.push(report);
    log?.info({ clinicId, patientId, rows: report.rows, conflicts: report.conflicts, deviceKeys: report.deviceKeys }, 'erased patient purged');
  }
  return reports;
}

export function registerErasureRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /** Erased patients of the clinic: ids and when, nothing else; for those who may erase (the administrator). */
  app.get('/sync/erasures', async (request) => {
    const caller = requirePermission(request, ctx.tokenKey, 'delete', 'patient');
    const rows = await ctx.db.query<{ row_id: string; fields: FieldMap }>("SELECT row_id, fields FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND fields -> $2 IS NOT NULL", [caller.clinic, ERASURE_FIELD]);
    const erasures = rows
      .map((r) => ({ patientId: r.row_id, f: valuesOf(r.fields) }))
      .filter((r) => isErased(r.f))
      .map((r) => ({ patientId: r.patientId, erasedMs: r.f[ERASURE_FIELD] as number, ground: typeof r.f['erasureGround'] === 'string' ? r.f['erasureGround'] : null }));
    return { erasures };
  });

  /** Runs the purge of an erased patient again (e.g. after restoring a database backup taken before it). */
  app.post('/sync/erasures/:patientId/purge', async (request) => {
    const caller = requirePermission(request, ctx.tokenKey, 'delete', 'patient');
    const { patientId } = parse(z.object({ patientId: z.string().min(1).max(200) }).strict(), request.params);
    const report = await ctx.db.transaction((tx) => purgeErasedPatient(tx, ctx, caller.clinic, patientId));
    if (!report) throw new HttpError(404, 'not-erased', 'no erased patient with that id in this clinic');
    request.log.info({ clinicId: caller.clinic, patientId, rows: report.rows, conflicts: report.conflicts, deviceKeys: report.deviceKeys }, 'erased patient purged');
    return report;
  });
}
