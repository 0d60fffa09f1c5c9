import type { Metric } from '../readings/observation';

/**
 * LOINC codes and UCUM units of CareLoop's metrics (issue 10; FHIR R4 vital signs,
 * https://hl7.org/fhir/R4/observation-vitalsigns.html). The unit is the one the vital-signs
 * profile expects; readings stored in another unit are converted on export (a scale in
 * pounds, a thermometer in Fahrenheit, a meter in mmol/L), so an import returns the
 * canonical unit.
 */
export interface LoincCode {
  code: string;
  display: string;
}

export interface MetricCode {
  /** CareLoop's metric, or one CareLoop cannot store yet (still recognised on import). */
  metric: Metric | 'sleep-duration';
  loinc: LoincCode;
  /** More LOINC codings sent beside the first (SpO2 by pulse oximetry). */
  alsoLoinc?: LoincCode[];
  unit: string;
  /** Observation category: vital signs, or activity for steps and sleep. */
  category: 'vital-signs' | 'activity' | 'procedure' | 'laboratory';
}

export const LOINC_CODES = {
  heartRate: { code: '8867-4', display: 'Heart rate' },
  respiratoryRate: { code: '9279-1', display: 'Respiratory rate' },
  spo2: { code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
  spo2PulseOx: { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
  bpPanel: { code: '85354-9', display: 'Blood pressure panel with all children optional' },
  systolic: { code: '8480-6', display: 'Systolic blood pressure' },
  diastolic: { code: '8462-4', display: 'Diastolic blood pressure' },
  meanBp: { code: '8478-0', display: 'Mean blood pressure' },
  bodyTemperature: { code: '8310-5', display: 'Body temperature' },
  bodyWeight: { code: '29463-7', display: 'Body weight' },
  bodyHeight: { code: '8302-2', display: 'Body height' },
  bmi: { code: '39156-5', display: 'Body mass index (BMI) [Ratio]' },
  glucose: { code: '2339-0', display: 'Glucose [Mass/volume] in Blood' },
  capillaryGlucose: { code: '41653-7', display: 'Glucose [Mass/volume] in Capillary blood by Glucometer' },
  cgmGlucose: { code: '99504-3', display: 'Glucose [Mass/volume] in Interstitial fluid' },
  steps: { code: '41950-7', display: 'Number of steps in 24 hour Measured' },
  sleepDuration: { code: '93832-4', display: 'Sleep duration' },
  hrvSdnn: { code: '80404-7', display: 'R-R interval.standard deviation (Heart rate variability)' },
  ecg: { code: '11524-6', display: 'EKG study' },
  totalCholesterol: { code: '2093-3', display: 'Cholesterol [Mass/volume] in Serum or Plasma' },
  hdlCholesterol: { code: '2085-9', display: 'Cholesterol in HDL [Mass/volume] in Serum or Plasma' },
  ldlCholesterol: { code: '13457-7', display: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation' },
  egfr: { code: '98979-8', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)' },
  hba1c: { code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' },
} as const satisfies Record<string, LoincCode>;

const L = LOINC_CODES;

export const METRIC_CODES: readonly MetricCode[] = [
  { metric: 'heart-rate', loinc: L.heartRate, unit: '/min', category: 'vital-signs' },
  { metric: 'pulse-rate', loinc: L.heartRate, unit: '/min', category: 'vital-signs' },
  { metric: 'respiratory-rate', loinc: L.respiratoryRate, unit: '/min', category: 'vital-signs' },
  { metric: 'spo2', loinc: L.spo2, alsoLoinc: [L.spo2PulseOx], unit: '%', category: 'vital-signs' },
  { metric: 'blood-pressure-systolic', loinc: L.systolic, unit: 'mm[Hg]', category: 'vital-signs' },
  { metric: 'blood-pressure-diastolic', loinc: L.diastolic, unit: 'mm[Hg]', category: 'vital-signs' },
  { metric: 'blood-pressure-mean', loinc: L.meanBp, unit: 'mm[Hg]', category: 'vital-signs' },
  { metric: 'body-temperature', loinc: L.bodyTemperature, unit: 'Cel', category: 'vital-signs' },
  { metric: 'body-weight', loinc: L.bodyWeight, unit: 'kg', category: 'vital-signs' },
  { metric: 'body-height', loinc: L.bodyHeight, unit: 'cm', category: 'vital-signs' },
  { metric: 'bmi', loinc: L.bmi, unit: 'kg/m2', category: 'vital-signs' },
  { metric: 'glucose', loinc: L.glucose, unit: 'mg/dL', category: 'vital-signs' },
  { metric: 'steps', loinc: L.steps, unit: '{steps}', category: 'activity' },
  { metric: 'sleep-duration', loinc: L.sleepDuration, unit: 'h', category: 'activity' },
  { metric: 'hrv-sdnn', loinc: L.hrvSdnn, unit: 'ms', category: 'vital-signs' },
  { metric: 'ecg', loinc: L.ecg, unit: 'uV', category: 'procedure' },
  { metric: 'total-cholesterol', loinc: L.totalCholesterol, unit: 'mg/dL', category: 'laboratory' },
  { metric: 'hdl-cholesterol', loinc: L.hdlCholesterol, unit: 'mg/dL', category: 'laboratory' },
  { metric: 'ldl-cholesterol', loinc: L.ldlCholesterol, unit: 'mg/dL', category: 'laboratory' },
  { metric: 'egfr', loinc: L.egfr, unit: 'mL/min/{1.73_m2}', category: 'laboratory' },
  { metric: 'hba1c', loinc: L.hba1c, unit: '%', category: 'laboratory' },
];

const BY_METRIC = new Map<string, MetricCode>(METRIC_CODES.map((m) => [m.metric, m]));

export function metricCode(metric: string): MetricCode | undefined {
  return BY_METRIC.get(metric);
}

/** Which glucose code: a meter's capillary blood, a CGM's interstitial fluid, or blood when unknown. */
export type GlucoseSource = 'meter' | 'cgm' | 'unknown';

export function glucoseLoinc(source: GlucoseSource): LoincCode {
  return source === 'cgm' ? L.cgmGlucose : source === 'meter' ? L.capillaryGlucose : L.glucose;
}

/** LOINC code → metric, for import. Heart rate means heart rate unless CareLoop's own coding says pulse rate. */
const METRIC_BY_LOINC = new Map<string, MetricCode['metric']>([
  [L.heartRate.code, 'heart-rate'],
  [L.respiratoryRate.code, 'respiratory-rate'],
  [L.spo2.code, 'spo2'],
  [L.spo2PulseOx.code, 'spo2'],
  [L.systolic.code, 'blood-pressure-systolic'],
  [L.diastolic.code, 'blood-pressure-diastolic'],
  [L.meanBp.code, 'blood-pressure-mean'],
  [L.bodyTemperature.code, 'body-temperature'],
  [L.bodyWeight.code, 'body-weight'],
  [L.bodyHeight.code, 'body-height'],
  [L.bmi.code, 'bmi'],
  [L.glucose.code, 'glucose'],
  [L.capillaryGlucose.code, 'glucose'],
  [L.cgmGlucose.code, 'glucose'],
  [L.steps.code, 'steps'],
  [L.sleepDuration.code, 'sleep-duration'],
  [L.hrvSdnn.code, 'hrv-sdnn'],
  [L.ecg.code, 'ecg'],
]);

export function metricOfLoinc(code: string): MetricCode['metric'] | undefined {
  return METRIC_BY_LOINC.get(code);
}

/** Unit conversions into the canonical unit: value × factor + offset. */
const CONVERSIONS: Record<string, Record<string, { factor: number; offset?: number }>> = {
  kg: { '[lb_av]': { factor: 0.45359237 }, g: { factor: 0.001 } },
  Cel: { '[degF]': { factor: 5 / 9, offset: -32 * (5 / 9) } },
  cm: { m: { factor: 100 }, '[in_i]': { factor: 2.54 }, mm: { factor: 0.1 } },
  // Glucose molar mass 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL.
  'mg/dL': { 'mmol/L': { factor: 18.0156 } },
  // 1 kPa = 7.500617 mmHg (BLE blood-pressure cuffs may report kPa).
  'mm[Hg]': { kPa: { factor: 7.500617 } },
  h: { min: { factor: 1 / 60 }, s: { factor: 1 / 3600 } },
  uV: { mV: { factor: 1000 } },
  '{steps}': { '{count}': { factor: 1 }, '1': { factor: 1 } },
};

/** The value in the canonical unit, or undefined when the unit cannot be converted. */
export function toCanonicalUnit(value: number, unit: string, canonical: string): number | undefined {
  if (unit === canonical) return value;
  const c = CONVERSIONS[canonical]?.[unit];
  return c ? value * c.factor + (c.offset ?? 0) : undefined;
}
