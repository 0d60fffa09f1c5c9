import type { Collection } from 'dexie';
import { newId } from '../../../common/ids';
import { PatientInput, fieldErrors, displayName, type FieldErrors, type PatientFields, type PatientStatus } from '../../../common/patient/patient';
import { fold, patientSearchTokens, queryTerms } from '../../../common/patient/search';
import { changedFields, stampFields } from '../../../common/sync/stamped';
import type { CareLoopDb, PatientRow } from './database';
import { appendAudit, queueChange, stampWrite, type WriteContext } from './journal';

/** Validation failed: nothing was written; `fields` says what to fix, per field. */
export class PatientValidationError extends Error {
  override readonly name = 'PatientValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

export class PatientNotFoundError extends Error {
  override readonly name = 'PatientNotFoundError';
}

/** Fields that are local index helpers, not part of the synced record. */
const LOCAL_FIELDS = new Set(['sortName', 'mrnKey', 'searchTokens']);

/** Local index fields of a patient; also recomputed when sync writes a pulled patient. */
export function derived(fields: PatientFields): Pick<PatientRow, 'sortName' | 'mrnKey' | 'searchTokens'> {
  return {
    sortName: fold(`${fields.familyName} ${fields.givenName}`),
    mrnKey: fields.mrn.toUpperCase(),
    searchTokens: patientSearchTokens(fields),
  };
}

function validate(input: unknown): PatientFields {
  const parsed = PatientInput.safeParse(input);
  if (!parsed.success) throw new PatientValidationError(fieldErrors(parsed.error));
  return parsed.data;
}

function pickFields(row: PatientRow): PatientFields {
  const { givenName, familyName, preferredName, birthDate, sex, mrn, identifiers, phone, email, address,
    preferredLanguage, preferredChannel, conditions, medications, allergies, tags, careTeam, smokingStatus } = row;
  return { givenName, familyName, preferredName, birthDate, sex, mrn, identifiers, phone, email, address,
    preferredLanguage, preferredChannel, conditions, medications, allergies, tags, careTeam, smokingStatus };
}

/** Patients on this workstation: every write is validated, audited and queued for sync in one transaction. */
export class PatientRepository {
  constructor(
    private readonly db: CareLoopDb,
    private readonly ctx: WriteContext,
  ) {}

  private async assertMrnFree(mrnKey: string, exceptId?: string): Promise<void> {
    const holder = await this.db.patients.where('mrnKey').equals(mrnKey).first();
    if (holder && holder.id !== exceptId) {
      throw new PatientValidationError({ mrn: `is already used by ${displayName(holder)}` });
    }
  }

  async create(input: unknown): Promise<PatientRow> {
    const fields = validate(input);
    const { db, ctx } = this;
    return db.transaction('rw', [db.patients, db.audit, db.outbox, db.meta], async () => {
      const d = derived(fields);
      await this.assertMrnFree(d.mrnKey);
      const stamp = await stampWrite(db, ctx.clock);
      const now = new Date().toISOString();
      const base = { ...fields, status: 'active' as PatientStatus, deleted: false };
      const synced = Object.keys(base);
      const row: PatientRow = {
        ...base,
        id: newId(),
        clinicId: ctx.clinicId,
        createdAt: now,
        updatedAt: now,
        stamps: stampFields({}, [...synced, 'createdAt'], stamp),
        ...d,
      };
      await db.patients.add(row);
      await queueChange(db, 'patients', row.id, row as unknown as Record<string, unknown>, [...synced, 'createdAt', 'clinicId'], stamp);
      await appendAudit(db, ctx, {
        action: 'patient.create',
        entity: 'patient',
        entityId: row.id,
        patientId: row.id,
        changes: Object.fromEntries(synced.map((k) => [k, { before: undefined, after: (base as Record<string, unknown>)[k] }])),
      });
      return row;
    });
  }

  /**
   * Creates many patients in one transaction (all or none), e.g. the demo clinic or an
   * import. Every input is validated first; the first invalid one is reported by index.
   */
  async createMany(inputs: readonly unknown[], onProgress?: (done: number, total: number) => void): Promise<PatientRow[]> {
    const all = inputs.map((input, i) => {
      const parsed = PatientInput.safeParse(input);
      if (!parsed.success) {
        const fields = fieldErrors(parsed.error);
        throw new PatientValidationError(Object.fromEntries(Object.entries(fields).map(([k, v]) => [`#${i + 1} ${k}`, v])));
      }
      return parsed.data;
    });
    const { db, ctx } = this;
    const CHUNK = 500;
    return db.transaction('rw', [db.patients, db.audit, db.outbox, db.meta], async () => {
      const keys = all.map((f) => f.mrn.toUpperCase());
      if (new Set(keys).size !== keys.length) throw new PatientValidationError({ mrn: 'the same MRN appears twice in this batch' });
      const taken = await db.patients.where('mrnKey').anyOf(keys).first();
      if (taken) throw new PatientValidationError({ mrn: `${taken.mrn} is already used by ${displayName(taken)}` });
      const created: PatientRow[] = [];
      for (let start = 0; start < all.length; start += CHUNK) {
        const rows: PatientRow[] = [];
        const stamp = await stampWrite(db, ctx.clock);
        const now = new Date().toISOString();
        for (const fields of all.slice(start, start + CHUNK)) {
          const base = { ...fields, status: 'active' as PatientStatus, deleted: false };
          rows.push({
            ...base,
            id: newId(),
            clinicId: ctx.clinicId,
            createdAt: now,
            updatedAt: now,
            stamps: stampFields({}, [...Object.keys(base), 'createdAt'], stamp),
            ...derived(fields),
          });
        }
        await db.patients.bulkAdd(rows);
        created.push(...rows);
        for (const row of rows) {
          const synced = [...Object.keys(pickFields(row)).filter((k) => (row as unknown as Record<string, unknown>)[k] !== undefined), 'status', 'deleted', 'createdAt', 'clinicId'];
          await queueChange(db, 'patients', row.id, row as unknown as Record<string, unknown>, synced, stamp);
          await appendAudit(db, ctx, { action: 'patient.create', entity: 'patient', entityId: row.id, patientId: row.id });
        }
        onProgress?.(Math.min(start + CHUNK, all.length), all.length);
      }
      return created;
    });
  }

