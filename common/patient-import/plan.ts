import type { PatientFields } from '../patient/patient';
import { checkMapping, type PatientColumnMapping } from './fields';
import type { PatientCsv } from './read-csv';
import { checkRow, describeErrors, type RowErrors } from './row-to-patient';

/** The MRN as patients are keyed by it (PatientRepository: upper-case). */
export const mrnKeyOf = (mrn: string) => mrn.trim().toUpperCase();

export type RowStatus = 'valid' | 'invalid' | 'duplicate';

export interface RowOutcome {
  line: number;
  cells: string[];
  status: RowStatus;
  /** The patient to create (valid rows only). */
  fields?: PatientFields;
  /** Per field, what is wrong with its cell (invalid rows). */
  errors: RowErrors;
  /** Why the row is not imported, as sentences (invalid and duplicate rows). */
  reasons: string[];
}

export interface PatientImportPlan {
  header: string[];
  rows: RowOutcome[];
  counts: { rows: number; valid: number; invalid: number; duplicate: number };
}

/**
 * What an import of the file would do, row by row: valid rows become patients; invalid rows
 * are rejected with their reasons; a row whose MRN a patient already has, or an earlier row
 * of the file has, is a duplicate — skipped and reported, never merged into the existing record.
 */
export function planPatientImport(csv: PatientCsv, mapping: PatientColumnMapping, existingMrnKeys: ReadonlySet<string>): PatientImportPlan {
  checkMapping(mapping, csv.header);
  const seen = new Map<string, number>();
  const rows: RowOutcome[] = csv.rows.map(({ line, cells, wellFormed }) => {
    if (!wellFormed) return { line, cells, status: 'invalid', errors: { _row: 'the row is not well-formed CSV (a quote in the middle of a field)' }, reasons: ['the row is not well-formed CSV (a quote in the middle of a field)'] };
    const check = checkRow(cells, mapping);
    if (!check.ok) return { line, cells, status: 'invalid', errors: check.errors, reasons: describeErrors(check.errors) };
    const key = mrnKeyOf(check.fields.mrn);
    if (existingMrnKeys.has(key)) return { line, cells, status: 'duplicate', errors: { mrn: 'a patient with this MRN exists' }, reasons: [`MRN ${check.fields.mrn} already belongs to a patient (not overwritten)`] };
    const earlier = seen.get(key);
    if (earlier !== undefined) return { line, cells, status: 'duplicate', errors: { mrn: `same MRN as line ${earlier}` }, reasons: [`MRN ${check.fields.mrn} is already on line ${earlier} of this file`] };
    seen.set(key, line);
    return { line, cells, status: 'valid', fields: check.fields, errors: {}, reasons: [] };
  });
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  return { header: csv.header, rows, counts: { rows: rows.length, valid: count('valid'), invalid: count('invalid'), duplicate: count('duplicate') } };
}
