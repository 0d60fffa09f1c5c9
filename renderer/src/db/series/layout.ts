/**
 * How time series are cut into rows (DESIGN.md decision 2). Pure arithmetic, shared by the
 * writer, the reader and the tests. All windows are aligned to the Unix epoch in UTC.
 */
export type RollupResolution = 'minute' | 'hour' | 'day';

export const RESOLUTION_MS: Record<RollupResolution, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Span of one rollup block: a day of minutes, 30 days of hours, 360 days of days. */
export const ROLLUP_BLOCK_MS: Record<RollupResolution, number> = {
  minute: 86_400_000,
  hour: 30 * 86_400_000,
  day: 360 * 86_400_000,
};

export const ROLLUP_SLOTS: Record<RollupResolution, number> = {
  minute: ROLLUP_BLOCK_MS.minute / RESOLUTION_MS.minute,
  hour: ROLLUP_BLOCK_MS.hour / RESOLUTION_MS.hour,
  day: ROLLUP_BLOCK_MS.day / RESOLUTION_MS.day,
};

/**
 * Span of one raw series block. Waveforms (hundreds of samples a second) get ten seconds,
 * the size the engine buffers a live stream to before writing, so a block is written once;
 * sparse dense series (a wearable's minute heart rate) get a day.
 */
export function seriesBlockMs(kind: 'waveform' | 'points'): number {
  return kind === 'waveform' ? 10_000 : 86_400_000;
}

export function alignDown(timeMs: number, spanMs: number): number {
  return Math.floor(timeMs / spanMs) * spanMs;
}

export function seriesKey(patientId: string, metric: string, startMs: number): string {
  return `${patientId}|${metric}|${startMs}`;
}

export function rollupKey(patientId: string, metric: string, resolution: RollupResolution, startMs: number): string {
  return `${patientId}|${metric}|${resolution}|${startMs}`;
}
