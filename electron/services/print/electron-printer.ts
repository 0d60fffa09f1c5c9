import { dialog, type BrowserWindow } from 'electron';
import type { PdfPrinter } from './print-service';

/**
 * Electron's print-to-PDF for the window whose renderer asked: the IPC guard accepts requests
 * only from the main window's main frame (electron/main/ipc-guard.ts), so that window's
 * webContents is the sender's. A4, with the page's own print CSS (its @page margins) and backgrounds.
 */
export function electronPdfPrinter(senderWindow: () => BrowserWindow | undefined): PdfPrinter {
  const live = (): BrowserWindow => {
    const w = senderWindow();
    if (!w || w.isDestroyed()) throw new Error('no window to print');
    return w;
  };
  return {
    async printToPdf() {
      const pdf = await live().webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    },
    async chooseFile(suggestedName) {
      const r = await dialog.showSaveDialog(live(), { title: 'Save the summary as PDF', defaultPath: suggestedName, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
}
