import { strToU8, Zip, ZipDeflate } from 'fflate';

const FILE_NAME = /^[a-z0-9-]+\.(csv|json)$/;
/** A fixed modification time: the zip carries no date of its own making beyond the manifest's. */
const MTIME = new Date(Date.UTC(2000, 0, 1));

/**
 * The files of a research export as one zip (deflated, UTF-8 text files), written as it goes:
 * a clinic's year of readings is a CSV of hundreds of megabytes, so it is compressed chunk by
 * chunk and only the compressed parts are held (ready to become a Blob), never the whole text.
 * One file is written at a time; small files go in whole.
 */
export class ResearchZipWriter {
  private readonly parts: Uint8Array[] = [];
  private readonly zip: Zip;
  private open: ZipDeflate | undefined;
  private finished = false;

  constructor() {
    this.zip = new Zip((err, chunk) => {
      if (err) throw err;
      this.parts.push(chunk);
    });
  }

  /** Starts a file; `push` adds its text until `end`. */
  begin(name: string): void {
    if (!FILE_NAME.test(name)) throw new RangeError(`'${name}' is not a research export file name`);
    if (this.open || this.finished) throw new RangeError('one file at a time, before the zip is finished');
    this.open = new ZipDeflate(name, { level: 6 });
    this.open.mtime = MTIME;
    this.zip.add(this.open);
  }

  push(text: string): void {
    if (!this.open) throw new RangeError('no file has been begun');
    if (text) this.open.push(strToU8(text));
  }

  end(): void {
    if (!this.open) throw new RangeError('no file has been begun');
    this.open.push(new Uint8Array(0), true);
    this.open = undefined;
  }

  /** A whole small file. */
  file(name: string, text: string): void {
    this.begin(name);
    this.push(text);
    this.end();
  }

  /** The zip's bytes, in parts (for a Blob); nothing can be added after. */
  finish(): Uint8Array[] {
    if (this.open) throw new RangeError('a file is still open');
    if (!this.finished) this.zip.end();
    this.finished = true;
    return this.parts;
  }
}

/** The parts as one array (tests, the command line). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
