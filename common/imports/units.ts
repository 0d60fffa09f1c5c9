import { toCanonicalUnit } from '../fhir/vital-codes';

/**
 * Units as consumer apps write them → UCUM (https://ucum.org/ucum). Apple Health writes
 * HealthKit unit strings (HKUnit: "count/min", "mmHg", "mmol<180.15588000005408>/L"), other
 * apps their own spellings.
 */
const UCUM_OF: Record<string, string> = {
  'count/min': '/min',
  'beats/min': '/min',
  bpm: '/min',
  '/min': '/min',
  'breaths/min': '/min',
  mmhg: 'mm[Hg]',
  'mm[hg]': 'mm[Hg]',
  kpa: 'kPa',
  kg: 'kg',
  g: 'g',
  lb: '[lb_av]',
  lbs: '[lb_av]',
  '[lb_av]': '[lb_av]',
  'mg/dl': 'mg/dL',
  'mmol/l': 'mmol/L',
  count: '{count}',
  steps: '{count}',
  '{steps}': '{count}',
  ms: 'ms',
  '%': '%',
  degc: 'Cel',
  cel: 'Cel',
  c: 'Cel',
  degf: '[degF]',
  '[degf]': '[degF]',
  f: '[degF]',
  h: 'h',
  min: 'min',
  s: 's',
  sec: 's',
  uv: 'uV',
  'µv': 'uV',
  mv: 'mV',
};

/** UCUM spelling of a unit as written in a file, or undefined when unknown. */
export function ucumOf(unit: string): string | undefined {
  const u = unit.trim().toLowerCase();
  // HealthKit writes molar glucose with its molar mass in angle brackets.
  if (/^mmol<[\d.]+>\/l$/.test(u)) return 'mmol/L';
  return UCUM_OF[u];
}

/** A value in the canonical unit; undefined when the file's unit is unknown or does not convert. */
export function convertTo(value: number, fileUnit: string, canonical: string): number | undefined {
  const ucum = ucumOf(fileUnit) ?? fileUnit;
  if (canonical === '{steps}' && ucum === '{count}') return value;
  return toCanonicalUnit(value, ucum, canonical);
}
