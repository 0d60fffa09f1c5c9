/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends. */

function field(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(field).join(',')}\r\n`;
}

/** A header line and one line per row, the columns in the given order. */
export function toCsv<T extends object>(columns: readonly (keyof T & string)[], rows: Iterable<T>): string {
  let out = csvLine(columns);
  for (const r of rows) out += csvLine(columns.map((c) => r[c]));
  return out;
}
