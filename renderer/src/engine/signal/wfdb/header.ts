import { WfdbFormatError } from './errors';

/**
 * WFDB header (.hea) files, as specified in the WFDB Applications Guide, header(5):
 * a record line, one line per signal, then comment lines starting with '#'.
 * Only single-segment records are read; multi-segment records are refused.
 */

/** Signal storage formats this reader decodes. */
export const SUPPORTED_FORMATS = [212, 16] as const;
export type WfdbStorageFormat = (typeof SUPPORTED_FORMATS)[number];

export interface WfdbSignalSpec {
  fileName: string;
  format: WfdbStorageFormat;
  samplesPerFrame: number;
  skew: number;
  byteOffset: number;
  /** ADC units per physical unit; the header's 0 ("uncalibrated") becomes WFDB's default 200. */
  adcGain: number;
  /** ADC value that corresponds to 0 physical units. */
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  /** First sample value, when the header gives it. */
  initialValue?: number;
  /** 16-bit signed sum of every sample of the signal, when the header gives it. */
  checksum?: number;
  blockSize: number;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  /** Samples per second per signal. */
  fs: number;
  counterFrequency?: number;
  baseCounter?: number;
  /** Samples per signal, when the header gives it. */
  nSamples?: number;
  baseTime?: string;
  baseDate?: string;
  signals: WfdbSignalSpec[];
  comments: string[];
}

const DEFAULT_FS = 250;
const DEFAULT_GAIN = 200;
const MAX_SIGNALS = 4096;

type LineErrorCode = 'bad-record-line' | 'bad-signal-line';

function integer(text: string | undefined, what: string, line: number, code: LineErrorCode, min = -Infinity, max = Infinity): number {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) throw new WfdbFormatError(code, `${what} is not an integer`, line);
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new WfdbFormatError(code, `${what} is out of range`, line);
  return v;
}

function positiveNumber(text: string, what: string, line: number, code: LineErrorCode): number {
  if (!/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new WfdbFormatError(code, `${what} is not a number`, line);
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) throw new WfdbFormatError(code, `${what} is out of range`, line);
  return v;
}

