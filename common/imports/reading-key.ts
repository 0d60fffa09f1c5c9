import type { ImportFormat, ImportMetric } from './types';

/**
 * The name of a reading that stays the same across exports of the same data: format, the
 * app or device that recorded it, the metric and its time (and the end of an interval).
 * The store turns it into the row id together with the patient, so a re-import adds nothing.
 */
export function readingKey(format: ImportFormat, source: string | undefined, metric: ImportMetric, timeMs: number, endMs?: number): string {
  return `${format}|${source ?? ''}|${metric}|${timeMs}${endMs !== undefined && endMs !== timeMs ? `|${endMs}` : ''}`;
}
