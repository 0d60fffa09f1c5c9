import { DecodeError, type DecodedReading, type DeviceTime, type QualityFlag } from '../types';

/**
 * Reading records of the FreeStyle meters, field positions as documented in
 * glucometer-protocols (abbott/freestyle-precision-neo.md, freestyle-insulinx.md,
 * freestyle-libre.md). Values are mg/dL whatever unit the meter displays; years are
 * two digits after 2000; the record id is the meter's sequence number.
 */
export type FreeStyleModel = 'precision-neo' | 'insulinx' | 'libre';

export const FREESTYLE_MODELS: Readonly<Record<FreeStyleModel, { name: string; serialCommand: string; readingsCommand: string }>> = {
  'precision-neo': { name: 'FreeStyle Precision Neo', serialCommand: '$serlnum?', readingsCommand: '$result?' },
  insulinx: { name: 'FreeStyle InsuLinx', serialCommand: '$serlnum?', readingsCommand: '$result?' },
  libre: { name: 'FreeStyle Libre', serialCommand: '$sn?', readingsCommand: '$arresult?' },
};

function int(fields: readonly string[], i: number, what: string): number {
  const v = fields[i];
  if (v === undefined || !/^\d{1,6}$/.test(v)) throw new DecodeError('bad-field', `Record field ${i + 1} (${what}) is not a number.`);
  return Number(v);
}

/** A meter date-time from its fields (two-digit year), checked against the calendar. */
export function freeStyleTime(year2: number, month: number, day: number, hours: number, minutes: number, seconds = 0): DeviceTime {
  const year = 2000 + year2;
  const probe = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  const valid =
    year2 <= 99 && month >= 1 && month <= 12 && hours <= 23 && minutes <= 59 && seconds <= 59 && probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  if (!valid) throw new DecodeError('bad-field', `${month}/${day}/${year2} ${hours}:${minutes} is not a calendar date-time.`);
  return { year, month, day, hours, minutes, seconds };
}

function glucose(sequence: number, deviceTime: DeviceTime, valueText: string, flags: QualityFlag[] = [], extra: Record<string, string | number | boolean> = {}): DecodedReading {
  if (valueText === 'HI' || valueText === 'LO') {
    // Outside the strip's range: the meter gives no number.
    return { metric: 'glucose', value: Number.NaN, unit: 'mg/dL', deviceTime, sequence, flags: [...flags, 'value-out-of-range', 'not-a-number'], extra: { ...extra, range: valueText === 'HI' ? 'above' : 'below' } };
  }
  if (!/^\d{1,4}$/.test(valueText)) throw new DecodeError('bad-field', 'The glucose value is not a number.');
  return { metric: 'glucose', value: Number(valueText), unit: 'mg/dL', deviceTime, sequence, flags, ...(Object.keys(extra).length ? { extra } : {}) };
}

/** One record of the model's readings list → a glucose reading, or null for other record types (insulin, ketones, time changes). */
export function parseReadingRecord(fields: readonly string[], model: FreeStyleModel): DecodedReading | null {
  if (fields.length === 0) throw new DecodeError('too-short', 'An empty record.');
  if (model === 'libre') {
    // $arresult?: id, record type (2 reading, 5 time change), M, D, YY, h, m, s, 1, reading type (0 strip, 1 ketone, 2 sensor), …, value (13th)
    if (fields[1] !== '2') return null;
    if (fields.length < 29) throw new DecodeError('too-short', `A Libre reading record has at least 29 fields; got ${fields.length}.`);
    const readingType = fields[9];
    if (readingType !== '0' && readingType !== '2') return null;
    const id = int(fields, 0, 'record id');
    const time = freeStyleTime(int(fields, 4, 'year'), int(fields, 2, 'month'), int(fields, 3, 'day'), int(fields, 5, 'hour'), int(fields, 6, 'minute'), int(fields, 7, 'second'));
    const errorBits = int(fields, 28, 'error bits');
    const flags: QualityFlag[] = errorBits & 0x8000 ? ['device-error'] : [];
    return glucose(id, time, fields[12] ?? '', flags, { source: readingType === '0' ? 'blood-strip' : 'sensor-scan' });
  }
  const glucoseType = model === 'precision-neo' ? '7' : '0';
  if (fields[0] !== glucoseType) return null;
  const valueAt = model === 'precision-neo' ? 8 : 13;
  if (fields.length <= valueAt) throw new DecodeError('too-short', `A glucose record has at least ${valueAt + 1} fields; got ${fields.length}.`);
  const id = int(fields, 1, 'record id');
  const time = freeStyleTime(int(fields, 4, 'year'), int(fields, 2, 'month'), int(fields, 3, 'day'), int(fields, 5, 'hour'), int(fields, 6, 'minute'));
  return glucose(id, time, fields[valueAt]!);
}

/** The record id of a glucose record of the model, or null for records that are not readings. */
export function recordSequence(fields: readonly string[], model: FreeStyleModel): number | null {
  if (model === 'libre') return fields[1] === '2' && /^\d{1,6}$/.test(fields[0] ?? '') ? Number(fields[0]) : null;
  return fields[0] === (model === 'precision-neo' ? '7' : '0') && /^\d{1,6}$/.test(fields[1] ?? '') ? Number(fields[1]) : null;
}
