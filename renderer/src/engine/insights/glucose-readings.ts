/** Glucose readings for the consensus report, checked at the boundary (CLI file, import, store). */

export interface GlucoseReading {
  /** Epoch milliseconds. */
  time: number;
  mgdl: number;
}

export class GlucoseInputError extends Error {
  override readonly name = 'GlucoseInputError';
  constructor(
    message: string,
    /** Position of the offending reading in the input, when there is one. */
    readonly index?: number,
  ) {
    super(message);
  }
}

/** Meters read 20–600 mg/dL and sensors 40–400; anything outside 1–1000 is not a glucose value. */
export const GLUCOSE_MGDL_LIMITS = { min: 1, max: 1000 } as const;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a JSON list of {"time": ISO-8601 with zone, "mgdl": number}; throws GlucoseInputError. */
export function parseGlucoseReadings(raw: unknown): GlucoseReading[] {
  if (!Array.isArray(raw)) throw new GlucoseInputError('readings must be a JSON list of {"time", "mgdl"}');
  return raw.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) throw new GlucoseInputError(`reading ${index} must be an object`, index);
    const { time, mgdl } = item as { time?: unknown; mgdl?: unknown };
    if (typeof time !== 'string' || !ISO_WITH_ZONE.test(time) || Number.isNaN(Date.parse(time))) {
      throw new GlucoseInputError(`reading ${index}: time must be an ISO-8601 time with a zone, like 2025-01-06T08:00:00Z`, index);
    }
    if (typeof mgdl !== 'number') throw new GlucoseInputError(`reading ${index}: mgdl must be a number`, index);
    const reading = { time: Date.parse(time), mgdl };
    checkGlucoseReading(reading, index);
    return reading;
  });
}

export function checkGlucoseReading(r: GlucoseReading, index: number): void {
  if (!Number.isFinite(r.time)) throw new GlucoseInputError(`reading ${index}: time is not a real time`, index);
  if (!Number.isFinite(r.mgdl) || r.mgdl < GLUCOSE_MGDL_LIMITS.min || r.mgdl > GLUCOSE_MGDL_LIMITS.max) {
    throw new GlucoseInputError(
      `reading ${index}: ${r.mgdl} mg/dL is outside ${GLUCOSE_MGDL_LIMITS.min}–${GLUCOSE_MGDL_LIMITS.max} mg/dL`,
      index,
    );
  }
}
