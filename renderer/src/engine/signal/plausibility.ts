import type { Metric, QualityFlag } from '../../../../common/readings/observation';
import { unitConverter } from '../rules/units';
import { normalIntervals } from './hrv';

/**
 * Plausibility of point readings. A reading that no living patient can produce, or that its
 * own device flagged as unreliable, is MARKED and kept (issue 6: "marked, not silently
 * dropped"): these functions only say which quality flags to add.
 *
 * The ranges are deliberately wide: they catch sensor faults, unit mix-ups and typing errors,
 * not clinical extremes, which the alert rules must still see. Each cites where it comes from.
 */

export interface PlausibleRange {
  min: number;
  max: number;
  /** UCUM unit of min and max; readings in convertible units are converted first. */
  unit: string;
  source: string;
}

export const PLAUSIBLE_RANGES: Readonly<Partial<Record<Metric, PlausibleRange>>> = {
  spo2: {
    min: 50, max: 100, unit: '%',
    source: 'Saturation cannot exceed 100 %; pulse oximeters are validated down to 70 % (ISO 80601-2-61 accuracy claims over 70–100 %), so below 50 % a reading is outside any calibration.',
  },
  'heart-rate': {
    min: 20, max: 300, unit: '/min',
    source: 'Heart-rate meter ranges that IEC 60601-2-27 asks of ECG monitors (30–200/min adult, 30–250/min neonatal), widened to 20–300/min (issue 6 limits).',
  },
  'pulse-rate': {
    min: 20, max: 300, unit: '/min',
    source: 'As heart rate (IEC 60601-2-27 measuring ranges, with margin).',
  },
  'blood-pressure-systolic': {
    min: 50, max: 300, unit: 'mm[Hg]',
    source: 'IEC 80601-2-30 caps automated cuff pressure at 300 mmHg for adults, so no cuff reports more; below 50 mmHg is a fault (issue 6 limits).',
  },
  'blood-pressure-diastolic': {
    min: 20, max: 200, unit: 'mm[Hg]',
    source: 'Issue 6 limits: a diastolic outside 20–200 mmHg is a measurement fault.',
  },
  'blood-pressure-mean': {
    min: 30, max: 250, unit: 'mm[Hg]',
    source: 'Between the diastolic and systolic limits above.',
  },
  'body-temperature': {
    min: 25, max: 45, unit: 'Cel',
    source: 'Below 25 °C is profound hypothermia that a home thermometer cannot read; above 45 °C is not survivable (issue 6 limits).',
  },
  'body-weight': {
    min: 1, max: 500, unit: 'kg',
    source: 'From a preterm neonate to the heaviest recorded adults (issue 6 limits).',
  },
  glucose: {
    min: 10, max: 1000, unit: 'mg/dL',
    source: 'Home meters typically report 20–600 mg/dL and show LO/HI outside it; 10–1000 mg/dL keeps a margin (issue 6 limits).',
  },
  'respiratory-rate': {
    min: 2, max: 80, unit: '/min',
    source: 'NEWS2 scores ≤ 8 and ≥ 25/min as extreme; 2–80/min keeps a wide margin for neonates and apnoea detectors.',
  },
};

/** Device flags that say the value itself may be wrong (a flag like 'validated' or 'battery-low' does not). */
const SENSOR_DOUBT: ReadonlySet<QualityFlag> = new Set<QualityFlag>([
  'sensor-contact-lost',
  'body-movement',
  'cuff-fit-loose',
  'improper-position',
  'measurement-ongoing',
  'early-estimate',
  'low-perfusion',
  'signal-weak',
  'device-error',
  'sensor-malfunction',
  'calibration-ongoing',
  'measurement-unavailable',
  'pulse-rate-out-of-range',
  'invalid',
  'not-a-number',
  'not-at-this-resolution',
  'infinity',
]);

export interface PointReading {
  metric: Metric;
  value: number;
  /** UCUM unit. */
  unit: string;
  flags?: readonly QualityFlag[];
  /** Readings taken together (systolic, diastolic, mean and pulse of one cuff measurement). */
  groupId?: string;
}

function add(flags: QualityFlag[], f: QualityFlag): void {
  if (!flags.includes(f)) flags.push(f);
}

/** The value in the range's unit, or undefined when the unit cannot be converted. */
function inRangeUnit(r: PointReading, range: PlausibleRange): number | undefined {
  return unitConverter(r.unit, range.unit)?.(r.value);
}

/**
 * Flags to add to one reading on its own: 'value-out-of-range' outside its metric's plausible
 * range (bounds included as plausible); 'questionable' when the value is not a finite number,
 * its unit does not fit the metric, or the device flagged a sensor problem.
 */
