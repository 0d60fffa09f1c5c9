import type { ImportMetric } from '../types';

/**
 * HealthKit identifiers CareLoop imports (Apple developer documentation,
 * HKQuantityTypeIdentifier / HKCategoryTypeIdentifier) and the metric and canonical UCUM
 * unit each becomes. Values arrive in the unit the record names and are converted.
 */
export interface AppleQuantity {
  metric: ImportMetric;
  unit: string;
  /** HealthKit stores some percentages as fractions (0.97 for 97 %). */
  fraction?: true;
}

export const APPLE_QUANTITIES: Readonly<Record<string, AppleQuantity>> = {
  HKQuantityTypeIdentifierHeartRate: { metric: 'heart-rate', unit: '/min' },
  HKQuantityTypeIdentifierRestingHeartRate: { metric: 'resting-heart-rate', unit: '/min' },
  HKQuantityTypeIdentifierHeartRateVariabilitySDNN: { metric: 'hrv-sdnn', unit: 'ms' },
  HKQuantityTypeIdentifierOxygenSaturation: { metric: 'spo2', unit: '%', fraction: true },
  HKQuantityTypeIdentifierRespiratoryRate: { metric: 'respiratory-rate', unit: '/min' },
  HKQuantityTypeIdentifierBloodPressureSystolic: { metric: 'blood-pressure-systolic', unit: 'mm[Hg]' },
  HKQuantityTypeIdentifierBloodPressureDiastolic: { metric: 'blood-pressure-diastolic', unit: 'mm[Hg]' },
  HKQuantityTypeIdentifierBodyMass: { metric: 'body-weight', unit: 'kg' },
  HKQuantityTypeIdentifierBloodGlucose: { metric: 'glucose', unit: 'mg/dL' },
  HKQuantityTypeIdentifierStepCount: { metric: 'steps', unit: '{steps}' },
  HKQuantityTypeIdentifierBodyTemperature: { metric: 'body-temperature', unit: 'Cel' },
};

export const APPLE_SLEEP = 'HKCategoryTypeIdentifierSleepAnalysis';
export const APPLE_BLOOD_PRESSURE = 'HKCorrelationTypeIdentifierBloodPressure';

/** Sleep stages that count as asleep (iOS 16 split "Asleep" into core, deep and REM). */
export const APPLE_ASLEEP = new Set([
  'HKCategoryValueSleepAnalysisAsleep',
  'HKCategoryValueSleepAnalysisAsleepUnspecified',
  'HKCategoryValueSleepAnalysisAsleepCore',
  'HKCategoryValueSleepAnalysisAsleepDeep',
  'HKCategoryValueSleepAnalysisAsleepREM',
]);
