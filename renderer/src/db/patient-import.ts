import { mrnKeyOf, type PatientImportPlan, type RowOutcome } from '../../../common/patient-import/plan';
import type { CareLoopDb } from './database';
import { appendAudit, type WriteContext } from './journal';
import { PatientRepository } from './patients';

/** The MRN keys among `keys` that patients of this workstation already have (archived and deleted ones too: an MRN is never reused). */
export async function existingMrnKeys(db: CareLoopDb, keys: Iterable<string>): Promise<Set<string>> {
  const wanted = [...new Set([...keys].map(mrnKeyOf).filter((k) => k !== ''))];
  const found = new Set<string>();
  const SLICE = 1000;
  for (let i = 0; i < wanted.length; i += SLICE) {
    const rows = await db.patients.where('mrnKey').anyOf(wanted.slice(i, i + SLICE)).toArray();
    for (const r of rows) found.add(r.mrnKey);
  }
  return found;
}

export interface PatientImportProgress {
  done: number;
  total: number;
}

export interface PatientImportResult {
  created: number;
  /** Valid rows whose MRN a patient got between the preview and the import: skipped, not overwritten. */
  skippedExisting: RowOutcome[];
  /** Rows the plan rejected (invalid or duplicate), plus skippedExisting: what the report lists. */
  rejected: RowOutcome[];
  cancelled: boolean;
}

/** Rows per transaction: small enough to show progress and keep the UI responsive, large enough to be quick. */
const CHUNK = 200;

/**
 * Creates the plan's valid rows as patients through PatientRepository (validation, audit and
 * sync stamps as for a patient entered by hand), a chunk per transaction so a cancelled or
 * failed import keeps whole chunks. MRNs are checked again before each chunk, so a patient
 * created meanwhile (by another user, or by sync) is skipped and reported, never overwritten.
 * The import as a whole is audited as 'import' with its counts (no patient data).
 */
export async function importPatients(
  db: CareLoopDb,
  ctx: WriteContext,
  plan: PatientImportPlan,
  options: { fileName: string; onProgress?: (p: PatientImportProgress) => void; signal?: { readonly aborted: boolean } },
): Promise<PatientImportResult> {
  const repo = new PatientRepository(db, ctx);
  const valid = plan.rows.filter((r) => r.status === 'valid' && r.fields);
  const result: PatientImportResult = { created: 0, skippedExisting: [], rejected: plan.rows.filter((r) => r.status !== 'valid'), cancelled: false };
  try {
    for (let start = 0; start < valid.length; start += CHUNK) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const chunk = valid.slice(start, start + CHUNK);
      const taken = await existingMrnKeys(db, chunk.map((r) => r.fields!.mrn));
      const fresh = chunk.filter((r) => !taken.has(mrnKeyOf(r.fields!.mrn)));
      for (const r of chunk) {
        if (taken.has(mrnKeyOf(r.fields!.mrn))) {
          const skipped: RowOutcome = { ...r, status: 'duplicate', errors: { mrn: 'a patient with this MRN exists' }, reasons: [`MRN ${r.fields!.mrn} already belongs to a patient (not overwritten)`] };
          result.skippedExisting.push(skipped);
          result.rejected.push(skipped);
        }
      }
      if (fresh.length) {
        await repo.createMany(fresh.map((r) => r.fields!));
        result.created += fresh.length;
      }
      options.onProgress?.({ done: Math.min(start + CHUNK, valid.length), total: valid.length });
    }
  } finally {
    result.rejected.sort((a, b) => a.line - b.line);
    await appendAudit(db, ctx, {
      action: 'import',
      entity: 'patient-import',
      entityId: options.fileName.slice(0, 200),
      changes: {
        format: { before: undefined, after: 'patients-csv' },
        rows: { before: undefined, after: plan.counts.rows },
        created: { before: undefined, after: result.created },
        invalid: { before: undefined, after: plan.counts.invalid },
        duplicate: { before: undefined, after: plan.counts.duplicate + result.skippedExisting.length },
        cancelled: { before: undefined, after: result.cancelled },
      },
    });
  }
  return result;
}
