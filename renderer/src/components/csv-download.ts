import { downloadFile } from './download-file';

/** Hands a CSV the app made to the browser's (or Electron's) download, as a UTF-8 file. */
export function downloadCsv(text: string, fileName: string): void {
  downloadFile(text, fileName, 'text/csv;charset=utf-8');
}

/** A file name for today's export of a list: careloop-patients-2026-11-25.csv. */
export function exportFileName(list: string, now = new Date()): string {
  const slug = list.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'list';
  return `careloop-${slug}-${now.toISOString().slice(0, 10)}.csv`;
}
