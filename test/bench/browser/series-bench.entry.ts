// Runs in Chromium (bundled by test/bench/in-browser.ts): block storage against one row per sample.
import Dexie from 'dexie';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';

interface SeriesBenchResult {
  blockSamples: number;
  blockMs: number;
  naiveSamples: number;
  naiveMs: number;
  rollupReadMs: number;
  rollupPoints: number;
}

async function run(): Promise<SeriesBenchResult> {
  const fs = 500;
  const minutes = 120;
  const chunkSeconds = 10;
  const db = new CareLoopDb(`bench-series-${Date.now()}`);
  await db.open();
  const store = new SeriesStore(db);
  const start = Date.UTC(2026, 0, 1);
  const chunk = new Float32Array(fs * chunkSeconds);
  for (let i = 0; i < chunk.length; i++) chunk[i] = Math.sin(i / 11) * 800;
  const t0 = performance.now();
  let total = 0;
  for (let s = 0; s < minutes * 60; s += chunkSeconds) {
    total += await store.appendWaveform('bench-patient', 'ecg', start + s * 1000, fs, chunk);
  }
  const blockMs = performance.now() - t0;

  const r0 = performance.now();
  const points = await store.readRollups('bench-patient', 'ecg', 'minute', start, start + minutes * 60_000);
  const rollupReadMs = performance.now() - r0;

  // The naive baseline: one IndexedDB row per sample, written in the same chunks.
  const naive = new Dexie(`bench-naive-${Date.now()}`);
  naive.version(1).stores({ samples: '++id, [patientId+metric+t]' });
  await naive.open();
  const naiveSeconds = 60;
  const n0 = performance.now();
  for (let s = 0; s < naiveSeconds; s += chunkSeconds) {
    const rows = Array.from(chunk, (v, i) => ({ patientId: 'bench-patient', metric: 'ecg', t: start + s * 1000 + i * 2, v }));
    await naive.table('samples').bulkAdd(rows);
  }
  const naiveMs = performance.now() - n0;
  db.close();
  naive.close();
  return { blockSamples: total, blockMs, naiveSamples: naiveSeconds * fs, naiveMs, rollupReadMs, rollupPoints: points.length };
}

(window as unknown as { __seriesBench: typeof run }).__seriesBench = run;
