import Dexie, { type Table } from 'dexie';
import type { z } from 'zod';
import type { AuditEntry } from '../../../common/audit/chain';
import { PATIENT_CHANNELS, type Message } from '../../../common/messaging/message';
import { fieldErrors } from '../../../common/patient/patient';
import type { Role } from '../../../common/security/roles';
import {
  DEFAULT_RETENTION_YEARS,
  ERASURE_FIELD,
  ERASURE_GROUND_FIELD,
  ErasureInput,
  isErased,
  restrictionOf,
  RestrictionInput,
  RetentionYears,
  retentionBlocksUntil,
  TOMBSTONE_FIELDS,
  type ErasureGround,
  type ProcessingRestriction,
} from '../../../common/consent/rights';
import { stampFields } from '../../../common/sync/stamped';
import type { CareLoopDb, PatientRow } from './database';
import { runAsSystem } from '../security/current-actor';
import { appendAudit, queueChange, stampWrite, type WriteContext } from './journal';
import { RESTRICTED_MESSAGING } from './messages';
import { updateRow } from './synced-rows';

/**
 * Restriction of processing (GDPR Art. 18) and erasure (Art. 17) on the workstation, and the
 * accounting of disclosures. Restriction is a synced field on the patient row that the rules,
 * the workflows, messaging and the cloud's sender read; erasure purges every row of the patient from every table and
 * leaves a tombstone patient row (no personal data) that sync carries to every workstation and
 * to the cloud instance, which purge too.
 */

/** A patient row as restriction and erasure see it: the synced record plus the rights fields. */
export type RightsPatientRow = PatientRow & {
  restriction?: ProcessingRestriction | null;
  [ERASURE_FIELD]?: number;
  [ERASURE_GROUND_FIELD]?: ErasureGround;
};

const patientsTable = (db: CareLoopDb) => db.patients as unknown as Table<RightsPatientRow, string>;

export class PatientRightsError extends Error {
  override readonly name = 'PatientRightsError';
  constructor(
    readonly code: 'invalid' | 'not-found' | 'not-administrator' | 'retention-duty',
    message: string,
    /** For 'retention-duty': the record must be kept until then (epoch ms). */
    readonly retainUntilMs?: number,
  ) {
    super(message);
  }
}

function invalid(err: z.ZodError): PatientRightsError {
  return new PatientRightsError('invalid', Object.values(fieldErrors(err)).join('; '));
}

// ---------------------------------------------------------------- restriction (Art. 18)

/**
 * Restricts processing: the record stays, but automation, messaging and analytics skip the
 * patient from now on. Messages still queued to the patient are withheld at once, with the reason.
 */
