import type { BatchSink } from '../batch-sink';
import { LineSplitter } from '../utf8-chunks';
import { parseAppleDate } from './dates';

/** Samples per waveform piece handed to the store: ten seconds at 512 Hz, one series block. */
const PIECE = 5_120;

/**
 * Reads one of Apple Health's electrocardiograms/*.csv: a header of "key,value" lines
 * (name, date of birth, "Recorded Date", classification, "Sample Rate" such as "512 hertz",
 * then "Lead", "Unit" µV after a blank line), a blank line, then one sample per line. The header's personal fields
 * are read past and never kept. A file without a recording date or a sample rate is
 * skipped whole, with its reason.
 */
export class AppleEcgCsvReader {
  private readonly lines = new LineSplitter();
  private readonly header = new Map<string, string>();
  private inSamples = false;
  private rejected = false;
  private startMs = 0;
  private fs = 0;
  private scale = 1;
  private source: string | undefined;
  private piece: number[] = [];
  private pieceStart = 0;
  private samplesSoFar = 0;

  constructor(
    private readonly sink: BatchSink,
    private readonly entry: string,
  ) {}

  write(text: string): void {
    this.lines.push(text, (line, n) => this.line(line, n));
  }

  end(): void {
    this.lines.end((line, n) => this.line(line, n));
    if (!this.inSamples && !this.rejected) this.sink.skip('ECG file without samples', { entry: this.entry, line: this.lines.linesSeen });
    this.flush();
  }

  private line(line: string, n: number): void {
    if (this.rejected) return;
    const t = line.trim();
    if (t === '') return;
    const value = sampleValue(t);
    if (!this.inSamples) {
      // The header (with blank lines inside it: "Sample Rate", blank, "Lead", "Unit") ends at the first number.
      if (Number.isNaN(value)) {
        const comma = t.indexOf(',');
        if (comma > 0) this.header.set(t.slice(0, comma).trim().toLowerCase(), unquote(t.slice(comma + 1)));
        return;
      }
      this.beginSamples(n);
      if (this.rejected) return;
    }
    if (Number.isNaN(value)) {
      this.sink.skip('ECG sample is not a number', { entry: this.entry, line: n });
      // The sample's slot stays on the timeline: the gap closes the piece and the next one starts after it.
      this.flush();
      this.samplesSoFar++;
      this.pieceStart = this.samplesSoFar;
      return;
    }
    this.piece.push(value * this.scale);
    this.samplesSoFar++;
    if (this.piece.length >= PIECE) this.flush();
  }

  private beginSamples(n: number): void {
    const date = parseAppleDate(this.header.get('recorded date'));
    const rate = Number(/^([\d.]+)/.exec(this.header.get('sample rate') ?? '')?.[1]);
    const unit = (this.header.get('unit') ?? 'µV').toLowerCase();
    const scale = unit === 'µv' || unit === 'uv' || unit === 'μv' ? 1 : unit === 'mv' ? 1000 : undefined;
    if (!date || !(rate > 0) || scale === undefined) {
      this.rejected = true;
      const why = !date ? 'no readable "Recorded Date"' : !(rate > 0) ? 'no readable "Sample Rate"' : `unit ${unit} is not µV or mV`;
      this.sink.skip(`ECG file skipped: ${why}`, { entry: this.entry, line: n });
      return;
    }
    this.inSamples = true;
    this.startMs = date.utcMs;
    this.fs = rate;
    this.scale = scale;
    const device = this.header.get('device');
    this.source = device || undefined;
    this.sink.source({ app: 'ECG app', ...(device ? { device } : {}) });
  }

  private flush(): void {
    if (!this.piece.length) return;
    const startMs = this.startMs + (this.pieceStart * 1000) / this.fs;
    this.sink.add({
      kind: 'waveform',
      key: `apple-health|${this.source ?? ''}|ecg|${this.startMs}`,
      metric: 'ecg',
      unit: 'uV',
      startMs,
      fs: this.fs,
      values: Float32Array.from(this.piece),
      ...(this.source ? { source: this.source } : {}),
    });
    this.piece = [];
    this.pieceStart = this.samplesSoFar;
  }
}

/**
 * Whether a file's first bytes are one of Apple Health's ECG CSVs on its own (taken out of
 * export.zip): its header's "Name", "Recorded Date" and "Sample Rate" lines, as the Health
 * app writes them in English. A file cut shorter than its header is not recognised.
 */
export function looksLikeAppleEcgCsv(head: string): boolean {
  const text = head.replace(/^\uFEFF/, '');
  return /^Name,/.test(text) && /(^|\n)Recorded Date,/.test(text) && /(^|\n)Sample Rate,/.test(text);
}

/** A sample line: "-118.54", or "-118,54" quoted where the decimal mark is a comma. NaN otherwise. */
function sampleValue(t: string): number {
  const u = unquote(t);
  if (!/^[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?$/.test(u)) return Number.NaN;
  return Number(u.replace(',', '.'));
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}
