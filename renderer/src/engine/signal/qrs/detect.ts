import { QrsDetector, type QrsDetectorOptions } from './detector';

/** Batch QRS detection: R-peak sample indices of a whole signal (same beats as the streaming detector). */
export function detectQrs(samples: Float32Array, fs: number, options?: QrsDetectorOptions): Int32Array {
  const detector = new QrsDetector(fs, options);
  const first = detector.push(samples);
  const last = detector.flush();
  const all = new Int32Array(first.length + last.length);
  all.set(first);
  all.set(last, first.length);
  return all;
}
