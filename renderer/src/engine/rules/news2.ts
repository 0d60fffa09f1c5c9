/**
 * National Early Warning Score 2, as published by the Royal College of Physicians:
 * "National Early Warning Score (NEWS) 2: Standardising the assessment of acute-illness
 * severity in the NHS. Updated report of a working party." London: RCP, 2017 — Chart 1
 * (the NEWS scoring system) and Chart 2 (thresholds and triggers).
 *
 * The chart prints whole numbers (temperature to 0.1 °C). A device may report finer values
 * (an averaged SpO2 of 93.6 %), so each value is first rounded to the chart's resolution,
 * half up — what a nurse writes on the paper chart — and then scored in the printed band.
 */

export const CONSCIOUSNESS_LEVELS = ['A', 'C', 'V', 'P', 'U'] as const;
/** ACVPU: Alert, new Confusion, responds to Voice, responds to Pain, Unresponsive. */
export type Consciousness = (typeof CONSCIOUSNESS_LEVELS)[number];

export type News2Band = 'low' | 'low-medium' | 'medium' | 'high';
export const NEWS2_BANDS: readonly News2Band[] = ['low', 'low-medium', 'medium', 'high'];

export interface News2Input {
  /** Breaths per minute. */
  respiratoryRate: number;
  /** Peripheral oxygen saturation, %. */
  spo2: number;
  /** Scale 2 only for patients with hypercapnic respiratory failure and a prescribed 88–92 % target. */
  spo2Scale: 1 | 2;
  /** On supplemental oxygen (any device or flow) rather than breathing air. */
  onOxygen: boolean;
  /** Systolic blood pressure, mmHg. */
  systolic: number;
  /** Pulse, beats per minute. */
  pulse: number;
  consciousness: Consciousness;
  /** Temperature, °C. */
  temperature: number;
}

export interface News2Parameters {
  respiratoryRate: number;
  spo2: number;
  airOrOxygen: number;
  systolic: number;
  pulse: number;
  consciousness: number;
  temperature: number;
}

export interface News2Result {
  score: number;
  band: News2Band;
  parameters: News2Parameters;
}

export type News2InputErrorCode = 'not-an-object' | 'missing' | 'not-a-number' | 'out-of-range' | 'bad-value';

