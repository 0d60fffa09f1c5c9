/**
 * Hands a file the app made to the browser's (or Electron's) download: text, or bytes in the
 * parts they were written in (a Blob takes them without joining them first).
 */
export function downloadFile(content: string | readonly Uint8Array[], fileName: string, type: string): void {
  const parts = typeof content === 'string' ? [content] : (content as unknown as BlobPart[]);
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The download has started by then; the object URL is only needed until it has.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
