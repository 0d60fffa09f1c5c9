/**
 * Unit conversion for rule levels. Readings carry UCUM units (electron/devices/drivers/types.ts);
 * a rule written in mg/dL must also judge a meter that reports mmol/L.
 */

/** Glucose: molar mass 180.16 g/mol, so 1 mmol/L = 18.016 mg/dL. */
const GLUCOSE_MG_DL_PER_MMOL_L = 18.016;
const KG_PER_LB = 0.45359237;

/** Spellings of the same unit seen from devices and imports. */
const SAME: Record<string, string> = {
  '{beats}/min': '/min',
  '{breaths}/min': '/min',
  'beats/min': '/min',
  bpm: '/min',
  mmHg: 'mm[Hg]',
  '°C': 'Cel',
  '°F': '[degF]',
  lb: '[lb_av]',
};

const canonical = (u: string): string => SAME[u] ?? u;

type Converter = (x: number) => number;

const CONVERSIONS: Record<string, Converter> = {
  'mmol/L->mg/dL': (x) => x * GLUCOSE_MG_DL_PER_MMOL_L,
  'mg/dL->mmol/L': (x) => x / GLUCOSE_MG_DL_PER_MMOL_L,
  '[degF]->Cel': (x) => ((x - 32) * 5) / 9,
  'Cel->[degF]': (x) => (x * 9) / 5 + 32,
  '[lb_av]->kg': (x) => x * KG_PER_LB,
  'kg->[lb_av]': (x) => x / KG_PER_LB,
  'g->kg': (x) => x / 1000,
  'kg->g': (x) => x * 1000,
  'kPa->mm[Hg]': (x) => x * 7.50062,
  'mm[Hg]->kPa': (x) => x / 7.50062,
};

/**
 * Returns a function converting values from `from` to `to`, or undefined when the units are
 * not comparable (the reading is then not judged by that rule rather than judged wrongly).
 */
export function unitConverter(from: string, to: string): Converter | undefined {
  const f = canonical(from);
  const t = canonical(to);
  if (f === t) return identity;
  return CONVERSIONS[`${f}->${t}`];
}

const identity: Converter = (x) => x;
