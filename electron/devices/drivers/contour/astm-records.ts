import { DecodeError, type DecodedReading, type DeviceTime, type QualityFlag } from '../types';

/**
 * ASTM E1394 records as the Contour meters send them (H header, P patient, R result,
 * L terminator). Field positions follow the meters' transfers as published by the
 * open-source uploaders (glucometerutils, Tidepool) and Ascensia's programming guide:
 *
 *   H|\^&||pass|Bayer7410^01.24\01.04\09.02.20^7410-1234567^7410-|A=1^C=63^...^U=0^V=10600^X=...|1714||||||1|201909221304
 *   R|8|^^^Glucose|133|mg/dL^P||B/X||201202052034
 */
export interface AstmDelimiters {
  field: string;
  repeat: string;
  component: string;
  escape: string;
}

export const DEFAULT_DELIMITERS: AstmDelimiters = { field: '|', repeat: '\\', component: '^', escape: '&' };

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

export interface ContourHeader {
  kind: 'header';
  delimiters: AstmDelimiters;
  /** Product code as sent, e.g. 'Bayer7410'. */
  productCode: string;
  /** Marketing name where the product number is known, else the product code. */
  model: string;
  serial: string;
  /** Software versions (digital, analog, AGP). */
  versions: string[];
  /** Unit the meter displays (U=0 mg/dL, U=1 mmol/L), when the header says. */
  unit?: GlucoseUnit;
  /** Measuring range of the meter (V=llhhh), in the meter's unit. */
  limits?: { low: number; high: number };
  /** Results the meter holds, where the header gives it. */
  recordCount?: number;
  meterTime: DeviceTime;
  /** Every key=value setting of the header's configuration field, raw. */
  settings: Record<string, string>;
}

export interface ContourResult {
  kind: 'result';
  sequence: number;
  analyte: string;
  value: number;
  unit: GlucoseUnit;
  /** B whole blood, P plasma, C capillary, D as the meter reports it. */
  referenceMethod?: string;
  markers: string[];
  deviceTime: DeviceTime;
}

export type ContourRecord =
  | ContourHeader
  | ContourResult
  | { kind: 'patient'; sequence?: number }
  | { kind: 'terminator'; code?: string }
  | { kind: 'other'; type: string };

/** Product numbers of the Contour family (the digits of the header's product code). */
const MODELS: Readonly<Record<string, string>> = {
  '6200': 'Contour Next Link',
  '6210': 'Contour Next Link 2.4',
  '6300': 'Contour Next Link',
  '7150': 'Contour',
  '7160': 'Contour Next EZ',
  '7350': 'Contour Next',
  '7390': 'Contour USB',
  '7410': 'Contour Next USB',
  '7800': 'Contour Next One',
};

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;

/** YYYYMMDDHHMM (or with seconds) as the meter's wall time. */
export function parseAstmDateTime(s: string): DeviceTime {
  const m = DATE_TIME.exec(s);
  if (!m) throw new DecodeError('bad-field', `A date-time is YYYYMMDDHHMM[SS]; got "${s.slice(0, 20)}".`);
  const [year, month, day, hours, minutes] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const seconds = m[6] ? Number(m[6]) : 0;
  const probe = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  const valid =
    month >= 1 && month <= 12 && hours <= 23 && minutes <= 59 && seconds <= 59 && probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  if (!valid) throw new DecodeError('bad-field', `"${s}" is not a calendar date-time.`);
  return { year, month, day, hours, minutes, seconds };
}

