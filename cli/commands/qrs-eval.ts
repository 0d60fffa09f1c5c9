import { readFileSync } from 'node:fs';
import { CliInputError, type CliCommand } from '../command';
import { compareBeats, grossStatistics, referenceBeats, type Ec57Result } from '../../renderer/src/engine/signal/ec57';
import { detectQrs } from '../../renderer/src/engine/signal/qrs/detect';
import { readMitAnnotations } from '../../renderer/src/engine/signal/wfdb/index';
import { loadEcgRecord, wfdbInput } from './qrs';

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
const rounded = (r: Ec57Result): Ec57Result => ({ ...r, se: round(r.se), ppv: round(r.ppv) });

export const qrsEvalCommand: CliCommand = {
  name: 'qrs-eval',
  summary: 'Score the QRS detector against WFDB reference annotations (EC57 Se and +P)',
  usage: [
    'Usage: careloop qrs-eval <record>...',
    '',
    'For each record, detects beats in the first signal of <record>.hea and compares them with',
    'the reference beats of <record>.atr the ANSI/AAMI EC57 way (150 ms window, from minute 5,',
    'beat codes only). Prints per-record and gross TP, FN, FP, Se and +P as JSON.',
  ].join('\n'),
  async run(args, io) {
    if (args.length === 0 || args.some((a) => a.startsWith('-'))) {
      io.stderr(`${this.usage}\n`);
      return 2;
    }
    const records: ({ record: string } & Ec57Result)[] = [];
    for (const path of args) {
      const { signal, fs } = loadEcgRecord(path);
      const atrPath = `${path}.atr`;
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(atrPath));
      } catch {
        throw new CliInputError(`cannot read ${atrPath}: the reference annotations are needed`);
      }
      const reference = referenceBeats(wfdbInput(atrPath, () => readMitAnnotations(bytes)));
      records.push({ record: path, ...rounded(compareBeats(reference, detectQrs(signal, fs), fs)) });
    }
    io.stdout(`${JSON.stringify({ records, gross: rounded(grossStatistics(records)) }, null, 2)}\n`);
    return 0;
  },
};
