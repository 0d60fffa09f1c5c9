import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliInputError, type CliCommand } from '../command';
import { detectQrs } from '../../renderer/src/engine/signal/qrs/detect';
import { readRecord, toPhysical, WfdbFormatError, type WfdbRecord } from '../../renderer/src/engine/signal/wfdb/index';

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

/** Runs a WFDB parser, turning its typed errors into the CLI's one-line input errors. */
export function wfdbInput<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof WfdbFormatError) throw new CliInputError(`${path}: ${err.message}`);
    throw err;
  }
}

export interface EcgRecord {
  record: WfdbRecord;
  /** The record's first signal, in physical units. */
  signal: Float32Array;
  fs: number;
}

/** Reads `<record>.hea` and its signal files (named in the header, beside it). */
export function loadEcgRecord(recordPath: string): EcgRecord {
  const headerPath = `${recordPath}.hea`;
  const text = new TextDecoder('latin1').decode(readBytes(headerPath));
  const dir = dirname(headerPath);
  const record = wfdbInput(headerPath, () => readRecord(text, (file) => readBytes(join(dir, basename(file)))));
  const first = record.signals[0];
  if (!first) throw new CliInputError(`${headerPath}: the record has no signals`);
  if (first.samples.length === 0) throw new CliInputError(`${headerPath}: the record has no samples`);
  return { record, signal: toPhysical(first.samples, first.spec), fs: record.header.fs };
}

export const qrsCommand: CliCommand = {
  name: 'qrs',
  summary: 'Detect QRS complexes (R peaks) in a WFDB record',
  usage: [
    'Usage: careloop qrs <record>',
    '',
    'Reads <record>.hea and its signal file (WFDB formats 212 or 16), runs the QRS detector on',
    'the first signal and prints {"fs": <Hz>, "beats": [R-peak sample indices]} as JSON.',
    'Example: careloop qrs ../shared/data/mitdb/100',
  ].join('\n'),
  async run(args, io) {
    if (args.length !== 1) {
      io.stderr(`${this.usage}\n`);
      return 2;
    }
    const { signal, fs } = loadEcgRecord(args[0]!);
    const beats = detectQrs(signal, fs);
    io.stdout(`${JSON.stringify({ fs, beats: Array.from(beats) })}\n`);
    return 0;
  },
};
