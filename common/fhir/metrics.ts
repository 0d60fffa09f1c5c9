import type { Metric, QualityFlag } from '../readings/observation';

/** Every metric CareLoop stores, at run time (the Metric type's members), to check imported codes. */
export const ALL_METRICS = [
  'heart-rate', 'rr-interval', 'energy-expended', 'blood-pressure-systolic', 'blood-pressure-diastolic',
  'blood-pressure-mean', 'spo2', 'pulse-rate', 'perfusion-index', 'glucose', 'body-temperature', 'body-weight',
  'body-height', 'bmi', 'ecg', 'respiratory-rate', 'steps', 'hrv-sdnn', 'hrv-rmssd', 'ecg-quality',
] as const satisfies readonly Metric[];

const METRIC_SET: ReadonlySet<string> = new Set(ALL_METRICS);

export function isMetric(value: string): value is Metric {
  return METRIC_SET.has(value);
}

export const ALL_QUALITY_FLAGS = [
  'sensor-contact-lost', 'body-movement', 'cuff-fit-loose', 'irregular-pulse', 'pulse-rate-out-of-range',
  'improper-position', 'measurement-ongoing', 'early-estimate', 'validated', 'questionable', 'low-perfusion',
  'signal-weak', 'device-error', 'sensor-malfunction', 'value-out-of-range', 'control-solution', 'not-a-number',
  'not-at-this-resolution', 'infinity', 'invalid', 'measurement-unavailable', 'calibration-ongoing',
  'demonstration-data', 'testing-data', 'battery-low', 'clock-not-set',
] as const satisfies readonly QualityFlag[];

const FLAG_SET: ReadonlySet<string> = new Set(ALL_QUALITY_FLAGS);

export function isQualityFlag(value: string): value is QualityFlag {
  return FLAG_SET.has(value);
}
