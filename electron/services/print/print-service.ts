import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrintToPdfResult } from '../../../common/contract/main-api';

/** What a host with windows offers for printing (Electron); browser mode has none. */
export interface PdfPrinter {
  /** The page the renderer shows now, rendered as PDF with its print CSS. */
  printToPdf(): Promise<Uint8Array>;
  /** The system's save dialog; null when cancelled. */
  chooseFile(suggestedName: string): Promise<string | null>;
}

export class PrintError extends Error {
  override readonly name = 'PrintError';
  readonly code = 'print-failed';
}

/**
 * 'print.toPdf' (issue 10): the renderer's page to a PDF file the user chooses. Without a
 * printer (browser mode) the answer tells the renderer to use the browser's own print.
 */
export class PrintService {
  constructor(private readonly printer?: PdfPrinter) {}

  async toPdf(suggestedName: string): Promise<PrintToPdfResult> {
    if (!this.printer) return { outcome: 'use-browser-print' };
    const name = suggestedName.toLowerCase().endsWith('.pdf') ? suggestedName : `${suggestedName}.pdf`;
    const file = await this.printer.chooseFile(name);
    if (file === null) return { outcome: 'cancelled' };
    if (!path.isAbsolute(file)) throw new PrintError('the PDF needs an absolute file path');
    let pdf: Uint8Array;
    try {
      pdf = await this.printer.printToPdf();
    } catch {
      throw new PrintError('the page could not be rendered as PDF');
    }
    try {
      await writeFile(file, pdf, { mode: 0o600 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new PrintError(`the PDF could not be written${code ? ` (${code})` : ''}`);
    }
    return { outcome: 'saved', path: file, bytes: pdf.length };
  }
}
