import { BatchSink, DEFAULT_BATCH_SIZE } from '../batch-sink';
import { ImportError } from '../errors';
import { readingKey } from '../reading-key';
import type { CancelSignal, ImportBatch, ImportMetric } from '../types';
import { convertTo } from '../units';
import { Utf8Chunks } from '../utf8-chunks';
import { CsvRows, guessDelimiter } from './csv-rows';
import { canonicalUnitOf, guessMapping, metricOfName, parseCsvNumber, parseCsvTime, type CsvMapping, type CsvMappingInput } from './csv-mapping';

export interface CsvPreview {
  delimiter: ',' | ';' | '\t';
  header: string[];
  /** The first data rows, as text. */
  rows: string[][];
  guess: Partial<CsvMappingInput>;
}

/**
 * The first rows of a readings CSV and a guess of its mapping, reading no more of the file
 * than it needs (the caller passes the first chunk or two of the file).
 */
export async function previewCsv(chunks: AsyncIterable<Uint8Array>, maxRows = 20): Promise<CsvPreview> {
  const text = new Utf8Chunks();
  let delimiter: ',' | ';' | '\t' | undefined;
  let reader: CsvRows | undefined;
  let pending = '';
  const rows: string[][] = [];
  const start = (s: string) => {
    const firstLine = s.slice(0, s.search(/\r|\n|$/));
    delimiter = guessDelimiter(firstLine.replace(/^\uFEFF/, ''));
    reader = new CsvRows(delimiter, (fields) => {
      if (rows.length <= maxRows) rows.push(fields);
    });
    reader.push(s.replace(/^\uFEFF/, ''));
  };
  for await (const chunk of chunks) {
    const s = text.decode(chunk);
    if (!reader) {
      pending += s;
      if (/[\r\n]/.test(pending)) {
        start(pending);
        pending = '';
      }
    } else reader.push(s);
    if (rows.length > maxRows) break;
  }
  if (!reader) start(pending + text.end());
  else if (rows.length <= maxRows) reader.end();
  const [header, ...data] = rows;
  if (!header || !delimiter) throw new ImportError('unrecognised-format', 'the CSV file is empty');
  return { delimiter, header, rows: data, guess: guessMapping(header, data, delimiter) };
}

/**
 * Readings from a CSV of one reading per row, mapped as staff confirmed. Rows that cannot
 * become readings are skipped with their reason and first row; a file that ends inside a
 * quoted field, or a mapping naming columns the file does not have, is an ImportError.
 */
export async function* parseReadingsCsv(chunks: AsyncIterable<Uint8Array>, mapping: CsvMapping, options: { signal?: CancelSignal; batchSize?: number } = {}): AsyncGenerator<ImportBatch> {
  const sink = new BatchSink(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const text = new Utf8Chunks();
  const needed = Math.max(mapping.time, mapping.value, 'column' in mapping.metric ? mapping.metric.column : 0, mapping.unit && 'column' in mapping.unit ? mapping.unit.column : 0, mapping.source ?? 0) + 1;
  let failure: ImportError | undefined;
  let first = true;
  const rows = new CsvRows(mapping.delimiter, (fields, rowNo, line, wellFormed) => {
    if (rowNo <= mapping.headerRows) {
      if (rowNo === mapping.headerRows && fields.length < needed) failure ??= new ImportError('malformed', `the mapping uses column ${needed}, but the header has ${fields.length} columns`, { line, record: rowNo });
      return;
    }
    readRow(fields, { line, record: rowNo }, wellFormed);
  });
  const readRow = (f: string[], position: { line: number; record: number }, wellFormed: boolean) => {
    if (!wellFormed) return sink.skip('row is not well-formed CSV (a quote in the middle of a field)', position);
    if (f.length < needed) return sink.skip('row has fewer columns than the mapping uses', position);
    const time = parseCsvTime(f[mapping.time]!, mapping.utcOffsetMinutes);
    if (!time) return sink.skip('time is not readable (ISO 8601 or Unix epoch expected)', position);
    const metric: ImportMetric | undefined = 'fixed' in mapping.metric ? (mapping.metric.fixed as ImportMetric) : metricOfName(f[mapping.metric.column]!);
    if (!metric) return sink.skip('metric name is not recognised', position);
    const raw = parseCsvNumber(f[mapping.value]!, mapping.delimiter);
    if (!Number.isFinite(raw)) return sink.skip(`${metric}: value is not a number`, position);
    const canonical = canonicalUnitOf(metric);
    const fileUnit = !mapping.unit ? canonical : 'fixed' in mapping.unit ? mapping.unit.fixed : f[mapping.unit.column]!.trim() || canonical;
    const value = convertTo(raw, fileUnit, canonical);
    if (value === undefined) return sink.skip(`${metric}: unit is not convertible to ${canonical}`, position);
    const source = mapping.source !== undefined ? f[mapping.source]!.trim() || undefined : undefined;
    if (source) sink.source({ app: source });
    const isBp = metric === 'blood-pressure-systolic' || metric === 'blood-pressure-diastolic' || metric === 'blood-pressure-mean';
    sink.add({
      kind: 'point',
      key: readingKey('csv', source, metric, time.utcMs),
      metric,
      value,
      unit: canonical,
      timeMs: time.utcMs,
      ...(time.wall ? { deviceTimeRaw: time.wall } : {}),
      ...(isBp ? { groupKey: readingKey('csv', source, 'blood-pressure-systolic', time.utcMs).replace('|blood-pressure-systolic|', '|blood-pressure|') } : {}),
      flags: [],
      ...(source ? { source } : {}),
    });
  };
  let bytesRead = 0;
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImportError('cancelled', 'import cancelled');
    bytesRead += chunk.length;
    let s = text.decode(chunk);
    if (first && s.length) {
      s = s.replace(/^\uFEFF/, '');
      first = false;
    }
    rows.push(s);
    if (failure) throw failure;
    yield* sink.drain(bytesRead);
  }
  rows.push(text.end());
  const { openQuote } = rows.end();
  if (failure) throw failure;
  if (openQuote) throw new ImportError('truncated', 'the CSV file ends inside a quoted field');
  if (bytesRead === 0) throw new ImportError('unrecognised-format', 'the CSV file is empty');
  yield* sink.drain(bytesRead, true);
}
