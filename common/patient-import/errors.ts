export type PatientImportErrorCode =
  /** The file is not delimited text (a binary file, an archive, one column only). */
  | 'not-csv'
  /** The file has no bytes, or only blank lines. */
  | 'empty'
  /** A header row but no patients under it. */
  | 'no-rows'
  /** Larger than a patients list can reasonably be (MAX_PATIENT_CSV_BYTES). */
  | 'too-large'
  /** The text does not follow CSV (a quoted field that never closes). */
  | 'malformed'
  /** The column mapping lacks a column every patient needs, or names one the file does not have. */
  | 'mapping';

/** Every failure of a patients CSV as a whole: a code for programs, one line for people. Row problems are not errors: they are rejected rows. */
export class PatientImportError extends Error {
  override readonly name = 'PatientImportError';
  constructor(
    readonly code: PatientImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}
