import type { Observation as FhirObservation, SampledData } from '@medplum/fhirtypes';
import type { Metric } from '../readings/observation';
import { derivedId, instant, reference } from './ids';
import { metricOf } from './map-observation';
import { LOINC, METRIC_SYSTEM, OBSERVATION_CATEGORY, UCUM } from './systems';
import { metricCode, toCanonicalUnit } from './vital-codes';

/**
 * Dense series (DESIGN.md decision 2: blocks, never a row per sample) as Observations with
 * valueSampledData (FHIR R4 §2.24.0.8 SampledData): a waveform segment (ECG) is one
 * Observation; an irregular series (a wearable's minute heart rate) is cut into runs on
 * one sampling period, with "E" (no value) for the gaps inside a run.
 */
export interface WaveformInput {
  patientId: string;
  metric: string;
  startMs: number;
  fs: number;
  values: ArrayLike<number>;
  unit: string;
}

export interface PointSeriesInput {
  patientId: string;
  metric: string;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  unit: string;
}

/** A gap longer than this many periods starts a new Observation instead of a run of "E". */
const MAX_GAP_PERIODS = 120;

/** The shortest decimal that reads back as the same 32-bit float (values are stored as Float32). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return 'E';
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

function code(metric: string): FhirObservation['code'] {
  const mc = metricCode(metric);
  const own = { system: METRIC_SYSTEM, code: metric };
  return mc ? { coding: [{ system: LOINC, code: mc.loinc.code, display: mc.loinc.display }, own], text: mc.loinc.display } : { coding: [own], text: metric };
}

function category(metric: string): Pick<FhirObservation, 'category'> {
  const c = metricCode(metric)?.category;
  if (!c) return {};
  const display = c === 'vital-signs' ? 'Vital Signs' : c === 'activity' ? 'Activity' : 'Procedure';
  return { category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: c, display }] }] };
}

function sampled(unit: string, periodMs: number, data: string): SampledData {
  return { origin: { value: 0, unit, system: UCUM, code: unit }, period: periodMs, dimensions: 1, data };
}

export function waveformToFhir(w: WaveformInput): FhirObservation {
  const periodMs = 1000 / w.fs;
  const parts: string[] = new Array<string>(w.values.length);
  for (let i = 0; i < w.values.length; i++) parts[i] = float32Text(w.values[i]!);
  return {
    resourceType: 'Observation',
    id: derivedId('Observation', 'waveform', w.patientId, w.metric, String(w.startMs), String(w.fs)),
    status: 'final',
    ...category(w.metric),
    code: code(w.metric),
    subject: reference('Patient', w.patientId),
    effectivePeriod: { start: instant(w.startMs), end: instant(w.startMs + w.values.length * periodMs) },
    valueSampledData: sampled(w.unit, periodMs, parts.join(' ')),
  };
}

/** The most common step between consecutive times: the series' sampling period. */
function modalStep(times: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 60_000;
  let n = 0;
  for (const [d, c] of counts) if (c > n || (c === n && d < best)) [best, n] = [d, c];
  return best;
}

export function pointSeriesToFhir(s: PointSeriesInput): FhirObservation[] {
  const out: FhirObservation[] = [];
  const n = s.times.length;
  if (n === 0) return out;
  const period = modalStep(s.times);
  let i = 0;
  while (i < n) {
    const t0 = s.times[i]!;
    const parts = [float32Text(s.values[i]!)];
    let last = t0;
    let j = i + 1;
    for (; j < n; j++) {
      const t = s.times[j]!;
      const steps = (t - last) / period;
      if ((t - t0) % period !== 0 || steps > MAX_GAP_PERIODS) break;
      for (let k = 1; k < steps; k++) parts.push('E');
      parts.push(float32Text(s.values[j]!));
      last = t;
    }
    out.push({
      resourceType: 'Observation',
      id: derivedId('Observation', 'series', s.patientId, s.metric, String(t0)),
      status: 'final',
      ...category(s.metric),
      code: code(s.metric),
      subject: reference('Patient', s.patientId),
      effectivePeriod: { start: instant(t0), end: instant(last + period) },
      valueSampledData: sampled(s.unit, period, parts.join(' ')),
    });
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Import

export type SeriesFromFhir =
  | { ok: true; kind: 'waveform'; metric: Metric; startMs: number; fs: number; values: Float32Array }
  | { ok: true; kind: 'points'; metric: Metric; times: number[]; values: number[] }
  | { ok: false; reason: string };

const SAMPLE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|E|L|U)$/;

/** Samples of a valueSampledData Observation; waveforms (ECG) keep their rate, other series their times. */
export function seriesFromFhir(o: FhirObservation): SeriesFromFhir {
  const sd = o.valueSampledData;
  if (!sd) return { ok: false, reason: 'no valueSampledData' };
  const m = metricOf(o.code);
  if (!m.metric) return { ok: false, reason: m.unsupported! };
  const start = o.effectivePeriod?.start ?? o.effectiveDateTime ?? o.effectiveInstant;
  const startMs = start ? Date.parse(start) : Number.NaN;
  if (!Number.isFinite(startMs)) return { ok: false, reason: 'no effective start time' };
  if (sd.dimensions !== 1) return { ok: false, reason: `SampledData with ${sd.dimensions} dimensions: CareLoop reads one` };
  if (!(typeof sd.period === 'number' && sd.period > 0)) return { ok: false, reason: 'SampledData period must be a positive number of milliseconds' };
  const canonical = metricCode(m.metric)?.unit;
  const unit = sd.origin?.code ?? sd.origin?.unit ?? canonical ?? '';
  const scale = canonical ? toCanonicalUnit(1, unit, canonical) : 1;
  const zero = canonical ? toCanonicalUnit(0, unit, canonical) : 0;
  if (scale === undefined || zero === undefined) return { ok: false, reason: `unit "${unit}" cannot be converted to ${canonical}` };
  const originValue = sd.origin?.value ?? 0;
  const factor = sd.factor ?? 1;
  const tokens = (sd.data ?? '').trim().split(/\s+/).filter(Boolean);
  const times: number[] = [];
  const values: number[] = [];
  for (const [k, tok] of tokens.entries()) {
    if (!SAMPLE.test(tok)) return { ok: false, reason: `SampledData value ${k} ("${tok.slice(0, 20)}") is not a number, E, L or U` };
    if (tok === 'E' || tok === 'L' || tok === 'U') continue;
    times.push(startMs + k * sd.period);
    values.push((originValue + factor * Number(tok)) * (scale - zero) + zero);
  }
  if (m.metric === 'ecg') {
    // A waveform keeps every position; samples without a value become NaN.
    const all = new Float32Array(tokens.length).fill(Number.NaN);
    times.forEach((t, k) => (all[Math.round((t - startMs) / sd.period)] = values[k]!));
    return { ok: true, kind: 'waveform', metric: m.metric, startMs, fs: 1000 / sd.period, values: all };
  }
  return { ok: true, kind: 'points', metric: m.metric, times, values };
}
