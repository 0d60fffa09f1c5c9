import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { chooseResolution } from '../../../renderer/src/db/series/rollup-math';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';

let db: CareLoopDb;
let store: SeriesStore;
let n = 0;
const T0 = Date.UTC(2026, 10, 24, 9, 59, 30); // 30 s before a minute, hour and block boundary mix

beforeEach(async () => {
  db = new CareLoopDb(`series-${n++}`);
  await db.open();
  store = new SeriesStore(db);
});

describe('waveform blocks', () => {
  it('splits a waveform across minute blocks and reads it back exactly', async () => {
    const fs = 130;
    const values = Float32Array.from({ length: fs * 90 }, (_, i) => Math.sin(i / 7));
    expect(await store.appendWaveform('p1', 'ecg', T0, fs, values)).toBe(values.length);
    expect(await db.seriesBlocks.count()).toBe(Math.ceil(90 / 10) + (T0 % 10_000 === 0 ? 0 : 1));
    const segs = await store.readWaveform('p1', 'ecg', T0, T0 + 90_000);
    const joined = Float32Array.from(segs.flatMap((s) => [...s.values]));
    expect(joined).toEqual(values);
    expect(segs[0]!.startMs).toBe(T0);
  });

  it('adds nothing when the same samples arrive again, and extends on a contiguous resume', async () => {
    const fs = 250;
    const a = Float32Array.from({ length: 2500 }, (_, i) => i);
    await store.appendWaveform('p1', 'ecg', T0, fs, a);
    expect(await store.appendWaveform('p1', 'ecg', T0, fs, a)).toBe(0);
    // A resumed stream re-sends its last second and continues.
    const b = Float32Array.from({ length: 2500 }, (_, i) => 2250 + i);
    expect(await store.appendWaveform('p1', 'ecg', T0 + 9000, fs, b)).toBe(2250);
    const segs = await store.readWaveform('p1', 'ecg', T0, T0 + 60_000);
    const all = segs.flatMap((s) => [...s.values]);
    expect(all).toEqual(Array.from({ length: 4750 }, (_, i) => i));
    const minutes = await store.readRollups('p1', 'ecg', 'minute', T0 - 60_000, T0 + 60_000);
    expect(minutes.reduce((s, m) => s + m.count, 0)).toBe(4750);
  });
});

describe('rollups kept on write', () => {
  it('has exact count, min, max and mean per minute, hour and day', async () => {
    // A wearable's minute heart rate over 3 days: 60 + (minute of day % 40).
    const start = Date.UTC(2026, 0, 1);
    const times: number[] = [];
    const values: number[] = [];
    for (let m = 0; m < 3 * 1440; m++) {
      times.push(start + m * 60_000);
      values.push(60 + (m % 1440) % 40);
    }
    expect(await store.appendPoints('p1', 'heart-rate', times, values)).toBe(times.length);
    const days = await store.readRollups('p1', 'heart-rate', 'day', start, start + 3 * 86_400_000);
    expect(days).toHaveLength(3);
    for (const d of days) {
      expect(d.count).toBe(1440);
      expect(d.min).toBe(60);
      expect(d.max).toBe(99);
      expect(d.mean).toBeCloseTo(values.slice(0, 1440).reduce((a, b) => a + b, 0) / 1440, 6);
    }
    const hours = await store.readRollups('p1', 'heart-rate', 'hour', start, start + 86_400_000);
    expect(hours).toHaveLength(24);
    expect(hours[1]).toMatchObject({ timeMs: start + 3_600_000, count: 60 });
    const minutes = await store.readRollups('p1', 'heart-rate', 'minute', start, start + 3_600_000);
    expect(minutes).toHaveLength(60);
    expect(minutes[5]).toMatchObject({ count: 1, min: 65, max: 65, mean: 65 });
    // A second delivery of the same samples, shuffled, changes nothing.
    const order = times.map((_, i) => i).reverse();
    expect(await store.appendPoints('p1', 'heart-rate', order.map((i) => times[i]!), order.map((i) => values[i]!))).toBe(0);
    expect((await store.readRollups('p1', 'heart-rate', 'day', start, start + 86_400_000))[0]!.count).toBe(1440);
  });

  it('keeps NaN (device special values) raw but out of the rollups', async () => {
    await store.appendPoints('p1', 'spo2', [T0, T0 + 1000], [97, Number.NaN]);
    const raw = await store.readPoints('p1', 'spo2', T0, T0 + 2000);
    expect(raw.values).toHaveLength(2);
    expect(Number.isNaN(raw.values[1]!)).toBe(true);
    const [m] = await store.readRollups('p1', 'spo2', 'minute', T0 - 60_000, T0 + 60_000);
    expect(m).toMatchObject({ count: 1, min: 97, max: 97 });
  });

  it('keeps patients and metrics apart', async () => {
    await store.appendPoints('p1', 'heart-rate', [T0], [70]);
    await store.appendPoints('p2', 'heart-rate', [T0], [90]);
    await store.appendPoints('p1', 'spo2', [T0], [95]);
    const [a] = await store.readRollups('p1', 'heart-rate', 'day', T0 - 86_400_000, T0 + 86_400_000);
    expect(a!.mean).toBe(70);
  });

  it('chooses a resolution that keeps a chart to a few hundred points', () => {
    expect(chooseResolution(6 * 3_600_000)).toBe('minute');
    expect(chooseResolution(30 * 86_400_000)).toBe('hour');
    expect(chooseResolution(365 * 86_400_000)).toBe('day');
  });
});
