import { ImportError } from './errors';

/**
 * Splits a stream of JSON text into its records without parsing the whole file: the
 * elements of one top-level array (`[{…}, {…}]`), or top-level values one after another
 * (JSON lines / NDJSON, RFC 8259 texts separated by whitespace). Each record's text is
 * handed out with its number and the line it starts on; the caller JSON.parses it.
 */
export class JsonRecords {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private buf = '';
  private capturing = false;
  /** The file is one top-level array: records are its elements (depth 1), not the array itself. */
  private mode: 'unknown' | 'array' | 'values' = 'unknown';
  private arrayClosed = false;
  private line = 1;
  private recordLine = 1;
  private recordNo = 0;

  constructor(private readonly onRecord: (text: string, recordNo: number, line: number) => void) {}

  push(text: string): void {
    let start = this.capturing ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      const base = this.mode === 'array' ? 1 : 0;
      if (this.mode === 'unknown') {
        if (c === 0xfeff) continue;
        this.mode = c === 0x5b ? 'array' : 'values';
        if (this.mode === 'array') {
          this.depth = 1;
          continue;
        }
      }
      if (this.arrayClosed) throw new ImportError('malformed', 'text after the end of the top-level array', { line: this.line });
      if (this.depth === base) {
        // Between records: a separator, the end of the array, or the start of the next record.
        if (c === 0x2c && this.mode === 'array') continue;
        if (c === 0x5d && this.mode === 'array') {
          this.depth = 0;
          this.arrayClosed = true;
          continue;
        }
        if (c !== 0x7b) throw new ImportError('malformed', 'a record is not a JSON object', { line: this.line, record: this.recordNo + 1 });
        this.capturing = true;
        this.recordLine = this.line;
        start = i;
        this.depth++;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === base) {
          const piece = this.buf + text.slice(start, i + 1);
          this.buf = '';
          this.capturing = false;
          start = -1;
          this.onRecord(piece, ++this.recordNo, this.recordLine);
        } else if (this.depth < base) throw new ImportError('malformed', 'unbalanced brackets', { line: this.line });
      }
    }
    if (this.capturing && start >= 0) this.buf += text.slice(start);
  }

  end(): void {
    if (this.capturing || this.inString) throw new ImportError('truncated', 'the file ends inside a record', { line: this.recordLine, record: this.recordNo + 1 });
    if (this.mode === 'array' && !this.arrayClosed) throw new ImportError('truncated', 'the file ends before its array is closed', { line: this.line });
  }

  get records(): number {
    return this.recordNo;
  }
}
