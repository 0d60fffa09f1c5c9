import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PrintToPdfResult } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { printHandlers } from '../../../electron/services/print/handlers';
import { PrintService, type PdfPrinter } from '../../../electron/services/print/print-service';

const PDF = new TextEncoder().encode('%PDF-1.7\n% a rendered page\n%%EOF\n');

function printer(chosen: string | null, render: () => Promise<Uint8Array> = async () => PDF): PdfPrinter & { asked: string[] } {
  const asked: string[] = [];
  return { asked, printToPdf: render, chooseFile: async (name) => (asked.push(name), chosen) };
}

describe("the main process's print.toPdf", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'print-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in browser mode tells the renderer to use the browser print', async () => {
    const result = await printHandlers(new PrintService())['print.toPdf']({ suggestedName: 'summary' });
    expect(PrintToPdfResult.parse(result)).toEqual({ outcome: 'use-browser-print' });
  });

  it('in Electron writes the rendered PDF to the chosen file', async () => {
    const file = path.join(dir, 'RO-1001 summary.pdf');
    const p = printer(file);
    const result = await printHandlers(new PrintService(p))['print.toPdf']({ suggestedName: 'RO-1001 summary' });
    expect(result).toEqual({ outcome: 'saved', path: file, bytes: PDF.length });
    expect(p.asked).toEqual(['RO-1001 summary.pdf']);
    expect(readFileSync(file)).toEqual(Buffer.from(PDF));
  });

  it('reports a cancelled dialog, and a failed rendering as print-failed', async () => {
    expect(await new PrintService(printer(null)).toPdf('x.pdf')).toEqual({ outcome: 'cancelled' });
    const failing = printer(path.join(dir, 'never.pdf'), async () => {
      throw new Error('renderer crashed');
    });
    const err = await Promise.resolve(printHandlers(new PrintService(failing))['print.toPdf']({ suggestedName: 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: 'print-failed' });
    await expect(new PrintService(printer('relative.pdf')).toPdf('x')).rejects.toMatchObject({ code: 'print-failed' });
  });
});
