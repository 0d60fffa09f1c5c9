import type { Metric } from '../../common/readings/observation';

/** One reading from a connected device, mapped from Open mHealth or FHIR, before it becomes an observation. */
export interface IngestedReading {
  /** The sender's id for the measurement (data point header id, FHIR Observation id). */
  sourceId: string;
  metric: Metric;
  value: number;
  /** UCUM unit as CareLoop stores it. */
  unit: string;
  timeMs: number;
  /** Readings measured together (systolic and diastolic of one blood pressure). */
  grouped: boolean;
  /** A patient the sender named, checked against the device key's patient. */
  subject?: string;
}

export class IngestError extends Error {
  override readonly name = 'IngestError';
}

/** Plausible ranges: outside them a value is a unit mix-up or a corrupt message, refused with the reason. */
const RANGE: Partial<Record<Metric, Record<string, [number, number]>>> = {
  'heart-rate': { '/min': [1, 350] },
  'blood-pressure-systolic': { 'mm[Hg]': [20, 350] },
  'blood-pressure-diastolic': { 'mm[Hg]': [5, 300] },
  'body-weight': { kg: [0.2, 700] },
  glucose: { 'mg/dL': [5, 2000], 'mmol/L': [0.3, 110] },
  spo2: { '%': [30, 100] },
};

export function checkReading(r: IngestedReading, nowMs: number): IngestedReading {
  const range = RANGE[r.metric]?.[r.unit];
  if (!range) throw new IngestError(`${r.metric} in ${r.unit} is not accepted`);
  if (!Number.isFinite(r.value) || r.value < range[0] || r.value > range[1]) throw new IngestError(`${r.metric} value ${r.value} ${r.unit} is outside ${range[0]}–${range[1]}`);
  if (!Number.isFinite(r.timeMs) || r.timeMs < Date.UTC(2000, 0, 1)) throw new IngestError('the measurement time is missing or before 2000');
  if (r.timeMs > nowMs + 5 * 60_000) throw new IngestError('the measurement time is in the future');
  if (!/^[\x21-\x7e]{1,128}$/.test(r.sourceId)) throw new IngestError('the reading id must be 1-128 printable characters');
  return r;
}

/** ISO 8601 date-time with a zone; a time without one cannot be placed on the patient's timeline. */
export function parseInstant(text: unknown): number {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) throw new IngestError('a measurement time must be an ISO 8601 date-time with a zone');
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new IngestError('the measurement time is not a real date');
  return ms;
}

export function toKg(value: number, unit: string): number {
  if (unit === 'kg') return value;
  if (unit === 'g') return value / 1000;
  if (unit === 'lb' || unit === '[lb_av]') return value * 0.45359237;
  throw new IngestError(`body weight in ${unit} is not accepted`);
}
