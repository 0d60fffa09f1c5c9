/**
 * A streaming reader of delimited text (RFC 4180: fields optionally in double quotes, a
 * quote inside a quoted field doubled, line breaks inside quotes kept). Text arrives in
 * pieces; each complete row is handed out with its number and the line it starts on.
 */
export class CsvRows {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** The previous character closed a quote: a second quote is an escaped quote. */
  private quoteClosed = false;
  private afterCr = false;
  private line = 1;
  private rowLine = 1;
  private rowNo = 0;
  /** Characters seen in the current field outside quotes after its closing quote (malformed). */
  private strayAfterQuote = false;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (fields: string[], rowNo: number, line: number, wellFormed: boolean) => void,
  ) {}

  push(text: string): void {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') continue;
      }
      if (this.quoted) {
        if (c === '"') {
          this.quoted = false;
          this.quoteClosed = true;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (c === '"') {
        if (this.quoteClosed) {
          this.field += '"';
          this.quoted = true;
          this.quoteClosed = false;
        } else if (this.field === '') this.quoted = true;
        else this.field += c;
        continue;
      }
      const closedBefore = this.quoteClosed;
      this.quoteClosed = false;
      if (c === d) this.endField();
      else if (c === '\n' || c === '\r') {
        this.afterCr = c === '\r';
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else {
        if (closedBefore) this.strayAfterQuote = true;
        this.field += c;
      }
    }
  }

  /** End of input: a last row without a line break still counts; an open quote is reported. */
  end(): { openQuote: boolean } {
    const openQuote = this.quoted;
    if (this.field !== '' || this.row.length || openQuote) this.endRow();
    return { openQuote };
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
  }

  private endRow(): void {
    this.endField();
    const fields = this.row;
    this.row = [];
    const wellFormed = !this.strayAfterQuote && !this.quoted;
    this.strayAfterQuote = false;
    this.quoted = false;
    // Blank lines are not rows.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRow(fields, ++this.rowNo, this.rowLine, wellFormed);
  }
}

/** The delimiter of a header line: the most frequent of comma, semicolon and tab outside quotes. */
export function guessDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  return counts[';'] > counts[','] && counts[';'] >= counts['\t'] ? ';' : counts['\t'] > counts[','] ? '\t' : ',';
}
