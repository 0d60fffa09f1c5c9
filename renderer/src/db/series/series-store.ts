import type { CareLoopDb } from '../database';
import {
  RESOLUTION_MS,
  ROLLUP_BLOCK_MS,
  alignDown,
  rollupKey,
  seriesBlockMs,
  seriesKey,
  type RollupResolution,
} from './layout';
import { accumulate, emptyRollup, type RollupArrays } from './rollup-math';
import type { RollupRow, SeriesBlockRow, WaveSegment } from './rows';

export type { RollupRow, SeriesBlockRow, WaveSegment } from './rows';

export interface RollupPoint {
  timeMs: number;
  count: number;
  min: number;
  max: number;
  mean: number;
}

const RESOLUTIONS: RollupResolution[] = ['minute', 'hour', 'day'];

const segmentEnd = (s: WaveSegment) => s.startMs + (s.values.length * 1000) / s.fs;

/**
 * Time-series storage in blocks (DESIGN.md decision 2). Each write lands in one
 * transaction with its rollups, so a chart reading rollups never sees raw data that is
 * not counted, or counts that have no raw data. Rewriting samples already stored (a
 * resumed download, a replayed stream) adds nothing.
 */
export class SeriesStore {
  constructor(private readonly db: CareLoopDb) {}

  /** Appends regularly sampled values (ECG, PPG) starting at `startMs`. Returns how many were new. */
  async appendWaveform(patientId: string, metric: string, startMs: number, fs: number, values: Float32Array): Promise<number> {
    if (!(fs > 0) || !Number.isFinite(startMs)) throw new RangeError('waveform needs a positive sampling rate and a start time');
    const stepMs = 1000 / fs;
    const blockMs = seriesBlockMs('waveform');
    // Cut the samples at block boundaries first, so every block is read once and written once.
    const pieces: { blockStart: number; from: number; to: number }[] = [];
    for (let i = 0; i < values.length; ) {
      const t = startMs + i * stepMs;
      const blockStart = alignDown(t, blockMs);
      const n = Math.min(values.length - i, Math.ceil((blockStart + blockMs - t) / stepMs - 1e-9));
      pieces.push({ blockStart, from: i, to: i + n });
      i += n;
    }
    const { db } = this;
    return db.transaction('rw', [db.seriesBlocks, db.rollups], async () => {
      const rows = await db.seriesBlocks.bulkGet(pieces.map((p) => seriesKey(patientId, metric, p.blockStart)));
      const changed: SeriesBlockRow[] = [];
      const fresh: { t0: number; vals: Float32Array }[] = [];
      let added = 0;
      pieces.forEach((piece, k) => {
        const key = seriesKey(patientId, metric, piece.blockStart);
        const row = rows[k] ?? { key, patientId, metric, kind: 'waveform' as const, startMs: piece.blockStart, segments: [], sampleCount: 0 };
        const segments = row.segments!;
        // Keep only samples not already covered by a stored segment.
        let from = piece.from;
        for (const seg of segments) {
          const end = segmentEnd(seg);
          while (from < piece.to && startMs + from * stepMs >= seg.startMs - stepMs / 2 && startMs + from * stepMs < end - stepMs / 2) from++;
        }
        if (from >= piece.to) return;
        const slice = values.subarray(from, piece.to);
        const t0 = startMs + from * stepMs;
        const last = segments[segments.length - 1];
        if (last && last.fs === fs && Math.abs(segmentEnd(last) - t0) < stepMs / 2) {
          const merged = new Float32Array(last.values.length + slice.length);
          merged.set(last.values);
          merged.set(slice, last.values.length);
          last.values = merged;
        } else {
          segments.push({ startMs: t0, fs, values: slice.slice() });
          segments.sort((a, b) => a.startMs - b.startMs);
        }
        row.sampleCount += slice.length;
        added += slice.length;
        fresh.push({ t0, vals: slice });
        changed.push(row);
      });
      if (changed.length) await db.seriesBlocks.bulkPut(changed);
      await this.rollUp(patientId, metric, fresh.map(({ t0, vals }) => ({ n: vals.length, timeAt: (j: number) => t0 + j * stepMs, values: vals })));
      return added;
    });
  }

