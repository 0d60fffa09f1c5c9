import type { BatchSink } from '../batch-sink';
import type { ImportPosition } from '../errors';
import { readingKey } from '../reading-key';
import type { ImportMetric } from '../types';
import { convertTo } from '../units';

/**
 * Open mHealth data points (https://www.openmhealth.org/documentation/#/schema-docs/schema-library):
 * a header (schema_id, acquisition_provenance.source_name) and a body with the measure
 * (a unit-value object) and effective_time_frame (date_time, or time_interval with
 * start_date_time and end_date_time or a duration). The schema is taken from the header, or
 * from the body's measure when the header is missing.
 */
interface Measure {
  metric: ImportMetric;
  field: string;
  unit: string;
}

const SCHEMAS: Record<string, Measure[]> = {
  'heart-rate': [{ metric: 'heart-rate', field: 'heart_rate', unit: '/min' }],
  'blood-pressure': [
    { metric: 'blood-pressure-systolic', field: 'systolic_blood_pressure', unit: 'mm[Hg]' },
    { metric: 'blood-pressure-diastolic', field: 'diastolic_blood_pressure', unit: 'mm[Hg]' },
  ],
  'body-weight': [{ metric: 'body-weight', field: 'body_weight', unit: 'kg' }],
  'blood-glucose': [{ metric: 'glucose', field: 'blood_glucose', unit: 'mg/dL' }],
  'step-count': [{ metric: 'steps', field: 'step_count', unit: '{steps}' }],
  'oxygen-saturation': [{ metric: 'spo2', field: 'oxygen_saturation', unit: '%' }],
  'body-temperature': [{ metric: 'body-temperature', field: 'body_temperature', unit: 'Cel' }],
};

const SCHEMA_OF_FIELD = new Map(Object.entries(SCHEMAS).flatMap(([name, ms]) => ms.map((m) => [m.field, name] as const)));

/** OMH duration units (schema unit-value "duration-unit-value") in ms. */
const DURATION_MS: Record<string, number> = { ps: 1e-9, ns: 1e-6, us: 1e-3, ms: 1, sec: 1000, min: 60_000, h: 3_600_000, d: 86_400_000, wk: 604_800_000 };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

function instant(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Start and (for intervals) end of effective_time_frame, or a reason it cannot be read. */
function timeFrame(body: Json): { startMs: number; endMs?: number } | string {
  const tf = obj(body.effective_time_frame);
  if (!tf) return 'data point without effective_time_frame';
  if (tf.date_time !== undefined) {
    const t = instant(tf.date_time);
    return t === undefined ? 'date_time is not an RFC 3339 date-time with zone' : { startMs: t };
  }
  const ti = obj(tf.time_interval);
  if (!ti) return 'effective_time_frame has neither date_time nor time_interval';
  const start = instant(ti.start_date_time);
  const end = instant(ti.end_date_time);
  const duration = obj(ti.duration);
  const durMs = duration && typeof duration.value === 'number' ? duration.value * (DURATION_MS[String(duration.unit)] ?? Number.NaN) : undefined;
  if (start !== undefined && end !== undefined) return { startMs: start, endMs: end };
  if (start !== undefined && durMs !== undefined && Number.isFinite(durMs)) return { startMs: start, endMs: start + durMs };
  if (end !== undefined && durMs !== undefined && Number.isFinite(durMs)) return { startMs: end - durMs, endMs: end };
  return 'time_interval needs two of start_date_time, end_date_time and duration';
}

/** One data point (already JSON-parsed) into the sink: its readings, or the reason it is skipped. */
export function readDataPoint(point: unknown, sink: BatchSink, position: ImportPosition): void {
  const p = obj(point);
  const body = obj(p?.body) ?? (p && p.effective_time_frame ? p : undefined);
  if (!p || !body) return sink.skip('record is not an Open mHealth data point (no body)', position);
  const header = obj(p.header);
  const schemaName = String(obj(header?.schema_id)?.name ?? '') || Object.keys(body).map((k) => SCHEMA_OF_FIELD.get(k)).find((n) => n !== undefined) || '';
  const measures = SCHEMAS[schemaName];
  if (!measures) return sink.skip(`schema ${schemaName || '(unknown)'} is not imported`, position);
  // A statistic over a period (the average or minimum of four months) is not a measurement:
  // taken as a reading it would be judged by the rules as if the patient had just measured it.
  if (typeof body.descriptive_statistic === 'string') return sink.skip(`${schemaName}: a descriptive statistic (${body.descriptive_statistic.slice(0, 40)}), not a reading`, position);
  const time = timeFrame(body);
  if (typeof time === 'string') return sink.skip(`${schemaName}: ${time}`, position);
  const source = typeof obj(header?.acquisition_provenance)?.source_name === 'string' ? (obj(header?.acquisition_provenance)!.source_name as string) : undefined;
  if (source) sink.source({ app: source });
  for (const m of measures) {
    const raw = body[m.field];
    const uv = obj(raw);
    // step-count 1.0 writes a bare number; 2.0 a unit-value.
    const value = typeof raw === 'number' ? raw : uv && typeof uv.value === 'number' ? uv.value : undefined;
    const unit = typeof raw === 'number' ? m.unit : typeof uv?.unit === 'string' ? uv.unit : '';
    if (value === undefined || !Number.isFinite(value)) {
      sink.skip(`${schemaName}: ${m.field} is missing or not a number`, position);
      continue;
    }
    const converted = unit === 'K' && m.unit === 'Cel' ? value - 273.15 : convertTo(value, unit, m.unit);
    if (converted === undefined) {
      sink.skip(`${schemaName}: unit ${unit || '(none)'} is not convertible to ${m.unit}`, position);
      continue;
    }
    sink.add({
      kind: 'point',
      key: readingKey('open-mhealth', source, m.metric, time.startMs, time.endMs),
      metric: m.metric,
      value: converted,
      unit: m.unit,
      timeMs: time.startMs,
      ...(time.endMs !== undefined && time.endMs !== time.startMs ? { endMs: time.endMs } : {}),
      ...(measures.length > 1 ? { groupKey: readingKey('open-mhealth', source, 'blood-pressure-systolic', time.startMs).replace('|blood-pressure-systolic|', '|blood-pressure|') } : {}),
      flags: [],
      ...(source ? { source } : {}),
    });
  }
}
