import { compareBeats, grossStatistics, referenceBeats, type Ec57Result } from '../../renderer/src/engine/signal/ec57';
import { qrsSignalPower, resample } from '../../renderer/src/engine/signal/noise';
import { detectQrs } from '../../renderer/src/engine/signal/qrs/detect';
import { stressConditions } from '../unit/signal/conditions';
import { HAVE_MITDB, loadRecord100, MITDB_DIR } from '../unit/signal/mitdb';
import type { BenchFigure, BenchSection } from './report';

const TARGET = 5_000_000;

/** Best of several timed passes over the signal repeated `repeat` times (one core: the detector is single-threaded). */
function throughput(x: Float32Array, fs: number, repeat: number): number {
  const long = new Float32Array(x.length * repeat);
  for (let k = 0; k < repeat; k++) long.set(x, k * x.length);
  detectQrs(long.subarray(0, fs * 60), fs); // warm-up
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    detectQrs(long, fs);
    best = Math.min(best, performance.now() - t);
  }
  return (long.length / best) * 1000;
}

const pct = (v: number): number => Math.round(v * 10000) / 100;

/** QRS detection throughput and accuracy (issue #6). */
export async function benchQrs(): Promise<BenchSection> {
  if (!HAVE_MITDB) {
    return { title: 'QRS detection (issue #6)', method: `Skipped: MIT-BIH record 100 not found in ${MITDB_DIR}.`, figures: [] };
  }
  const rec = loadRecord100();
  const x = rec.mlii;
  const fs = rec.fs;
  const ref = referenceBeats(rec.annotations);
  const figures: BenchFigure[] = [];
  for (const [rate, repeat] of [[360, 4], [500, 3], [130, 10]] as const) {
    const signal = rate === fs ? x : resample(x, fs, rate);
    const rateSps = Math.round(throughput(signal, rate, repeat));
    figures.push({ name: `throughput at ${rate} Hz`, value: rateSps, unit: 'samples/s', target: '≥ 5,000,000 samples/s', met: rateSps >= TARGET, note: `${(signal.length * repeat).toLocaleString('en-US')} samples` });
  }
  const power = qrsSignalPower(x, ref, fs);
  const seed = 20240601;
  const results: Ec57Result[] = [];
  for (const c of stressConditions(() => ({ x, fs, ref, power }), seed)) {
    const { x: signal, fs: rate, reference } = c.make();
    const r = compareBeats(reference, detectQrs(signal, rate), rate);
    results.push(r);
    const name = c.name.replace(`(seed ${seed})`, `(seed ${seed}, fixed for the benchmark)`);
    figures.push({ name: `Se, ${name}`, value: pct(r.se), unit: '%', target: '≥ 99 %', met: r.se >= 0.99, note: `TP ${r.tp}, FN ${r.fn}` });
    figures.push({ name: `+P, ${name}`, value: pct(r.ppv), unit: '%', target: '≥ 99 %', met: r.ppv >= 0.99, note: `FP ${r.fp}` });
  }
  const gross = grossStatistics(results);
  figures.push({ name: `gross Se over ${results.length} conditions`, value: pct(gross.se), unit: '%', target: '≥ 99.5 %', met: gross.se >= 0.995 });
  figures.push({ name: `gross +P over ${results.length} conditions`, value: pct(gross.ppv), unit: '%', target: '≥ 99.5 %', met: gross.ppv >= 0.995 });
  return {
    title: 'QRS detection (issue #6)',
    method:
      'Throughput: detectQrs (batch form of the streaming detector) on lead MLII of MIT-BIH record 100, repeated to a few million samples, at its own 360 Hz and band-limited resampled to 500 and 130 Hz; best of 5 timed passes after a warm-up, one core. Accuracy: ANSI/AAMI EC57 beat-by-beat comparison (150 ms window, from minute 5, 1,902 scored beats) on the clean record and on stressed versions made from it (test/unit/signal/conditions.ts; muscle-noise SNR as in the MIT-BIH Noise Stress Test Database, from the QRS peak-to-peak amplitude).',
    figures,
  };
}