export async function restrictProcessing(db: CareLoopDb, ctx: WriteContext, input: RestrictionInput): Promise<ProcessingRestriction> {
  const parsed = RestrictionInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { patientId, ground } = parsed.data;
  return db.transaction('rw', [db.patients, db.messages, db.audit, db.outbox, db.meta], async () => {
    const before = await patientsTable(db).get(patientId);
    if (!before || before.deleted) throw new PatientRightsError('not-found', 'That patient does not exist on this workstation.');
    const current = restrictionOf(before);
    if (current) return current;
    const restriction: ProcessingRestriction = { ground, by: ctx.actor, atMs: Date.now() };
    await updateRow<RightsPatientRow>(db, ctx, patientsTable(db), before, { restriction }, { action: 'patient.restrict', entity: 'patient', patientId, reason: ground });
    const queued = (await db.messages.where('[patientId+createdMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray()).filter(
      (m) => PATIENT_CHANNELS.has(m.channel) && (m.status === 'queued' || m.status === 'draft'),
    );
    for (const m of queued) {
      await updateRow<Message>(db, ctx, db.messages, m, { status: 'withheld', error: RESTRICTED_MESSAGING }, { action: 'message.withhold', entity: 'message', patientId, reason: 'processing restricted' });
    }
    return restriction;
  });
}

/** Lifts a restriction (audited). Withheld messages stay withheld: staff send again if still wanted. */
export async function liftRestriction(db: CareLoopDb, ctx: WriteContext, patientId: string): Promise<void> {
  await db.transaction('rw', [db.patients, db.audit, db.outbox, db.meta], async () => {
    const before = await patientsTable(db).get(patientId);
    if (!before || before.deleted) throw new PatientRightsError('not-found', 'That patient does not exist on this workstation.');
    const current = restrictionOf(before);
    if (!current) return;
    await updateRow<RightsPatientRow>(db, ctx, patientsTable(db), before, { restriction: null }, { action: 'patient.restriction-lift', entity: 'patient', patientId, reason: current.ground });
  });
}

/** Which of these patients are restricted (one indexed read). */
export async function restrictedAmong(db: CareLoopDb, patientIds: Iterable<string>): Promise<Set<string>> {
  return among(db, patientIds, (p) => restrictionOf(p) !== undefined);
}

/** Which of these patients automation must leave alone: restricted, or erased (a tombstone). */
export async function notProcessedAmong(db: CareLoopDb, patientIds: Iterable<string>): Promise<Set<string>> {
  return among(db, patientIds, (p) => restrictionOf(p) !== undefined || isErased(p));
}

async function among(db: CareLoopDb, patientIds: Iterable<string>, test: (p: RightsPatientRow) => boolean): Promise<Set<string>> {
  const ids = [...new Set(patientIds)];
  const rows = ids.length ? await patientsTable(db).bulkGet(ids) : [];
  return new Set(rows.filter((p): p is RightsPatientRow => !!p && test(p)).map((p) => p.id));
}

// ---------------------------------------------------------------- retention setting

const RETENTION_KEY = 'settings:retention-years';

/** The clinic's retention period for clinical records, in years (a workstation setting). */
export async function retentionYears(db: CareLoopDb): Promise<number> {
  const v = (await db.meta.get(RETENTION_KEY))?.value;
  return typeof v === 'number' && RetentionYears.safeParse(v).success ? v : DEFAULT_RETENTION_YEARS;
}

export async function setRetentionYears(db: CareLoopDb, ctx: WriteContext, years: number): Promise<void> {
  const parsed = RetentionYears.safeParse(years);
  if (!parsed.success) throw new PatientRightsError('invalid', `retention period: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  await db.transaction('rw', [db.meta, db.audit], async () => {
    const before = await retentionYears(db);
    await db.meta.put({ key: RETENTION_KEY, value: parsed.data });
    await appendAudit(db, ctx, { action: 'settings.retention', entity: 'settings', entityId: RETENTION_KEY, changes: { retentionYears: { before, after: parsed.data } } });
  });
}

// ---------------------------------------------------------------- erasure (Art. 17)

/**
 * Dexie.maxKey as a fresh array each time: IndexedDB refuses a key in which the same array
 * object appears twice (it takes it for a cycle).
 */
const top = (): unknown[][] => [[]];

/** The newest clinical record of a patient (notes, readings, waveforms, alerts, device sessions). */
export async function latestClinicalRecordMs(db: CareLoopDb, patientId: string): Promise<number | undefined> {
  const lo = Dexie.minKey;
  const hi = Dexie.maxKey;
  const [note, reading, alert, session, blocks] = await Promise.all([
    db.clinicalNotes.where('[patientId+createdMs]').between([patientId, lo], [patientId, hi]).last(),
    db.observations.where('[patientId+timeMs]').between([patientId, lo], [patientId, hi]).last(),
    db.alerts.where('[patientId+openedAtMs]').between([patientId, lo], [patientId, hi]).last(),
    db.deviceSessions.where('[patientId+startedMs]').between([patientId, lo], [patientId, hi]).last(),
    db.seriesBlocks.where('[patientId+metric+startMs]').between([patientId, lo, lo], [patientId, top(), top()]).keys(),
  ]);
  const times = [note?.createdMs, reading?.timeMs, alert?.openedAtMs, session?.startedMs, ...(blocks as unknown as [string, string, number][]).map((k) => k[2])].filter(
    (t): t is number => typeof t === 'number' && Number.isFinite(t),
  );
  return times.length ? Math.max(...times) : undefined;
}

export interface ErasureReport {
  patientId: string;
  /** Rows purged per table. */
  purged: Record<string, number>;
  /** Pending sync changes of the patient's rows dropped from the outbox. */
  outboxDropped: number;
}

/** Tables that are the workstation's own bookkeeping, never patient rows to purge. */
const NOT_PURGED = new Set(['patients', 'audit', 'outbox', 'meta']);

function patientIndexOf(table: Table): { name: string; parts: number } | undefined {
  const pk = table.schema.primKey;
  if (pk.keyPath === 'patientId') return { name: ':id', parts: 1 };
  for (const idx of table.schema.indexes) {
    if (idx.keyPath === 'patientId') return { name: idx.name, parts: 1 };
    if (Array.isArray(idx.keyPath) && idx.keyPath[0] === 'patientId') return { name: idx.name, parts: idx.keyPath.length };
  }
  return undefined;
}

/**
 * Deletes every row of the patient from every table but the patient row itself, through the
 * table's patientId index where it has one and a scan where it does not (so tables added
 * later are covered too); drops the pending sync changes of those rows and of the patient.
 * Runs in the caller's transaction, which must include every table.
 */
async function purgeRows(db: CareLoopDb, patientId: string): Promise<{ purged: Record<string, number>; outboxDropped: number }> {
  const purged: Record<string, number> = {};
  const purgedKeys = new Map<string, Set<unknown>>();
  for (const table of db.tables) {
    if (NOT_PURGED.has(table.name)) continue;
    const idx = patientIndexOf(table);
    const lo = Array.from({ length: (idx?.parts ?? 1) - 1 }, () => Dexie.minKey);
    const hi = Array.from({ length: (idx?.parts ?? 1) - 1 }, top);
    const coll = !idx
      ? table.filter((r: Record<string, unknown>) => r['patientId'] === patientId)
      : idx.parts === 1
        ? table.where(idx.name).equals(patientId)
        : table.where(idx.name).between([patientId, ...lo], [patientId, ...hi], true, true);
    const keys = await coll.primaryKeys();
    if (!keys.length) continue;
    await table.bulkDelete(keys);
    purged[table.name] = keys.length;
    purgedKeys.set(table.name, new Set(keys));
  }
  // A device's download high-water mark names the device only, but goes with it.
  for (const deviceId of purgedKeys.get('devices') ?? []) await db.meta.delete(`highwater:${String(deviceId)}`);
  const pending = await db.outbox
    .filter((e) => (e.table === 'patients' && e.rowId === patientId) || e.fields['patientId']?.value === patientId || !!purgedKeys.get(e.table)?.has(e.rowId))
    .primaryKeys();
  await db.outbox.bulkDelete(pending);
  return { purged, outboxDropped: pending.length };
}

/** An empty value of the same shape: what an erased field becomes. */
function blank(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return [];
  if (value && typeof value === 'object') return {};
  return null;
}

const ROW_META = new Set(['id', 'clinicId', 'stamps', 'updatedAt', 'sortName', 'mrnKey', 'searchTokens']);

/** The patient row reduced to a tombstone: every personal field emptied, the erasure recorded. */
function tombstoneOf(before: RightsPatientRow, ground: ErasureGround | undefined, erasedMs: number): { row: Record<string, unknown>; fields: string[] } {
  const row: Record<string, unknown> = { id: before.id, clinicId: before.clinicId, createdAt: before.createdAt, updatedAt: new Date().toISOString() };
  const fields: string[] = [];
  for (const [k, v] of Object.entries(before)) {
    if (ROW_META.has(k) || TOMBSTONE_FIELDS.has(k)) continue;
    row[k] = blank(v);
    if (JSON.stringify(row[k]) !== JSON.stringify(v)) fields.push(k);
  }
  const marks: Record<string, unknown> = { deleted: true, status: 'archived', [ERASURE_FIELD]: before[ERASURE_FIELD] ?? erasedMs, [ERASURE_GROUND_FIELD]: before[ERASURE_GROUND_FIELD] ?? ground ?? null };
  for (const [k, v] of Object.entries(marks)) {
    row[k] = v;
    if (JSON.stringify((before as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v)) fields.push(k);
  }
  // Local index keys: the unique MRN index must not collide between tombstones.
  Object.assign(row, { sortName: '', mrnKey: `~erased~${before.id}`, searchTokens: [] });
  return { row, fields };
}

/**
 * Erases a patient: only an administrator, only where no retention duty applies (the newest
 * clinical record is older than the clinic's retention period — otherwise restriction is the
 * answer, and the refusal is audited). Every row of the patient in every table is purged in one
 * transaction, and the patient row becomes a tombstone queued for sync. Audit entries stay: the
 * hash chain is never broken; the erasure's own entry carries ids, the ground and counts only.
 */
export async function erasePatient(db: CareLoopDb, ctx: WriteContext, input: ErasureInput, by: { role: Role | undefined }, nowMs = Date.now()): Promise<ErasureReport> {
  const parsed = ErasureInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { patientId, ground } = parsed.data;
  if (by.role !== 'administrator') throw new PatientRightsError('not-administrator', 'Only an administrator can erase a patient record.');
  const patient = await patientsTable(db).get(patientId);
  if (!patient || isErased(patient)) throw new PatientRightsError('not-found', 'That patient does not exist on this workstation.');
  const years = await retentionYears(db);
  const until = retentionBlocksUntil(await latestClinicalRecordMs(db, patientId), nowMs, years);
  if (until !== undefined) {
    const reason = `clinical records must be kept for ${years} years after the last one, until ${new Date(until).toISOString().slice(0, 10)}`;
    await appendAudit(db, ctx, { action: 'patient.erase-refuse', entity: 'patient', entityId: patientId, patientId, reason: `${ground}: ${reason}` });
    throw new PatientRightsError('retention-duty', `Not erased: ${reason}. Restrict processing instead.`, until);
  }
  // Consents and notes are append-only for every role: the purge is the app's own work, after the administrator check above.
  return runAsSystem(db, db.tables, 'erasure decided by an administrator (GDPR Art. 17)', async () => {
    const before = await patientsTable(db).get(patientId);
    if (!before || isErased(before)) throw new PatientRightsError('not-found', 'That patient does not exist on this workstation.');
    const { purged, outboxDropped } = await purgeRows(db, patientId);
    const { row, fields } = tombstoneOf(before, ground, nowMs);
    const stamp = await stampWrite(db, ctx.clock);
    row['stamps'] = stampFields(before.stamps, fields, stamp);
    await db.patients.put(row as unknown as PatientRow);
    await queueChange(db, 'patients', patientId, row, fields, stamp);
    await appendAudit(db, ctx, {
      action: 'patient.erase',
      entity: 'patient',
      entityId: patientId,
      patientId,
      reason: ground,
      changes: { purgedRows: { before: undefined, after: Object.values(purged).reduce((a, b) => a + b, 0) } },
    });
    return { patientId, purged, outboxDropped };
  });
}

/**
 * What a pulled sync page means for erased patients: a tombstone that arrived purges the
 * patient here too (and empties any personal field a stale write brought back, locally only:
 * the cloud instance does the same and its rewrite follows), and rows of an erased patient
 * that arrive late are deleted. Call after the page is applied.
 */
export async function applyErasuresFromSync(db: CareLoopDb, ctx: WriteContext, written: Readonly<Record<string, readonly Record<string, unknown>[]>>): Promise<{ erased: string[]; strayRows: number }> {
  const tombstones = (written['patients'] ?? []).filter((p) => isErased(p)).map((p) => String(p['id']));
  const owners = new Set<string>();
  for (const [table, rows] of Object.entries(written)) {
    if (table === 'patients') continue;
    for (const r of rows) if (typeof r['patientId'] === 'string') owners.add(r['patientId']);
  }
  // Sync is the app's own work, also while the session is locked: its reads and writes here act as the system.
  const erasedOwners = owners.size
    ? await runAsSystem(db, [db.patients], 'check whether pulled rows belong to an erased patient', () => among(db, owners, (p) => isErased(p)))
    : new Set<string>();
  if (!tombstones.length && !erasedOwners.size) return { erased: [], strayRows: 0 };
  let strayRows = 0;
  await runAsSystem(db, db.tables, 'an erasure made on another workstation arrived by sync', async () => {
    for (const patientId of tombstones) {
      const before = await patientsTable(db).get(patientId);
      if (!before) continue;
      const { purged } = await purgeRows(db, patientId);
      const { row, fields } = tombstoneOf(before, before[ERASURE_GROUND_FIELD], before[ERASURE_FIELD] ?? Date.now());
      if (fields.length) await db.patients.put({ ...row, stamps: before.stamps } as unknown as PatientRow);
      const total = Object.values(purged).reduce((a, b) => a + b, 0);
      const audited = await db.audit.where('patientId').equals(patientId).filter((a: AuditEntry) => a.action === 'patient.erase').count();
      if (total > 0 || audited === 0) {
        await appendAudit(db, ctx, { action: 'patient.erase', entity: 'patient', entityId: patientId, patientId, reason: 'erased on another workstation (sync)', changes: { purgedRows: { before: undefined, after: total } } });
      }
    }
    for (const [table, rows] of Object.entries(written)) {
      if (table === 'patients' || !erasedOwners.size) continue;
      const t = db.tables.find((x) => x.name === table);
      const ids = rows.filter((r) => erasedOwners.has(String(r['patientId']))).map((r) => r['id']);
      if (!t || !ids.length) continue;
      await t.bulkDelete(ids);
      strayRows += ids.length;
    }
  });
  return { erased: tombstones, strayRows };
}

// ---------------------------------------------------------------- accounting of disclosures

export interface DisclosureRecord {
  at: string;
  actor: string;
  workstation: string;
  kind: 'export' | 'print' | 'share';
  recipient: string;
  format: string;
  encrypted: boolean;
}

const DISCLOSED = new Set(['export', 'print', 'share']);

/** Every export, print and share of the patient's data recorded on this workstation, newest first. */
export async function disclosuresOf(db: CareLoopDb, patientId: string): Promise<DisclosureRecord[]> {
  const entries = await db.audit.where('patientId').equals(patientId).filter((a) => DISCLOSED.has(a.action)).toArray();
  const text = (e: AuditEntry, k: string) => {
    const v = e.changes?.[k]?.after;
    return typeof v === 'string' ? v : '';
  };
  return entries
    .sort((a, b) => b.seq - a.seq)
    .map((e) => ({
      at: e.at,
      actor: e.actor,
      workstation: e.workstation,
      kind: e.action as DisclosureRecord['kind'],
      recipient: text(e, 'recipient'),
      format: text(e, 'format'),
      encrypted: e.changes?.['encrypted']?.after === true,
    }));
}
