import type { ImportPosition } from './errors';
import type { ImportBatch, ImportedReading, ImportSource, SkipTally } from './types';

/** Readings per batch: small enough to commit in one IndexedDB transaction without a pause. */
export const DEFAULT_BATCH_SIZE = 5_000;

/**
 * Collects what a parser finds between two reads of the input and hands it out in batches.
 * Skips are tallied per reason (a file may hold millions of records of types CareLoop does
 * not import), so a batch stays small however much is skipped.
 */
export class BatchSink {
  private readings: ImportedReading[] = [];
  private skips = new Map<string, SkipTally>();
  private sources = new Map<string, ImportSource>();
  private readonly knownSources = new Set<string>();

  constructor(private readonly batchSize = DEFAULT_BATCH_SIZE) {}

  add(reading: ImportedReading): void {
    this.readings.push(reading);
  }

  skip(reason: string, position: ImportPosition): void {
    const t = this.skips.get(reason);
    if (t) t.count++;
    else this.skips.set(reason, { reason, count: 1, first: position });
  }

  /** Notes an app or device once per import. */
  source(s: ImportSource): void {
    const k = `${s.app ?? ''}\u0000${s.device ?? ''}`;
    if (this.knownSources.has(k) || (!s.app && !s.device)) return;
    // Bounded: provenance names the sources, it does not need thousands of them.
    if (this.knownSources.size >= 100) return;
    this.knownSources.add(k);
    this.sources.set(k, s);
  }

  get pending(): number {
    return this.readings.length;
  }

  /** Full batches ready now; with `all`, whatever is left too (end of input). */
  *drain(bytesRead: number, all = false): Generator<ImportBatch> {
    while (this.readings.length >= this.batchSize || (all && (this.readings.length || this.skips.size || this.sources.size))) {
      const readings = this.readings.splice(0, this.batchSize);
      const batch: ImportBatch = { readings, skipped: [...this.skips.values()], sources: [...this.sources.values()], bytesRead };
      this.skips = new Map();
      this.sources = new Map();
      yield batch;
    }
  }
}