export class News2InputError extends Error {
  override readonly name = 'News2InputError';
  constructor(
    readonly code: News2InputErrorCode,
    /** The input field at fault, when there is one. */
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const roundWhole = (x: number): number => Math.floor(x + 0.5);
/** Tenths as an integer, so 38.05 (stored as 38.04999…) still rounds to 381 like on paper. */
const roundTenths = (x: number): number => Math.floor(x * 10 + 0.5 + 1e-9);

export function scoreRespiratoryRate(perMin: number): number {
  const r = roundWhole(perMin);
  if (r <= 8) return 3;
  if (r <= 11) return 1;
  if (r <= 20) return 0;
  if (r <= 24) return 2;
  return 3;
}

export function scoreSpo2Scale1(percent: number): number {
  const s = roundWhole(percent);
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

/**
 * Scale 2 scores low saturations on lower bands (88–92 % scores 0) and, on oxygen only,
 * scores high saturations as well (93–94 → 1, 95–96 → 2, ≥ 97 → 3): over-oxygenation risks
 * hypercapnia. On air, ≥ 93 % scores 0.
 */
export function scoreSpo2Scale2(percent: number, onOxygen: boolean): number {
  const s = roundWhole(percent);
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92 || !onOxygen) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

export function scoreAirOrOxygen(onOxygen: boolean): number {
  return onOxygen ? 2 : 0;
}

export function scoreSystolic(mmHg: number): number {
  const p = roundWhole(mmHg);
  if (p <= 90) return 3;
  if (p <= 100) return 2;
  if (p <= 110) return 1;
  if (p <= 219) return 0;
  return 3;
}

export function scorePulse(perMin: number): number {
  const p = roundWhole(perMin);
  if (p <= 40) return 3;
  if (p <= 50) return 1;
  if (p <= 90) return 0;
  if (p <= 110) return 1;
  if (p <= 130) return 2;
  return 3;
}

export function scoreConsciousness(level: Consciousness): number {
  return level === 'A' ? 0 : 3;
}

export function scoreTemperature(celsius: number): number {
  const t = roundTenths(celsius);
  if (t <= 350) return 3;
  if (t <= 360) return 1;
  if (t <= 380) return 0;
  if (t <= 390) return 1;
  return 2;
}

/** Chart 2: aggregate 0–4 low, a single red score (3) low-medium, 5–6 medium, 7 or more high. */
export function news2Band(score: number, parameters: News2Parameters): News2Band {
  if (score >= 7) return 'high';
  if (score >= 5) return 'medium';
  if (Object.values(parameters).some((p) => p === 3)) return 'low-medium';
  return 'low';
}

export function scoreNews2(input: News2Input): News2Result {
  const parameters: News2Parameters = {
    respiratoryRate: scoreRespiratoryRate(input.respiratoryRate),
    spo2: input.spo2Scale === 2 ? scoreSpo2Scale2(input.spo2, input.onOxygen) : scoreSpo2Scale1(input.spo2),
    airOrOxygen: scoreAirOrOxygen(input.onOxygen),
    systolic: scoreSystolic(input.systolic),
    pulse: scorePulse(input.pulse),
    consciousness: scoreConsciousness(input.consciousness),
    temperature: scoreTemperature(input.temperature),
  };
  const score =
    parameters.respiratoryRate +
    parameters.spo2 +
    parameters.airOrOxygen +
    parameters.systolic +
    parameters.pulse +
    parameters.consciousness +
    parameters.temperature;
  return { score, band: news2Band(score, parameters), parameters };
}

/** Physiologically possible ranges; outside them the value is a device or typing error, not a score. */
const RANGES: Record<'respiratoryRate' | 'spo2' | 'systolic' | 'pulse' | 'temperature', readonly [number, number, string]> = {
  respiratoryRate: [0, 80, 'breaths/min'],
  spo2: [0, 100, '%'],
  systolic: [0, 350, 'mmHg'],
  pulse: [0, 350, 'beats/min'],
  temperature: [20, 45, '°C'],
};

function numberField(obj: Record<string, unknown>, field: keyof typeof RANGES): number {
  const v = obj[field];
  if (v === undefined || v === null) throw new News2InputError('missing', field, `${field} is missing`);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new News2InputError('not-a-number', field, `${field} must be a finite number`);
  const [lo, hi, unit] = RANGES[field];
  if (v < lo || v > hi) throw new News2InputError('out-of-range', field, `${field} ${v} is outside ${lo}–${hi} ${unit}`);
  return v;
}

/** Checks an untrusted object (JSON from a form, the CLI or an import) and returns typed NEWS2 input. */
export function parseNews2Input(raw: unknown): News2Input {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new News2InputError('not-an-object', undefined, 'NEWS2 input must be an object of observations');
  }
  const obj = raw as Record<string, unknown>;
  const known = new Set(['respiratoryRate', 'spo2', 'spo2Scale', 'onOxygen', 'systolic', 'pulse', 'consciousness', 'temperature']);
  const extra = Object.keys(obj).find((k) => !known.has(k));
  if (extra !== undefined) throw new News2InputError('bad-value', extra, `unknown field ${extra}`);
  // checked in the chart's order, so the first problem reported is the first row a nurse would fill in
  const respiratoryRate = numberField(obj, 'respiratoryRate');
  const spo2 = numberField(obj, 'spo2');
  const scale = obj.spo2Scale ?? 1;
  if (scale !== 1 && scale !== 2) throw new News2InputError('bad-value', 'spo2Scale', 'spo2Scale must be 1 or 2');
  if (obj.onOxygen === undefined) throw new News2InputError('missing', 'onOxygen', 'onOxygen is missing (true on supplemental oxygen, false on air)');
  if (typeof obj.onOxygen !== 'boolean') throw new News2InputError('bad-value', 'onOxygen', 'onOxygen must be true or false');
  const systolic = numberField(obj, 'systolic');
  const pulse = numberField(obj, 'pulse');
  if (obj.consciousness === undefined) throw new News2InputError('missing', 'consciousness', 'consciousness is missing (A, C, V, P or U)');
  const c = typeof obj.consciousness === 'string' ? obj.consciousness.trim().toUpperCase() : undefined;
  if (!c || !(CONSCIOUSNESS_LEVELS as readonly string[]).includes(c)) {
    throw new News2InputError('bad-value', 'consciousness', 'consciousness must be one of A, C, V, P, U (ACVPU)');
  }
  const temperature = numberField(obj, 'temperature');
  return { respiratoryRate, spo2, spo2Scale: scale, onOxygen: obj.onOxygen, systolic, pulse, consciousness: c as Consciousness, temperature };
}
