import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMitAnnotations, readRecord, toPhysical, type Annotation, type WfdbRecord } from '../../../renderer/src/engine/signal/wfdb/index';

/** Record 100 of the MIT-BIH Arrhythmia Database, kept outside the project in ../shared/data/mitdb. */
export const MITDB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/mitdb');
export const HAVE_MITDB = ['100.hea', '100.dat', '100.atr'].every((f) => existsSync(join(MITDB_DIR, f)));
export const MITDB_SKIP_REASON = `MIT-BIH record 100 not found in ${MITDB_DIR}: signal tests on real data are skipped`;

export interface Record100 {
  record: WfdbRecord;
  annotations: Annotation[];
  /** Lead MLII in mV. */
  mlii: Float32Array;
  fs: number;
}

let cached: Record100 | undefined;

export function loadRecord100(): Record100 {
  if (cached) return cached;
  const record = readRecord(readFileSync(join(MITDB_DIR, '100.hea'), 'utf8'), (f) => new Uint8Array(readFileSync(join(MITDB_DIR, f))));
  const annotations = readMitAnnotations(new Uint8Array(readFileSync(join(MITDB_DIR, '100.atr'))));
  const lead = record.signals[0]!;
  cached = { record, annotations, mlii: toPhysical(lead.samples, lead.spec), fs: record.header.fs };
  return cached;
}
