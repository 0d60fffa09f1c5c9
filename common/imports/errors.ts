/**
 * Where in an imported file something was found: the archive entry (export.zip holds many
 * files), the line (XML, CSV, JSON lines) or record number, and the byte offset when the
 * format has no lines (FIT).
 */
export interface ImportPosition {
  entry?: string;
  line?: number;
  record?: number;
  byte?: number;
}

export type ImportErrorCode =
  /** The file is not in any format this importer reads. */
  | 'unrecognised-format'
  /** The archive does not hold the file the format needs (export.zip without export.xml). */
  | 'missing-entry'
  /** The file ends in the middle of a record, an archive entry or an element. */
  | 'truncated'
  /** The bytes do not follow the format (XML not well-formed, broken archive, bad CSV header). */
  | 'malformed'
  /** The importer was asked to stop. */
  | 'cancelled';

/** Every importer failure is one of these: a code for programs, a one-line reason for people, and where. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly position: ImportPosition = {},
  ) {
    super(`${message}${describePosition(position)}`);
  }
}

export function describePosition(p: ImportPosition): string {
  const parts: string[] = [];
  if (p.entry !== undefined) parts.push(`in ${p.entry}`);
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.record !== undefined) parts.push(`record ${p.record}`);
  if (p.byte !== undefined) parts.push(`byte ${p.byte}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
