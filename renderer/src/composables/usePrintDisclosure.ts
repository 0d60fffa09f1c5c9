import { onBeforeUnmount, ref } from 'vue';
import { errorText } from '../components/crm-format';
import { useAppStore } from '../stores/app';

/** What a printable page prints: whose record, and the PDF's suggested file name. */
export interface PrintTarget {
  patientId: string;
  fileName: string;
}

export interface PrintDisclosureOptions {
  /** The page's record, or undefined while there is none to print. */
  target: () => PrintTarget | undefined;
  /** Records the disclosure: printed on paper (or by the browser's print), or saved as a PDF. */
  record: (patientId: string, how: 'printed' | 'pdf') => Promise<unknown>;
  /** Runs as the print layout applies (charts redrawn for the page's width). */
  beforePrint?: () => void;
}

/**
 * "Print / Save as PDF" on a printable patient page (the summary, the monthly report):
 * Electron saves a PDF through the main process (print.toPdf); browser mode uses the
 * browser's own print, where "Save as PDF" is a destination. Either way it is a disclosure,
 * and so is a print started with Ctrl+P or the browser's menu (the beforeprint listener).
 */
export function usePrintDisclosure(o: PrintDisclosureOptions) {
  const app = useAppStore();
  const busy = ref(false);
  const message = ref<string>();
  const error = ref<string>();
  // Set while the button's own print runs: Electron's printToPDF and the browser's print both
  // fire beforeprint, and that flow records its own disclosure.
  let printingFromButton = false;

  function onBeforePrint() {
    o.beforePrint?.();
    const target = o.target();
    if (printingFromButton || !target) return;
    o.record(target.patientId, 'printed').catch(() => console.error('[careloop] could not record the print'));
  }
  window.addEventListener('beforeprint', onBeforePrint);
  onBeforeUnmount(() => window.removeEventListener('beforeprint', onBeforePrint));

  async function printOrSave() {
    const target = o.target();
    if (!target) return;
    busy.value = true;
    error.value = undefined;
    message.value = undefined;
    printingFromButton = true;
    try {
      const result = app.main ? await app.main.call('print.toPdf', { suggestedName: target.fileName }) : ({ outcome: 'use-browser-print' } as const);
      if (result.outcome === 'use-browser-print') {
        await o.record(target.patientId, 'printed');
        o.beforePrint?.();
        window.print();
        message.value = 'Sent to the browser’s print dialog (choose “Save as PDF” there for a file). Recorded as a disclosure.';
      } else if (result.outcome === 'saved') {
        await o.record(target.patientId, 'pdf');
        message.value = `Saved as PDF (${Math.round(result.bytes / 1024)} KB). Recorded as a disclosure.`;
      } else message.value = 'Not saved.';
    } catch (err) {
      error.value = errorText(err);
    } finally {
      printingFromButton = false;
      busy.value = false;
    }
  }

  return { busy, message, error, printOrSave };
}
