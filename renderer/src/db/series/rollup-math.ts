import { RESOLUTION_MS, ROLLUP_BLOCK_MS, ROLLUP_SLOTS, alignDown, type RollupResolution } from './layout';

/** count/min/max/sum per slot of one rollup block; typed arrays so a block is one compact row. */
export interface RollupArrays {
  count: Uint32Array;
  min: Float32Array;
  max: Float32Array;
  sum: Float64Array;
}

export function emptyRollup(resolution: RollupResolution): RollupArrays {
  const n = ROLLUP_SLOTS[resolution];
  const min = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  const max = new Float32Array(n).fill(Number.NEGATIVE_INFINITY);
  return { count: new Uint32Array(n), min, max, sum: new Float64Array(n) };
}

/**
 * Adds samples to per-block rollups. `timeAt(i)` gives sample i's time; NaN values (device
 * special values) are skipped, they are kept raw but do not count. Returns the touched
 * blocks, keyed by block start.
 */
export function accumulate(
  resolution: RollupResolution,
  n: number,
  timeAt: (i: number) => number,
  values: ArrayLike<number>,
  blocks: Map<number, RollupArrays>,
  load: (blockStart: number) => RollupArrays,
): void {
  const slotMs = RESOLUTION_MS[resolution];
  const blockMs = ROLLUP_BLOCK_MS[resolution];
  let currentStart = Number.NaN;
  let current: RollupArrays | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const t = timeAt(i);
    const start = alignDown(t, blockMs);
    if (start !== currentStart) {
      currentStart = start;
      current = blocks.get(start);
      if (!current) {
        current = load(start);
        blocks.set(start, current);
      }
    }
    const slot = Math.floor((t - start) / slotMs);
    const r = current!;
    r.count[slot]! += 1;
    r.sum[slot]! += v;
    if (v < r.min[slot]!) r.min[slot] = v;
    if (v > r.max[slot]!) r.max[slot] = v;
  }
}

/** Chooses the coarsest resolution that still gives about `points` buckets over a span. */
export function chooseResolution(spanMs: number, points = 800): RollupResolution {
  if (spanMs / RESOLUTION_MS.minute <= points * 2) return 'minute';
  if (spanMs / RESOLUTION_MS.hour <= points * 2) return 'hour';
  return 'day';
}
