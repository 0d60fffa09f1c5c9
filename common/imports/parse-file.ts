import { parseAppleHealth } from './apple-health/parse-apple-health';
import type { CsvMapping } from './csv/csv-mapping';
import { parseReadingsCsv } from './csv/parse-csv';
import { ImportError } from './errors';
import { parseFit } from './fit/parse-fit';
import { parseFitbit } from './fitbit/parse-fitbit';
import { parseOpenMHealth } from './open-mhealth/parse-open-mhealth';
import type { CancelSignal, ImportBatch, ImportFormat } from './types';

/** The formats an importer reads. */
export const READABLE_FORMATS = ['apple-health', 'csv', 'open-mhealth', 'fit', 'fitbit'] as const satisfies readonly ImportFormat[];
export type ReadableFormat = (typeof READABLE_FORMATS)[number];

export interface ParseFileOptions {
  /** The file's name (Fitbit files are recognised by it; a lone Apple ECG CSV is reported under it). */
  fileName?: string;
  /** A CSV's column mapping (required for 'csv'). */
  csvMapping?: CsvMapping;
  /** Offset from UTC in minutes for wall times without a zone (Fitbit sleep logs). */
  utcOffsetMinutes?: number;
  signal?: CancelSignal;
  batchSize?: number;
}

/** The parser of a format, over the file's bytes as they arrive. */
export function parseWearableFile(format: ReadableFormat, chunks: AsyncIterable<Uint8Array>, options: ParseFileOptions = {}): AsyncGenerator<ImportBatch> {
  const common = { ...(options.signal ? { signal: options.signal } : {}), ...(options.batchSize ? { batchSize: options.batchSize } : {}) };
  switch (format) {
    case 'apple-health':
      return parseAppleHealth(chunks, { ...common, ...(options.fileName ? { fileName: options.fileName } : {}) });
    case 'csv':
      if (!options.csvMapping) throw new ImportError('malformed', 'a CSV import needs its column mapping');
      return parseReadingsCsv(chunks, options.csvMapping, common);
    case 'open-mhealth':
      return parseOpenMHealth(chunks, common);
    case 'fit':
      return parseFit(chunks, common);
    case 'fitbit':
      return parseFitbit(chunks, { ...common, fileName: options.fileName ?? '', ...(options.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: options.utcOffsetMinutes } : {}) });
  }
}
