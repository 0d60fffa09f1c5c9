/**
 * CareLoop's one CSV writer (RFC 4180): the audit export, list exports and import reports all
 * write cells through `csvField`, so quoting and the formula guard are the same everywhere.
 */

/** Excel opens a CSV as UTF-8 only when it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

/** RFC 4180 §2: records end with CRLF. */
export const CSV_EOL = '\r\n';

/**
 * One CSV field. Quoted when it holds a comma, quote or line break (RFC 4180 §2). A field
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first: OWASP "CSV injection")
 * is prefixed with a single quote and quoted, so opening the file never executes it.
 */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) || guarded !== value ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** A cell's text: numbers as written, booleans as yes/no, nothing as an empty field. */
export type CsvCell = string | number | boolean | null | undefined;

export function cellText(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return cell;
}

/** One record, without its line end. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return cells.map((c) => csvField(cellText(c))).join(',');
}

export interface CsvDocumentOptions {
  /** Start with a UTF-8 byte order mark (for spreadsheets); default true. */
  bom?: boolean;
}

/** A whole CSV: the header, then the rows, each record ending with CRLF. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvCell[]>, options: CsvDocumentOptions = {}): string {
  const parts: string[] = [options.bom === false ? '' : UTF8_BOM, csvRecord(header), CSV_EOL];
  for (const row of rows) parts.push(csvRecord(row), CSV_EOL);
  return parts.join('');
}
