import type { DecodedReading, Metric, QualityFlag } from '../types';
import type { MderNumber } from './ieee11073';

type Extra = Record<string, string | number | boolean>;

/** Adds a flag once, keeping the order in which the device's bits named them. */
export function addFlag(flags: QualityFlag[], flag: QualityFlag): void {
  if (!flags.includes(flag)) flags.push(flag);
}

/** A reading of an IEEE 11073 number: its special-value flag joins the frame's flags. */
export function mderReading(metric: Metric, n: MderNumber, value: number, unit: string, frameFlags: readonly QualityFlag[], extra?: Extra): DecodedReading {
  const flags = [...frameFlags];
  if (n.special) addFlag(flags, n.special);
  return plainReading(metric, value, unit, flags, extra);
}

export function plainReading(metric: Metric, value: number, unit: string, flags: readonly QualityFlag[], extra?: Extra): DecodedReading {
  const r: DecodedReading = { metric, value, unit, flags: [...flags] };
  if (extra && Object.keys(extra).length > 0) r.extra = { ...extra };
  return r;
}

/** Names of the set bits of a status field, for provenance in `extra` (e.g. 'body-movement,irregular-pulse'). */
export function setBitNames(value: number, names: readonly (string | undefined)[]): string {
  const out: string[] = [];
  names.forEach((name, bit) => {
    if (name && (value & (2 ** bit)) !== 0) out.push(name);
  });
  return out.join(',');
}