export function plausibilityFlags(r: PointReading): QualityFlag[] {
  const out: QualityFlag[] = [];
  if ((r.flags ?? []).some((f) => SENSOR_DOUBT.has(f))) add(out, 'questionable');
  if (!Number.isFinite(r.value)) {
    add(out, 'questionable');
    return out;
  }
  const range = PLAUSIBLE_RANGES[r.metric];
  if (!range) return out;
  const v = inRangeUnit(r, range);
  if (v === undefined) add(out, 'questionable');
  else if (v < range.min || v > range.max) add(out, 'value-out-of-range');
  return out;
}

/**
 * Flags to add to each reading of a list (same order), including the checks between readings
 * of one group: a systolic not above its diastolic makes both questionable, and a mean
 * pressure outside [diastolic, systolic] makes the mean questionable.
 */
export function plausibilityFlagsAll(readings: readonly PointReading[]): QualityFlag[][] {
  const out = readings.map(plausibilityFlags);
  const groups = new Map<string, number[]>();
  readings.forEach((r, i) => {
    if (r.groupId === undefined) return;
    const g = groups.get(r.groupId) ?? [];
    g.push(i);
    groups.set(r.groupId, g);
  });
  const mmHg = (i: number): number | undefined => {
    const v = unitConverter(readings[i]!.unit, 'mm[Hg]')?.(readings[i]!.value);
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  for (const members of groups.values()) {
    const find = (m: Metric) => members.filter((i) => readings[i]!.metric === m);
    const sys = find('blood-pressure-systolic');
    const dia = find('blood-pressure-diastolic');
    const mean = find('blood-pressure-mean');
    for (const s of sys) {
      for (const d of dia) {
        const sv = mmHg(s), dv = mmHg(d);
        if (sv === undefined || dv === undefined || sv > dv) continue;
        add(out[s]!, 'questionable');
        add(out[d]!, 'questionable');
      }
      for (const m of mean) {
        const sv = mmHg(s), mv = mmHg(m);
        const dv = dia.length ? mmHg(dia[0]!) : undefined;
        if (sv === undefined || mv === undefined) continue;
        if (mv > sv || (dv !== undefined && mv < dv)) add(out[m]!, 'questionable');
      }
    }
  }
  return out;
}

/** The readings with their plausibility flags added: same readings, same order, none dropped. */
export function markImplausible<T extends PointReading>(readings: readonly T[]): T[] {
  const flags = plausibilityFlagsAll(readings);
  return readings.map((r, i) => {
    const extra = flags[i]!.filter((f) => !(r.flags ?? []).includes(f));
    return extra.length ? { ...r, flags: [...(r.flags ?? []), ...extra] } : r;
  });
}

export interface RrHeartRate {
  /** Per interval: 60000 / RR, or null when the interval was rejected. */
  instantaneousBpm: (number | null)[];
  /** 60000 / mean of the accepted intervals; null when none was accepted. */
  averageBpm: number | null;
  accepted: number;
  /** Intervals outside 200–3000 ms (300/min to 20/min, the heart-rate range above). */
  rejectedImplausible: number;
  /** Plausible intervals more than 20 % from their neighbours' median (ectopic beats and their compensatory pauses, or missed beats). */
  rejectedEctopic: number;
}

export const RR_MIN_MS = 200;
export const RR_MAX_MS = 3000;

/**
 * Heart rate from the RR intervals a strap sends (Heart Rate Measurement 0x2A37, in ms):
 * implausible intervals are rejected, then ectopic ones by the same NN rule as the HRV
 * (hrv.ts: at most 20 % from the median of the five centred on each). Pass a few seconds of
 * preceding intervals along with the new ones: with one or two intervals the rule has little
 * to compare against.
 */
export function heartRateFromRr(rrMs: readonly number[]): RrHeartRate {
  const keep = normalIntervals(rrMs, { minRrMs: RR_MIN_MS, maxRrMs: RR_MAX_MS, maxDeviation: 0.2 });
  const instantaneousBpm: (number | null)[] = [];
  let sum = 0, accepted = 0, rejectedImplausible = 0, rejectedEctopic = 0;
  rrMs.forEach((v, i) => {
    if (!(v >= RR_MIN_MS && v <= RR_MAX_MS)) {
      rejectedImplausible++;
      instantaneousBpm.push(null);
    } else if (!keep[i]) {
      rejectedEctopic++;
      instantaneousBpm.push(null);
    } else {
      accepted++;
      sum += v;
      instantaneousBpm.push(60000 / v);
    }
  });
  return { instantaneousBpm, averageBpm: accepted ? 60000 / (sum / accepted) : null, accepted, rejectedImplausible, rejectedEctopic };
}
