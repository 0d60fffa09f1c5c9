import { looksLikeAppleEcgCsv } from './apple-health/ecg-csv';
import { fitbitFileKind } from './fitbit/fitbit-files';
import type { ReadableFormat } from './parse-file';
import { isZip } from './zip-entries';

export const FORMAT_LABELS: Record<ReadableFormat, string> = {
  'apple-health': 'Apple Health export',
  csv: 'CSV of readings',
  'open-mhealth': 'Open mHealth data points',
  fit: 'FIT file (Garmin and others)',
  fitbit: 'Fitbit / Google Takeout export',
};

/**
 * The format of a wearable file from its name and first bytes (a few kilobytes): FIT by its
 * header's ".FIT" (FIT protocol, bytes 8–11), a ZIP by its first entry's name (Apple's
 * apple_health_export/ or a Fitbit Takeout), XML by Apple's HealthData root, Fitbit files by
 * their names, JSON as Open mHealth, an Apple ECG CSV by its header, other text as CSV. Staff may override the guess.
 */
export function detectFormat(fileName: string, head: Uint8Array): ReadableFormat | undefined {
  if (head.length >= 12 && head[8] === 0x2e && head[9] === 0x46 && head[10] === 0x49 && head[11] === 0x54) return 'fit';
  if (isZip(head)) {
    const first = firstZipEntryName(head) ?? '';
    if (/apple_health_export\/|(^|\/)export\.xml$/i.test(first) || /export/i.test(fileName)) return 'apple-health';
    return 'fitbit';
  }
  if (fitbitFileKind(fileName)) return 'fitbit';
  const text = new TextDecoder('utf-8').decode(head.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('<')) return /<HealthData\b|<!DOCTYPE HealthData/.test(text) ? 'apple-health' : undefined;
  if (text.startsWith('[') || text.startsWith('{')) return 'open-mhealth';
  if (looksLikeAppleEcgCsv(text)) return 'apple-health';
  // Text with a delimiter on its first line.
  if (/^[^\r\n]*[,;\t]/.test(text)) return 'csv';
  return undefined;
}

/** The name in the first local file header (APPNOTE 4.3.7: name length at 26, name at 30). */
function firstZipEntryName(b: Uint8Array): string | undefined {
  if (b.length < 30) return undefined;
  const n = b[26]! | (b[27]! << 8);
  if (b.length < 30 + n) return undefined;
  return new TextDecoder('utf-8').decode(b.subarray(30, 30 + n));
}
