import { z } from 'zod';
import type { Metric } from '../../common/readings/observation';
import { IngestError, parseInstant, toKg, type IngestedReading } from './reading';

/**
 * Open mHealth data points (header + body, https://www.openmhealth.org/documentation/#/schema-docs/schema-library):
 * omh:heart-rate, omh:blood-pressure, omh:body-weight, omh:blood-glucose, omh:oxygen-saturation.
 */
const UnitValue = z.object({ value: z.number(), unit: z.string().max(20) });
const TimeFrame = z.union([
  z.object({ date_time: z.string() }),
  z.object({ time_interval: z.object({ start_date_time: z.string().optional(), end_date_time: z.string() }) }),
]);

export const OmhDataPointSchema = z.object({
  header: z.object({
    id: z.string().min(1).max(128),
    schema_id: z.object({ namespace: z.literal('omh'), name: z.string().max(64), version: z.string().max(16) }),
  }),
  body: z.record(z.string(), z.unknown()),
});
export type OmhDataPoint = z.infer<typeof OmhDataPointSchema>;

function unitValue(body: Record<string, unknown>, key: string): { value: number; unit: string } {
  const parsed = UnitValue.safeParse(body[key]);
  if (!parsed.success) throw new IngestError(`body.${key} must be {value, unit}`);
  return parsed.data;
}

function timeOf(body: Record<string, unknown>): number {
  const frame = TimeFrame.safeParse(body.effective_time_frame);
  if (!frame.success) throw new IngestError('body.effective_time_frame needs date_time or time_interval');
  return parseInstant('date_time' in frame.data ? frame.data.date_time : frame.data.time_interval.end_date_time);
}

const UNITS: Record<string, string> = { 'beats/min': '/min', mmHg: 'mm[Hg]', '%': '%', 'mg/dL': 'mg/dL', 'mmol/L': 'mmol/L' };

function mapUnit(unit: string, metric: Metric): string {
  const u = UNITS[unit];
  if (!u) throw new IngestError(`${metric} in ${unit} is not accepted`);
  return u;
}

export function fromOpenMHealth(point: OmhDataPoint): IngestedReading[] {
  const { body } = point;
  // A statistic over a period (a month's average) is not a measurement the rules may judge.
  if (body.descriptive_statistic !== undefined) throw new IngestError('body.descriptive_statistic: a statistic over a period is not a reading; post the measurements');
  const base = { sourceId: point.header.id, timeMs: timeOf(body), grouped: false };
  switch (point.header.schema_id.name) {
    case 'heart-rate': {
      const v = unitValue(body, 'heart_rate');
      return [{ ...base, metric: 'heart-rate', value: v.value, unit: mapUnit(v.unit, 'heart-rate') }];
    }
    case 'blood-pressure': {
      const s = unitValue(body, 'systolic_blood_pressure');
      const d = unitValue(body, 'diastolic_blood_pressure');
      return [
        { ...base, grouped: true, metric: 'blood-pressure-systolic', value: s.value, unit: mapUnit(s.unit, 'blood-pressure-systolic') },
        { ...base, grouped: true, metric: 'blood-pressure-diastolic', value: d.value, unit: mapUnit(d.unit, 'blood-pressure-diastolic') },
      ];
    }
    case 'body-weight': {
      const v = unitValue(body, 'body_weight');
      return [{ ...base, metric: 'body-weight', value: toKg(v.value, v.unit), unit: 'kg' }];
    }
    case 'blood-glucose': {
      const v = unitValue(body, 'blood_glucose');
      return [{ ...base, metric: 'glucose', value: v.value, unit: mapUnit(v.unit, 'glucose') }];
    }
    case 'oxygen-saturation': {
      const v = unitValue(body, 'oxygen_saturation');
      return [{ ...base, metric: 'spo2', value: v.value, unit: mapUnit(v.unit, 'spo2') }];
    }
    default:
      throw new IngestError(`Open mHealth schema ${point.header.schema_id.name} is not accepted`);
  }
}