/** Record line: name[/segments] nsig [fs[/counterfreq[(basecounter)]] [nsamp [basetime [basedate]]]] */
function parseRecordLine(line: string, lineNo: number, header: WfdbHeader): number {
  const fields = line.trim().split(/\s+/);
  const [nameField, nsigField, fsField, nsampField, baseTime, baseDate] = fields;
  if (!nameField) throw new WfdbFormatError('bad-record-line', 'the record line is empty', lineNo);
  if (nameField.includes('/')) throw new WfdbFormatError('bad-record-line', 'multi-segment records are not supported', lineNo);
  if (!/^[A-Za-z0-9_.-]+$/.test(nameField)) throw new WfdbFormatError('bad-record-line', 'the record name has characters WFDB does not allow', lineNo);
  header.recordName = nameField;
  const nSignals = integer(nsigField, 'the number of signals', lineNo, 'bad-record-line', 0, MAX_SIGNALS);
  if (fsField !== undefined) {
    const m = /^([^/(]+)(?:\/([^(]+)(?:\(([^)]+)\))?)?$/.exec(fsField);
    if (!m) throw new WfdbFormatError('bad-record-line', 'the sampling frequency field is malformed', lineNo);
    const fs = positiveNumber(m[1]!, 'the sampling frequency', lineNo, 'bad-record-line');
    header.fs = fs > 0 ? fs : DEFAULT_FS;
    if (m[2] !== undefined) header.counterFrequency = positiveNumber(m[2], 'the counter frequency', lineNo, 'bad-record-line');
    if (m[3] !== undefined) header.baseCounter = positiveNumber(m[3], 'the base counter value', lineNo, 'bad-record-line');
  }
  if (nsampField !== undefined) header.nSamples = integer(nsampField, 'the number of samples', lineNo, 'bad-record-line', 0);
  if (baseTime !== undefined) header.baseTime = baseTime;
  if (baseDate !== undefined) header.baseDate = baseDate;
  return nSignals;
}

/** Signal line: file format[xspf][:skew][+offset] gain[(baseline)][/units] adcres adczero initval checksum blocksize description */
function parseSignalLine(text: string, lineNo: number): WfdbSignalSpec {
  const fields = text.trim().split(/\s+/);
  const [fileName, formatField, gainField, resField, zeroField, initField, checksumField, blockField] = fields;
  if (!fileName || !formatField) throw new WfdbFormatError('bad-signal-line', 'a signal line needs a file name and a format', lineNo);
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(formatField);
  if (!fm) throw new WfdbFormatError('bad-signal-line', 'the format field is malformed', lineNo);
  const format = Number(fm[1]);
  if (!(SUPPORTED_FORMATS as readonly number[]).includes(format)) {
    throw new WfdbFormatError('unsupported-format', `signal format ${fm[1]} is not supported (only ${SUPPORTED_FORMATS.join(' and ')})`, lineNo);
  }
  const samplesPerFrame = fm[2] !== undefined ? integer(fm[2], 'samples per frame', lineNo, 'bad-signal-line', 1, 1024) : 1;
  const spec: WfdbSignalSpec = {
    fileName,
    format: format as WfdbStorageFormat,
    samplesPerFrame,
    skew: fm[3] !== undefined ? integer(fm[3], 'the skew', lineNo, 'bad-signal-line', 0) : 0,
    byteOffset: fm[4] !== undefined ? integer(fm[4], 'the byte offset', lineNo, 'bad-signal-line', 0) : 0,
    adcGain: DEFAULT_GAIN,
    baseline: 0,
    units: 'mV',
    adcResolution: format === 212 ? 12 : 16,
    adcZero: 0,
    blockSize: 0,
    description: fields.slice(8).join(' '),
  };
  if (resField !== undefined) spec.adcResolution = integer(resField, 'the ADC resolution', lineNo, 'bad-signal-line', 0, 32);
  if (zeroField !== undefined) spec.adcZero = integer(zeroField, 'the ADC zero', lineNo, 'bad-signal-line');
  let baselineGiven = false;
  if (gainField !== undefined) {
    const gm = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(\S+))?$/.exec(gainField);
    if (!gm) throw new WfdbFormatError('bad-signal-line', 'the gain field is malformed', lineNo);
    const gain = positiveNumber(gm[1]!, 'the ADC gain', lineNo, 'bad-signal-line');
    spec.adcGain = gain > 0 ? gain : DEFAULT_GAIN;
    if (gm[2] !== undefined) {
      spec.baseline = integer(gm[2], 'the baseline', lineNo, 'bad-signal-line');
      baselineGiven = true;
    }
    if (gm[3] !== undefined) spec.units = gm[3];
  }
  // header(5): without an explicit baseline, the baseline is the ADC zero.
  if (!baselineGiven) spec.baseline = spec.adcZero;
  if (initField !== undefined) spec.initialValue = integer(initField, 'the initial value', lineNo, 'bad-signal-line');
  if (checksumField !== undefined) spec.checksum = integer(checksumField, 'the checksum', lineNo, 'bad-signal-line', -32768, 65535);
  if (blockField !== undefined) spec.blockSize = integer(blockField, 'the block size', lineNo, 'bad-signal-line', 0);
  return spec;
}

/** Parses a header file's text. Throws WfdbFormatError on malformed input. */
export function parseHeader(text: string): WfdbHeader {
  const header: WfdbHeader = { recordName: '', fs: DEFAULT_FS, signals: [], comments: [] };
  let nSignals = -1;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      header.comments.push(trimmed.slice(1).trim());
      continue;
    }
    if (trimmed === '') continue;
    const lineNo = i + 1;
    if (nSignals < 0) {
      nSignals = parseRecordLine(trimmed, lineNo, header);
      continue;
    }
    if (header.signals.length < nSignals) header.signals.push(parseSignalLine(trimmed, lineNo));
  }
  if (nSignals < 0) throw new WfdbFormatError('bad-record-line', 'the header has no record line', 1);
  if (header.signals.length < nSignals) throw new WfdbFormatError('truncated', `the header announces ${nSignals} signals but describes ${header.signals.length}`);
  return header;
}
