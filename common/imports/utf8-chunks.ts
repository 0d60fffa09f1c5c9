/**
 * Decodes UTF-8 arriving in arbitrary chunks: a character cut by a chunk boundary is held
 * back until its remaining bytes arrive (the host TextDecoder's streaming option is not in
 * the environment-free typings, so the boundary is found here; RFC 3629 §3 byte patterns).
 */
export class Utf8Chunks {
  private readonly decoder = new TextDecoder('utf-8');
  private carry: Uint8Array = new Uint8Array(0);

  decode(chunk: Uint8Array): string {
    const bytes = this.carry.length ? concat(this.carry, chunk) : chunk;
    const cut = completeLength(bytes);
    this.carry = bytes.slice(cut);
    return this.decoder.decode(bytes.subarray(0, cut));
  }

  /** What is left at the end of the input (a cut character decodes as U+FFFD). */
  end(): string {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return rest.length ? this.decoder.decode(rest) : '';
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Length of the prefix that ends on a character boundary. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  // Walk back over at most three continuation bytes to the lead byte of the last character.
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/**
 * Splits decoded text into lines across chunks (LF or CRLF). Lines are numbered from 1 so
 * errors can name them.
 */
export class LineSplitter {
  private partial = '';
  private lineNo = 0;

  /** Complete lines in this piece of text; the unfinished last one waits for the next piece. */
  push(text: string, onLine: (line: string, lineNo: number) => void): void {
    const all = this.partial + text;
    let start = 0;
    for (let nl = all.indexOf('\n', start); nl !== -1; nl = all.indexOf('\n', start)) {
      onLine(stripCr(all.slice(start, nl)), ++this.lineNo);
      start = nl + 1;
    }
    this.partial = all.slice(start);
  }

  end(onLine: (line: string, lineNo: number) => void): void {
    if (this.partial.length) onLine(stripCr(this.partial), ++this.lineNo);
    this.partial = '';
  }

  get linesSeen(): number {
    return this.lineNo;
  }
}

const stripCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
