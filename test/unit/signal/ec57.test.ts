import { describe, expect, it } from 'vitest';
import { compareBeats, grossStatistics, referenceBeats } from '../../../renderer/src/engine/signal/ec57';

const FS = 360; // 150 ms = 54 samples exactly
const MIN5 = 300 * FS;

describe('EC57 beat-by-beat comparison', () => {
  it('matches at exactly 150 ms and not one sample beyond, on either side', () => {
    const ref = [MIN5 + 1000, MIN5 + 2000, MIN5 + 3000, MIN5 + 4000];
    const det = [MIN5 + 1054, MIN5 + 2000 - 54, MIN5 + 3055, MIN5 + 4000 - 55];
    expect(compareBeats(ref, det, FS)).toMatchObject({ tp: 2, fn: 2, fp: 2 });
  });
  it('uses the 150 ms window in time at any rate (250 Hz: 37.5 samples)', () => {
    expect(compareBeats([MIN5 / 360 * 250 + 100], [75000 + 137], 250)).toMatchObject({ tp: 1, fn: 0, fp: 0 });
    expect(compareBeats([75100], [75138], 250)).toMatchObject({ tp: 0, fn: 1, fp: 1 });
  });
  it('scores only from minute 5; a detection just after it matched to a beat just before counts neither way', () => {
    const ref = [100, 5000, MIN5 - 10, MIN5 + 500];
    const det = [120, 9000, MIN5 + 20, MIN5 + 500];
    expect(compareBeats(ref, det, FS)).toMatchObject({ tp: 1, fn: 0, fp: 0 });
    expect(compareBeats(ref, det, FS, { startSeconds: 0 })).toMatchObject({ tp: 3, fn: 1, fp: 1 });
  });
  it('pairs each beat with its closest detection, each used once', () => {
    // Two detections near one beat: the closer matches, the other is a false positive.
    expect(compareBeats([MIN5 + 100], [MIN5 + 80, MIN5 + 130], FS)).toMatchObject({ tp: 1, fn: 0, fp: 1 });
    // One detection between two beats 80 samples apart: it goes to the closer beat only.
    expect(compareBeats([MIN5 + 100, MIN5 + 180], [MIN5 + 150], FS)).toMatchObject({ tp: 1, fn: 1, fp: 0 });
  });
  it('counts only beat annotation codes from a reference set', () => {
    const annotations = [
      { sample: MIN5 + 10, code: 1 }, // N
      { sample: MIN5 + 400, code: 28 }, // + rhythm change
      { sample: MIN5 + 800, code: 14 }, // ~ noise
      { sample: MIN5 + 1200, code: 5 }, // V
      { sample: MIN5 + 1600, code: 27 }, // t T-wave
      { sample: MIN5 + 2000, code: 13 }, // Q
      { sample: MIN5 + 2400, code: 38 }, // f
    ];
    const ref = referenceBeats(annotations);
    expect(Array.from(ref)).toEqual([MIN5 + 10, MIN5 + 1200, MIN5 + 2000, MIN5 + 2400]);
    expect(compareBeats(ref, [MIN5 + 10, MIN5 + 400, MIN5 + 1200], FS)).toMatchObject({ tp: 2, fn: 2, fp: 1 });
  });
  it('computes Se and +P per record and gross over records', () => {
    const a = compareBeats([MIN5, MIN5 + 400, MIN5 + 800, MIN5 + 1200], [MIN5, MIN5 + 400, MIN5 + 800], FS);
    expect(a).toEqual({ tp: 3, fn: 1, fp: 0, se: 0.75, ppv: 1 });
    const b = { tp: 96, fn: 0, fp: 4 };
    const gross = grossStatistics([a, b]);
    expect(gross).toEqual({ tp: 99, fn: 1, fp: 4, se: 0.99, ppv: 99 / 103 });
    expect(compareBeats([], [], FS)).toEqual({ tp: 0, fn: 0, fp: 0, se: 1, ppv: 1 });
  });
  it('honours an end time and accepts unsorted input', () => {
    expect(compareBeats([MIN5 + 900, MIN5 + 100], [MIN5 + 100, MIN5 + 5000], FS, { endSeconds: 310 })).toMatchObject({ tp: 1, fn: 1, fp: 0 });
  });
});