  /** Appends irregular dense samples (a wearable's minute heart rate). Returns how many were new. */
  async appendPoints(patientId: string, metric: string, times: ArrayLike<number>, values: ArrayLike<number>): Promise<number> {
    if (times.length !== values.length) throw new RangeError('times and values differ in length');
    const blockMs = seriesBlockMs('points');
    const byBlock = new Map<number, number[]>();
    for (let i = 0; i < times.length; i++) {
      const start = alignDown(times[i]!, blockMs);
      let list = byBlock.get(start);
      if (!list) byBlock.set(start, (list = []));
      list.push(i);
    }
    const { db } = this;
    return db.transaction('rw', [db.seriesBlocks, db.rollups], async () => {
      const freshTimes: number[] = [];
      const freshValues: number[] = [];
      for (const [blockStart, idx] of byBlock) {
        const key = seriesKey(patientId, metric, blockStart);
        const row = (await db.seriesBlocks.get(key)) ?? { key, patientId, metric, kind: 'points' as const, startMs: blockStart, times: new Float64Array(0), values: new Float32Array(0), sampleCount: 0 };
        const merged = new Map<number, number>();
        for (let k = 0; k < row.times!.length; k++) merged.set(row.times![k]!, row.values![k]!);
        let added = 0;
        for (const i of idx) {
          const t = times[i]!;
          if (merged.has(t)) continue;
          merged.set(t, values[i]!);
          freshTimes.push(t);
          freshValues.push(values[i]!);
          added++;
        }
        if (added === 0) continue;
        const order = [...merged.keys()].sort((a, b) => a - b);
        row.times = Float64Array.from(order);
        row.values = Float32Array.from(order, (t) => merged.get(t)!);
        row.sampleCount = order.length;
        await db.seriesBlocks.put(row);
      }
      // Rollups walk runs in ascending time.
      const order = freshTimes.map((_, k) => k).sort((a, b) => freshTimes[a]! - freshTimes[b]!);
      const sortedTimes = order.map((k) => freshTimes[k]!);
      const sortedValues = order.map((k) => freshValues[k]!);
      await this.rollUp(patientId, metric, [{ n: sortedTimes.length, timeAt: (k) => sortedTimes[k]!, values: sortedValues }]);
      return freshTimes.length;
    });
  }

  /** Adds fresh samples (runs in ascending time) to the minute, hour and day rollups: one read, one write. */
  private async rollUp(patientId: string, metric: string, runs: { n: number; timeAt: (i: number) => number; values: ArrayLike<number> }[]): Promise<void> {
    const live = runs.filter((r) => r.n > 0);
    if (live.length === 0) return;
    const wanted: { resolution: RollupResolution; startMs: number }[] = [];
    for (const resolution of RESOLUTIONS) {
      const span = ROLLUP_BLOCK_MS[resolution];
      const starts = new Set<number>();
      for (const r of live) for (let t = alignDown(r.timeAt(0), span); t <= r.timeAt(r.n - 1); t += span) starts.add(t);
      for (const startMs of starts) wanted.push({ resolution, startMs });
    }
    const stored = await this.db.rollups.bulkGet(wanted.map((w) => rollupKey(patientId, metric, w.resolution, w.startMs)));
    const out: RollupRow[] = [];
    for (const resolution of RESOLUTIONS) {
      const blocks = new Map<number, RollupArrays>();
      wanted.forEach((w, k) => {
        if (w.resolution !== resolution) return;
        const row = stored[k];
        blocks.set(w.startMs, row ? { count: row.count, min: row.min, max: row.max, sum: row.sum } : emptyRollup(resolution));
      });
      for (const r of live) accumulate(resolution, r.n, r.timeAt, r.values, blocks, () => emptyRollup(resolution));
      for (const [startMs, a] of blocks) out.push({ key: rollupKey(patientId, metric, resolution, startMs), patientId, metric, resolution, startMs, ...a });
    }
    await this.db.rollups.bulkPut(out);
  }

  /** Rollup buckets with data between two times, for charts and trends. Never reads raw blocks. */
  async readRollups(patientId: string, metric: string, resolution: RollupResolution, fromMs: number, toMs: number): Promise<RollupPoint[]> {
    const span = ROLLUP_BLOCK_MS[resolution];
    const slotMs = RESOLUTION_MS[resolution];
    const rows = await this.db.rollups
      .where('[patientId+metric+resolution+startMs]')
      .between([patientId, metric, resolution, alignDown(fromMs, span)], [patientId, metric, resolution, toMs], true, false)
      .toArray();
    const out: RollupPoint[] = [];
    for (const row of rows) {
      for (let s = 0; s < row.count.length; s++) {
        const c = row.count[s]!;
        if (c === 0) continue;
        const t = row.startMs + s * slotMs;
        if (t < fromMs - slotMs || t >= toMs) continue;
        out.push({ timeMs: t, count: c, min: row.min[s]!, max: row.max[s]!, mean: row.sum[s]! / c });
      }
    }
    return out;
  }

  /** Raw waveform segments overlapping a window (for an ECG strip). */
  async readWaveform(patientId: string, metric: string, fromMs: number, toMs: number): Promise<WaveSegment[]> {
    const blockMs = seriesBlockMs('waveform');
    const rows = await this.db.seriesBlocks
      .where('[patientId+metric+startMs]')
      .between([patientId, metric, alignDown(fromMs, blockMs)], [patientId, metric, toMs], true, false)
      .toArray();
    return rows.flatMap((r) => r.segments ?? []).filter((s) => segmentEnd(s) > fromMs && s.startMs < toMs);
  }

  /** Raw irregular samples in a window. */
  async readPoints(patientId: string, metric: string, fromMs: number, toMs: number): Promise<{ times: number[]; values: number[] }> {
    const blockMs = seriesBlockMs('points');
    const rows = await this.db.seriesBlocks
      .where('[patientId+metric+startMs]')
      .between([patientId, metric, alignDown(fromMs, blockMs)], [patientId, metric, toMs], true, false)
      .toArray();
    const times: number[] = [];
    const values: number[] = [];
    for (const r of rows) {
      for (let i = 0; i < (r.times?.length ?? 0); i++) {
        const t = r.times![i]!;
        if (t >= fromMs && t < toMs) {
          times.push(t);
          values.push(r.values![i]!);
        }
      }
    }
    return { times, values };
  }
}