  async update(id: string, input: unknown): Promise<PatientRow> {
    const fields = validate(input);
    return this.write(id, 'patient.update', (before) => ({ ...before, ...fields, ...derived(fields) }), async (before) => {
      if (fields.mrn.toUpperCase() !== before.mrnKey) await this.assertMrnFree(fields.mrn.toUpperCase(), id);
    });
  }

  async archive(id: string, reason?: string): Promise<PatientRow> {
    return this.write(id, 'patient.archive', (before) => ({ ...before, status: 'archived' }), undefined, reason);
  }

  async restore(id: string): Promise<PatientRow> {
    return this.write(id, 'patient.restore', (before) => ({ ...before, status: 'active' }));
  }

  private async write(
    id: string,
    action: 'patient.update' | 'patient.archive' | 'patient.restore',
    change: (before: PatientRow) => PatientRow,
    check?: (before: PatientRow) => Promise<void>,
    reason?: string,
  ): Promise<PatientRow> {
    const { db, ctx } = this;
    return db.transaction('rw', [db.patients, db.audit, db.outbox, db.meta], async () => {
      const before = await db.patients.get(id);
      if (!before || before.deleted) throw new PatientNotFoundError(`no patient with id ${id}`);
      await check?.(before);
      const next = change(before);
      const changed = changedFields(before, next).filter((f) => !LOCAL_FIELDS.has(f));
      if (changed.length === 0) return before;
      const stamp = await stampWrite(db, ctx.clock);
      const row: PatientRow = { ...next, updatedAt: new Date().toISOString(), stamps: stampFields(before.stamps, changed, stamp) };
      await db.patients.put(row);
      await queueChange(db, 'patients', id, row as unknown as Record<string, unknown>, changed, stamp);
      const b = before as unknown as Record<string, unknown>;
      const a = row as unknown as Record<string, unknown>;
      await appendAudit(db, ctx, {
        action,
        entity: 'patient',
        entityId: id,
        patientId: id,
        changes: Object.fromEntries(changed.map((k) => [k, { before: b[k], after: a[k] }])),
        ...(reason ? { reason } : {}),
      });
      return row;
    });
  }

  /** Records that the current user opened this patient's record (who saw what). */
  async recordView(id: string): Promise<void> {
    const { db, ctx } = this;
    await appendAudit(db, ctx, { action: 'patient.view', entity: 'patient', entityId: id, patientId: id });
  }

  async get(id: string): Promise<PatientRow | undefined> {
    const row = await this.db.patients.get(id);
    return row && !row.deleted ? row : undefined;
  }

  /** Editable fields of a stored patient, e.g. to fill the edit form. */
  static editable(row: PatientRow): PatientFields {
    return pickFields(row);
  }
}

export interface PatientQuery {
  text: string;
  status: PatientStatus;
  limit: number;
}

export interface PatientPage {
  rows: PatientRow[];
  /** Matches in all (rows holds at most `limit` of them). */
  total: number;
}

/**
 * Search by name, MRN, phone or date of birth: every term must prefix-match one of the
 * patient's tokens. The longest term drives the index lookup, the rest filter.
 */
export async function searchPatients(db: CareLoopDb, q: PatientQuery): Promise<PatientPage> {
  const terms = queryTerms(q.text);
  let collection: Collection<PatientRow, string>;
  if (terms.length === 0) {
    collection = db.patients
      .where('[status+sortName]')
      .between([q.status, ''], [q.status, '\uffff'])
      .filter((p) => !p.deleted);
    const [rows, total] = await Promise.all([collection.clone().limit(q.limit).toArray(), collection.clone().count()]);
    return { rows, total };
  }
  const [lead, ...rest] = [...terms].sort((a, b) => b.length - a.length) as [string, ...string[]];
  const matches = await db.patients
    .where('searchTokens')
    .startsWith(lead)
    .distinct()
    .filter((p) => !p.deleted && p.status === q.status && rest.every((t) => p.searchTokens.some((tok) => tok.startsWith(t))))
    .toArray();
  matches.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
  return { rows: matches.slice(0, q.limit), total: matches.length };
}

export async function countPatients(db: CareLoopDb, status: PatientStatus = 'active'): Promise<number> {
  return db.patients.where('[status+sortName]').between([status, ''], [status, '\uffff']).count();
}
