import { BatchSink, DEFAULT_BATCH_SIZE } from '../batch-sink';
import { ImportError } from '../errors';
import type { CancelSignal, ImportBatch } from '../types';
import { Utf8Chunks } from '../utf8-chunks';
import { isZip, zipTextEntries, type TextReader } from '../zip-entries';
import { fitbitFileKind, fitbitReader } from './fitbit-files';

export interface FitbitOptions {
  /** The file's name: a single export file is recognised by it (heart_rate-2026-11-01.json). */
  fileName: string;
  /** Offset from UTC in minutes of the sleep logs' wall times. */
  utcOffsetMinutes?: number;
  signal?: CancelSignal;
  batchSize?: number;
}

/**
 * A Fitbit / Google Takeout export: the whole archive (.zip, the files it knows read entry by
 * entry, the others passed over) or one of its files.
 */
export async function* parseFitbit(chunks: AsyncIterable<Uint8Array>, options: FitbitOptions): AsyncGenerator<ImportBatch> {
  const sink = new BatchSink(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const offset = options.utcOffsetMinutes ?? 0;
  let bytesRead = 0;
  let feed: ((chunk: Uint8Array, final: boolean) => void) | undefined;
  let finish: (() => void) | undefined;
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImportError('cancelled', 'import cancelled');
    if (!chunk.length) continue;
    if (!feed) {
      if (isZip(chunk)) {
        const zip = zipTextEntries((name) => {
          const kind = fitbitFileKind(name);
          return kind ? fitbitReader(kind, name, sink, offset) : undefined;
        });
        feed = (c, final) => zip.feed(c, final);
        finish = () => {
          if (!zip.entriesRead.length) throw new ImportError('missing-entry', 'the archive holds no Fitbit heart rate, steps, sleep or SpO2 files');
          zip.finish();
        };
      } else {
        const kind = fitbitFileKind(options.fileName);
        if (!kind) throw new ImportError('unrecognised-format', 'not a Fitbit export file (expected e.g. heart_rate-2026-11-01.json, steps-…, sleep-…, resting_heart_rate-… or "Minute SpO2 - ….csv")');
        const reader: TextReader = fitbitReader(kind, options.fileName, sink, offset);
        const text = new Utf8Chunks();
        feed = (c, final) => {
          reader.write(text.decode(c));
          if (final) reader.write(text.end());
        };
        finish = () => reader.end();
      }
    }
    bytesRead += chunk.length;
    feed(chunk, false);
    yield* sink.drain(bytesRead);
  }
  if (!feed || !finish) throw new ImportError('unrecognised-format', 'the file is empty');
  feed(new Uint8Array(0), true);
  finish();
  yield* sink.drain(bytesRead, true);
}
