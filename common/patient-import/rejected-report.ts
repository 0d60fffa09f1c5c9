import { csvDocument } from '../csv/write';

export interface RejectedRow {
  line: number;
  cells: readonly string[];
  reasons: readonly string[];
}

/**
 * The report of rows not imported, for staff to correct and import again: the line, the
 * reasons joined by "; ", then the original cells under the file's own header (cells past
 * the header follow, so nothing of the row is lost).
 */
export function rejectedRowsCsv(header: readonly string[], rows: Iterable<RejectedRow>): string {
  const out: string[][] = [];
  for (const r of rows) out.push([String(r.line), r.reasons.join('; '), ...r.cells]);
  return csvDocument(['row', 'reasons', ...header], out);
}
