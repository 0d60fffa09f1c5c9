import { CsvRows, guessDelimiter } from '../imports/csv/csv-rows';
import { Utf8Chunks } from '../imports/utf8-chunks';
import { PatientImportError } from './errors';

/** A clinic's patient list is thousands of rows, a few MB; anything far larger is the wrong file. */
export const MAX_PATIENT_CSV_BYTES = 20 * 1024 * 1024;
export const MAX_PATIENT_CSV_ROWS = 100_000;

export interface CsvDataRow {
  /** The line the row starts on (the header is line 1), as a spreadsheet numbers it. */
  line: number;
  cells: string[];
  /** False when a quote appears in the middle of a field. */
  wellFormed: boolean;
}

export interface PatientCsv {
  delimiter: ',' | ';' | '\t';
  header: string[];
  rows: CsvDataRow[];
  bytes: number;
}

/** Bytes no text file has: NUL, and the starts of archives and documents people pick by mistake. */
function looksBinary(head: Uint8Array): boolean {
  if (head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b) return true; // ZIP, XLSX, DOCX
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return true; // XLS (OLE2)
  if (head.length >= 4 && head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46) return true; // %PDF
  return head.subarray(0, 4096).includes(0);
}

const notUtf8 = () => new PatientImportError('not-csv', 'the file is not UTF-8 text (in a spreadsheet, save it as “CSV UTF-8”)');

/**
 * A patients CSV read into rows (RFC 4180, comma, semicolon or tab, UTF-8 with or without a
 * BOM). The whole list is kept — it is small, and the preview and the import both need every
 * row — so the size is bounded: past `maxBytes` the read stops with 'too-large'.
 */
export async function readPatientCsv(chunks: AsyncIterable<Uint8Array>, options: { maxBytes?: number; maxRows?: number } = {}): Promise<PatientCsv> {
  const maxBytes = options.maxBytes ?? MAX_PATIENT_CSV_BYTES;
  const maxRows = options.maxRows ?? MAX_PATIENT_CSV_ROWS;
  const text = new Utf8Chunks();
  let bytes = 0;
  let pending = '';
  let reader: CsvRows | undefined;
  let delimiter: PatientCsv['delimiter'] = ',';
  let header: string[] | undefined;
  const rows: CsvDataRow[] = [];
  const start = (s: string) => {
    const body = s.replace(/^\uFEFF/, '');
    // The header is the first line with something on it.
    const firstLine = body.replace(/^[\r\n]+/, '').split(/\r|\n/, 1)[0] ?? '';
    delimiter = guessDelimiter(firstLine);
    reader = new CsvRows(delimiter, (cells, _rowNo, line, wellFormed) => {
      if (!header) header = cells.map((c) => c.trim());
      else if (rows.length < maxRows) rows.push({ line, cells, wellFormed });
      else throw new PatientImportError('too-large', `the file has more than ${maxRows.toLocaleString('en-US')} patients; split it into smaller files`);
    });
    reader.push(body);
  };
  for await (const chunk of chunks) {
    if (bytes === 0 && looksBinary(chunk)) throw new PatientImportError('not-csv', 'this is not a CSV file (it holds binary data: a spreadsheet must be saved as CSV first)');
    bytes += chunk.length;
    if (bytes > maxBytes) throw new PatientImportError('too-large', `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it into smaller files`);
    const s = text.decode(chunk);
    // Names would come in garbled: a spreadsheet's "CSV" in a legacy code page is refused with how to fix it.
    if (s.includes('\uFFFD')) throw notUtf8();
    if (reader) reader.push(s);
    else {
      pending += s;
      if (/\S[^\r\n]*[\r\n]/.test(pending)) {
        start(pending);
        pending = '';
      }
    }
  }
  const rest = text.end();
  if (rest.includes('\uFFFD')) throw notUtf8();
  if (reader) reader.push(rest);
  else if ((pending + rest).trim() !== '') start(pending + rest);
  if (!reader || !header) throw new PatientImportError('empty', 'the file is empty');
  const { openQuote } = reader.end();
  if (openQuote) throw new PatientImportError('malformed', 'the file ends inside a quoted field (a quote that never closes)');
  const found: string[] = header;
  if (found.length < 2) throw new PatientImportError('not-csv', 'the first line has one column only: a patients CSV has a header row with columns separated by commas, semicolons or tabs');
  if (rows.length === 0) throw new PatientImportError('no-rows', 'the file has a header but no patients under it');
  return { delimiter, header: found, rows, bytes };
}