export function formatAstmDateTime(t: DeviceTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}${p(t.month)}${p(t.day)}${p(t.hours)}${p(t.minutes)}`;
}

function delimitersOf(text: string): AstmDelimiters {
  if (text.length < 5) throw new DecodeError('too-short', 'A header record starts with H and four delimiters.');
  const [field, repeat, component, escape] = [text[1]!, text[2]!, text[3]!, text[4]!];
  const all = [field, repeat, component, escape];
  if (new Set(all).size !== 4 || all.some((c) => /[A-Za-z0-9 ]/.test(c))) throw new DecodeError('bad-field', 'The header delimiters must be four distinct punctuation characters.', 1);
  return { field, repeat, component, escape };
}

export function parseHeaderRecord(text: string): ContourHeader {
  if (text[0] !== 'H') throw new DecodeError('bad-field', 'A header record starts with H.');
  const delimiters = delimitersOf(text);
  const fields = text.split(delimiters.field);
  if (fields.length < 14) throw new DecodeError('too-short', `A Contour header has 14 fields; got ${fields.length}.`);
  const sender = fields[4]!.split(delimiters.component);
  const productCode = sender[0] ?? '';
  const serial = sender[2] ?? '';
  if (!productCode || !serial) throw new DecodeError('bad-field', 'The header names no product or serial number.');
  if (!/^[\w-]{1,40}$/.test(serial)) throw new DecodeError('bad-field', 'The serial number has unexpected characters.');
  const versions = (sender[1] ?? '').split(delimiters.repeat).filter((v) => v.length > 0);
  const settings: Record<string, string> = {};
  for (const part of fields[5]!.split(delimiters.component)) {
    const eq = part.indexOf('=');
    if (eq > 0) settings[part.slice(0, eq)] = part.slice(eq + 1);
  }
  const header: ContourHeader = {
    kind: 'header',
    delimiters,
    productCode,
    model: MODELS[/(\d{4})$/.exec(productCode)?.[1] ?? ''] ?? productCode,
    serial,
    versions,
    meterTime: parseAstmDateTime(fields[13]!),
    settings,
  };
  if (settings.U === '0') header.unit = 'mg/dL';
  else if (settings.U === '1') header.unit = 'mmol/L';
  const limits = /^(\d{2})(\d{3})$/.exec(settings.V ?? '');
  if (limits) header.limits = { low: Number(limits[1]), high: Number(limits[2]) };
  const count = fields[6]!;
  if (count !== '') {
    if (!/^\d{1,6}$/.test(count)) throw new DecodeError('bad-field', 'The header record count is not a number.');
    header.recordCount = Number(count);
  }
  return header;
}

const NUMBER = /^\d{1,5}(\.\d{1,3})?$/;

export function parseResultRecord(text: string, d: AstmDelimiters = DEFAULT_DELIMITERS): ContourResult {
  const fields = text.split(d.field);
  if (fields[0] !== 'R') throw new DecodeError('bad-field', 'A result record starts with R.');
  if (fields.length < 9) throw new DecodeError('too-short', `A Contour result record has 9 fields; got ${fields.length}.`);
  const seq = fields[1]!;
  if (!/^\d{1,6}$/.test(seq)) throw new DecodeError('bad-field', 'The result sequence number is not a number.');
  const analyte = fields[2]!.split(d.component).filter((c) => c.length > 0).pop() ?? '';
  if (!analyte) throw new DecodeError('bad-field', 'The result names no analyte.');
  const valueText = fields[3]!;
  if (!NUMBER.test(valueText)) throw new DecodeError('bad-field', 'The result value is not a number.');
  const [unitText, method] = fields[4]!.split(d.component);
  if (unitText !== 'mg/dL' && unitText !== 'mmol/L') throw new DecodeError('unsupported', `Unit "${(unitText ?? '').slice(0, 12)}" is not a glucose unit.`);
  const result: ContourResult = {
    kind: 'result',
    sequence: Number(seq),
    analyte,
    value: Number(valueText),
    unit: unitText,
    markers: fields[6]!.split('/').filter((m) => m.length > 0),
    deviceTime: parseAstmDateTime(fields[8]!),
  };
  if (method) result.referenceMethod = method;
  return result;
}

/** Any record of a transfer; header delimiters apply to the records after it. */
export function parseContourRecord(text: string, d: AstmDelimiters = DEFAULT_DELIMITERS): ContourRecord {
  if (text.length === 0) throw new DecodeError('too-short', 'An empty record.');
  switch (text[0]) {
    case 'H':
      return parseHeaderRecord(text);
    case 'R':
      return parseResultRecord(text, d);
    case 'P': {
      const seq = text.split(d.field)[1];
      return seq && /^\d{1,6}$/.test(seq) ? { kind: 'patient', sequence: Number(seq) } : { kind: 'patient' };
    }
    case 'L': {
      const code = text.split(d.field)[3];
      return code ? { kind: 'terminator', code } : { kind: 'terminator' };
    }
    default:
      return { kind: 'other', type: text[0]! };
  }
}

/** Contour marker letters (Ascensia's result flags) and what CareLoop keeps of them. */
const MEAL: Readonly<Record<string, string>> = { B: 'before-meal', A: 'after-meal', F: 'fasting' };

/** A glucose result as a reading: markers become flags and extras; other analytes give null. */
export function resultToReading(r: ContourResult): DecodedReading | null {
  if (r.analyte.toLowerCase() !== 'glucose') return null;
  const flags: QualityFlag[] = [];
  const extra: Record<string, string | number | boolean> = {};
  if (r.markers.length) extra.markers = r.markers.join('/');
  if (r.referenceMethod) extra.referenceMethod = r.referenceMethod;
  for (const m of r.markers) {
    if (m === 'C') flags.push('control-solution');
    else if (m === '>' || m === '<') {
      if (!flags.includes('value-out-of-range')) flags.push('value-out-of-range');
      extra.range = m === '>' ? 'above' : 'below';
    } else if (MEAL[m]) extra.meal = MEAL[m]!;
  }
  return { metric: 'glucose', value: r.value, unit: r.unit, deviceTime: r.deviceTime, sequence: r.sequence, flags, ...(Object.keys(extra).length ? { extra } : {}) };
}
