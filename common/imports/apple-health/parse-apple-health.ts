import { BatchSink, DEFAULT_BATCH_SIZE } from '../batch-sink';
import { ImportError } from '../errors';
import type { CancelSignal, ImportBatch } from '../types';
import { Utf8Chunks } from '../utf8-chunks';
import { isZip, zipTextEntries } from '../zip-entries';
import { AppleEcgCsvReader } from './ecg-csv';
import { AppleHealthXmlReader } from './export-xml';

export interface ParseOptions {
  /** The file's name: it names a lone ECG CSV in what the import reports. */
  fileName?: string;
  signal?: CancelSignal;
  batchSize?: number;
}

const isExportXml = (name: string) => name === 'export.xml' || name.endsWith('/export.xml');
const isEcgCsv = (name: string) => /(^|\/)electrocardiograms\/[^/]+\.csv$/i.test(name);

/**
 * Apple Health's export: export.zip (streamed entry by entry, PKWARE APPNOTE 4.3), a bare
 * export.xml, or one of its electrocardiograms/*.csv on its own. Yields batches of readings as the bytes arrive; holds at most one input chunk
 * and what it inflates to. Throws ImportError for input that is not an export, is cut short
 * or is not well-formed; records it cannot use are reported in the batches' skip tallies.
 */
export async function* parseAppleHealth(chunks: AsyncIterable<Uint8Array>, options: ParseOptions = {}): AsyncGenerator<ImportBatch> {
  const sink = new BatchSink(options.batchSize ?? DEFAULT_BATCH_SIZE);
  let bytesRead = 0;
  let feed: ((chunk: Uint8Array, final: boolean) => void) | undefined;
  let finish: (() => void) | undefined;
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImportError('cancelled', 'import cancelled');
    if (!feed) {
      if (chunk.length === 0) continue;
      ({ feed, finish } = startReading(chunk, sink, options.fileName));
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

function startReading(first: Uint8Array, sink: BatchSink, fileName: string | undefined): { feed: (chunk: Uint8Array, final: boolean) => void; finish: () => void } {
  if (isZip(first)) return zipReader(sink);
  if (looksLikeXml(first)) return xmlReader(sink);
  // The header's first line is enough here: the caller already chose Apple Health for the file.
  if (/^(\uFEFF)?Name,/.test(new TextDecoder('utf-8').decode(first.subarray(0, 16)))) return ecgCsvReader(sink, fileName ?? 'electrocardiogram.csv');
  throw new ImportError('unrecognised-format', 'not an Apple Health export (neither export.zip, export.xml nor an ECG CSV)', { byte: 0 });
}

function ecgCsvReader(sink: BatchSink, entry: string) {
  const text = new Utf8Chunks();
  const reader = new AppleEcgCsvReader(sink, entry);
  return {
    feed: (chunk: Uint8Array) => reader.write(text.decode(chunk)),
    finish: () => {
      reader.write(text.end());
      reader.end();
    },
  };
}

function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c;
}

function xmlReader(sink: BatchSink) {
  const text = new Utf8Chunks();
  const reader = new AppleHealthXmlReader(sink, 'export.xml');
  return {
    feed: (chunk: Uint8Array) => reader.write(text.decode(chunk)),
    finish: () => {
      reader.write(text.end());
      reader.end();
    },
  };
}

function zipReader(sink: BatchSink) {
  const zip = zipTextEntries((name) => (isExportXml(name) ? new AppleHealthXmlReader(sink, name) : isEcgCsv(name) ? new AppleEcgCsvReader(sink, name) : undefined));
  return {
    feed: (chunk: Uint8Array, final: boolean) => zip.feed(chunk, final),
    finish: () => {
      if (!zip.entriesRead.some(isExportXml)) throw new ImportError('missing-entry', 'export.zip holds no export.xml (is this an Apple Health export?)');
      zip.finish();
    },
  };
}
