import { BatchSink, DEFAULT_BATCH_SIZE } from '../batch-sink';
import { ImportError } from '../errors';
import { JsonRecords } from '../json-values';
import type { CancelSignal, ImportBatch } from '../types';
import { Utf8Chunks } from '../utf8-chunks';
import { readDataPoint } from './data-points';

/**
 * Open mHealth data points from a JSON array, a single data point or JSON lines, streamed
 * record by record. A record that is not valid JSON is skipped with its position; a file
 * cut inside a record, or bytes that are not JSON records at all, is an ImportError.
 */
export async function* parseOpenMHealth(chunks: AsyncIterable<Uint8Array>, options: { signal?: CancelSignal; batchSize?: number } = {}): AsyncGenerator<ImportBatch> {
  const sink = new BatchSink(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const text = new Utf8Chunks();
  const records = new JsonRecords((json, record, line) => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return sink.skip('record is not valid JSON', { line, record });
    }
    readDataPoint(value, sink, { line, record });
  });
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImportError('cancelled', 'import cancelled');
    bytesRead += chunk.length;
    records.push(text.decode(chunk));
    yield* sink.drain(bytesRead);
  }
  records.push(text.end());
  records.end();
  if (records.records === 0) throw new ImportError('unrecognised-format', 'the file holds no Open mHealth data points');
  yield* sink.drain(bytesRead, true);
}
