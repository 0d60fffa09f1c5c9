/** Hands a CSV the app made to the browser's (or Electron's) download, as a UTF-8 file. */
export function downloadCsv(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The download has started by then; the object URL is only needed until it has.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for today's export of a list: careloop-patients-2026-11-25.csv. */
export function exportFileName(list: string, now = new Date()): string {
  const slug = list.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'list';
  return `careloop-${slug}-${now.toISOString().slice(0, 10)}.csv`;
}
