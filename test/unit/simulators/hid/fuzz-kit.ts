import { expect } from 'vitest';
import { DecodeError, type DecodedReading } from '../../../../electron/devices/drivers/types';

export { mutate, Prng } from './mutate';

/** Runs `decode` on every input; anything thrown must be a DecodeError, and readings must be well formed. */
export function expectOnlyDecodeErrors(count: number, input: (i: number) => Uint8Array, decode: (bytes: Uint8Array) => unknown): { ok: number; errors: number } {
  let ok = 0;
  let errors = 0;
  // Stack traces are most of the cost of a thrown error and say nothing here.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let i = 0; i < count; i++) {
      const bytes = input(i);
      let out: unknown;
      try {
        out = decode(bytes);
      } catch (err) {
        if (!(err instanceof DecodeError)) {
          expect.fail(`input ${i} (${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}) threw ${String(err)}`);
        }
        errors++;
        continue;
      }
      ok++;
      for (const r of readingsIn(out)) {
        if (!Number.isFinite(r.value) && !r.flags.includes('not-a-number')) expect.fail(`input ${i} gave value ${r.value} without a flag`);
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { ok, errors };
}

function readingsIn(out: unknown): DecodedReading[] {
  if (Array.isArray(out)) return out.filter((r): r is DecodedReading => typeof r === 'object' && r !== null && 'metric' in r);
  if (typeof out === 'object' && out !== null && 'readings' in out) return readingsIn((out as { readings: unknown }).readings);
  return [];
}
