/**
 * NEWS2 over time from a patient's stored readings (issue 11). Readings are grouped into
 * observation sets the way a nurse takes one round of vital signs: a set starts at a reading and
 * takes every reading of the next 15 minutes (the latest value per parameter). Each set is scored
 * with the Royal College of Physicians' chart (engine/rules/news2.ts).
 *
 * Home and device readings carry no ACVPU level and no oxygen flag: consciousness is scored as
 * Alert and the patient as breathing air unless the care plan says otherwise (as the NEWS2 rules
 * do with assumeAlert). A set missing any of the five measured parameters is partial: its score is
 * the sum of what was measured, a lower bound, and is shown apart from complete sets. A set with
 * fewer than two measured parameters (a lone SpO2 from a wearable) is not a round of observations
 * and is left out.
 *
 * Environment-free: no DOM, no database.
 */
import type { Metric, QualityFlag } from '../../../../common/readings/observation';
import {
  news2Band, scoreAirOrOxygen, scoreConsciousness, scorePulse, scoreRespiratoryRate, scoreSpo2Scale1, scoreSpo2Scale2, scoreSystolic, scoreTemperature,
  type Consciousness, type News2Band, type News2Parameters,
} from '../../engine/rules/news2';

export type MeasuredParameter = 'respiratoryRate' | 'spo2' | 'systolic' | 'pulse' | 'temperature';
export const MEASURED_PARAMETERS: readonly MeasuredParameter[] = ['respiratoryRate', 'spo2', 'systolic', 'pulse', 'temperature'];

export const PARAMETER_LABELS: Readonly<Record<MeasuredParameter, string>> = {
  respiratoryRate: 'respiration rate',
  spo2: 'SpO₂',
  systolic: 'systolic BP',
  pulse: 'pulse',
  temperature: 'temperature',
};

/** The readings NEWS2 reads; heart rate and pulse rate both give the pulse. */
export const NEWS2_TREND_METRICS: readonly Metric[] = ['respiratory-rate', 'spo2', 'blood-pressure-systolic', 'heart-rate', 'pulse-rate', 'body-temperature'];

const PARAMETER_OF: Partial<Record<Metric, MeasuredParameter>> = {
  'respiratory-rate': 'respiratoryRate',
  spo2: 'spo2',
  'blood-pressure-systolic': 'systolic',
  'heart-rate': 'pulse',
  'pulse-rate': 'pulse',
  'body-temperature': 'temperature',
};

export interface VitalReading {
  metric: Metric;
  value: number;
  unit: string;
  timeMs: number;
  flags?: readonly QualityFlag[] | undefined;
}

export interface News2TrendOptions {
  /** Readings within this long of a set's first reading join it (default 15 minutes). */
  windowMs?: number;
  spo2Scale?: 1 | 2;
  onOxygen?: boolean;
  consciousness?: Consciousness;
  /** Sets with fewer measured parameters are left out (default 2). */
  minParameters?: number;
}

export interface News2SetScore {
  /** Time of the set's first reading. */
  timeMs: number;
  /** Time of its last reading. */
  endMs: number;
  /** Aggregate score; for a partial set, of the measured parameters only (a lower bound). */
  score: number;
  /** For a complete set, the chart's band; for a partial one, the band its lower bound already reaches. */
  band: News2Band;
  complete: boolean;
  parameters: News2Parameters;
  /** The values used, in °C, %, mmHg and per minute. */
  values: Partial<Record<MeasuredParameter, number>>;
  missing: MeasuredParameter[];
}

export const NEWS2_SET_WINDOW_MS = 15 * 60_000;

const UNUSABLE_FLAGS: ReadonlySet<QualityFlag> = new Set(['invalid', 'device-error', 'sensor-malfunction', 'value-out-of-range', 'testing-data', 'not-a-number', 'measurement-unavailable', 'sensor-contact-lost']);

/** Temperature in °C; undefined for a unit that is not a temperature. */
function celsius(r: VitalReading): number | undefined {
  const u = r.unit.trim();
  if (u === 'Cel' || u === '°C') return r.value;
  if (u === '[degF]' || u === '°F') return ((r.value - 32) * 5) / 9;
  return undefined;
}

function valueOf(r: VitalReading, p: MeasuredParameter): number | undefined {
  return p === 'temperature' ? celsius(r) : r.value;
}

function scoreSet(values: Partial<Record<MeasuredParameter, number>>, o: Required<Pick<News2TrendOptions, 'spo2Scale' | 'onOxygen' | 'consciousness'>>): Omit<News2SetScore, 'timeMs' | 'endMs'> {
  const missing = MEASURED_PARAMETERS.filter((p) => values[p] === undefined);
  const part = (p: MeasuredParameter, score: (v: number) => number) => (values[p] === undefined ? 0 : score(values[p]));
  const parameters: News2Parameters = {
    respiratoryRate: part('respiratoryRate', scoreRespiratoryRate),
    spo2: part('spo2', (v) => (o.spo2Scale === 2 ? scoreSpo2Scale2(v, o.onOxygen) : scoreSpo2Scale1(v))),
    airOrOxygen: scoreAirOrOxygen(o.onOxygen),
    systolic: part('systolic', scoreSystolic),
    pulse: part('pulse', scorePulse),
    consciousness: scoreConsciousness(o.consciousness),
    temperature: part('temperature', scoreTemperature),
  };
  const score = Object.values(parameters).reduce((s, x) => s + x, 0);
  return { score, band: news2Band(score, parameters), complete: missing.length === 0, parameters, values, missing };
}

/** NEWS2 of each observation set in the readings, oldest first. */
export function news2Trend(readings: readonly VitalReading[], options: News2TrendOptions = {}): News2SetScore[] {
  const windowMs = options.windowMs ?? NEWS2_SET_WINDOW_MS;
  const minParameters = options.minParameters ?? 2;
  if (!(windowMs > 0)) throw new RangeError('the observation-set window must be longer than 0');
  const scoring = { spo2Scale: options.spo2Scale ?? 1, onOxygen: options.onOxygen ?? false, consciousness: options.consciousness ?? 'A' } as const;
  const usable = readings
    .filter((r) => PARAMETER_OF[r.metric] !== undefined && Number.isFinite(r.value) && Number.isFinite(r.timeMs) && !(r.flags ?? []).some((f) => UNUSABLE_FLAGS.has(f)))
    .slice()
    .sort((a, b) => a.timeMs - b.timeMs);
  const out: News2SetScore[] = [];
  let i = 0;
  while (i < usable.length) {
    const start = usable[i]!.timeMs;
    const values: Partial<Record<MeasuredParameter, number>> = {};
    let endMs = start;
    // readings are in time order, so a later one of the same parameter replaces the earlier
    for (; i < usable.length && usable[i]!.timeMs - start <= windowMs; i++) {
      const r = usable[i]!;
      const p = PARAMETER_OF[r.metric]!;
      const v = valueOf(r, p);
      if (v === undefined) continue;
      values[p] = v;
      endMs = r.timeMs;
    }
    if (Object.keys(values).length >= minParameters) out.push({ timeMs: start, endMs, ...scoreSet(values, scoring) });
  }
  return out;
}

/** Chart 2's clinical-response bands on the aggregate score: 0–4, 5–6, 7 or more. */
export function scoreBand(score: number): '0-4' | '5-6' | '7+' {
  return score >= 7 ? '7+' : score >= 5 ? '5-6' : '0-4';
}
