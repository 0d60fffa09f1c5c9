import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseAppleHealth } from '../../../common/imports/apple-health/parse-apple-health';
import { detectFormat } from '../../../common/imports/detect';
import { parseWearableFile } from '../../../common/imports/parse-file';
import type { ImportedWaveform } from '../../../common/imports/types';
import { detectQrs } from '../../../renderer/src/engine/signal/qrs/detect';
import { appleExportXml, chunked, collect } from './fixtures';

/** Two real Apple Watch ECG exports (test/fixtures/apple-ecg/README.md: source, commit, GPL-3.0, what was removed). */
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/apple-ecg', name));
const SINUS = 'ecg_2023-09-26.csv';
const BRADY = 'ecg_2024-01-24.csv';

/** The file's own sample lines, as numbers: what the importer must give back. */
function samplesOf(bytes: Uint8Array): number[] {
  return new TextDecoder().decode(bytes).split(/\r?\n/).map((l) => l.trim()).filter((l) => /^-?\d+(\.\d+)?$/.test(l)).map(Number);
}

function joined(waveforms: readonly ImportedWaveform[]): Float32Array {
  const out = new Float32Array(waveforms.reduce((n, w) => n + w.values.length, 0));
  let at = 0;
  for (const w of waveforms) {
    out.set(w.values, at);
    at += w.values.length;
  }
  return out;
}

/** Mean heart rate over the recording from the R peaks CareLoop's own QRS detector finds. */
function meanHeartRate(samples: Float32Array, fs: number): number {
  const peaks = detectQrs(samples, fs);
  return (60 * fs * (peaks.length - 1)) / (peaks[peaks.length - 1]! - peaks[0]!);
}

describe('published Apple Watch ECG recordings', () => {
  it('a lone ECG CSV is recognised by its header and read whole: 512.508 Hz, µV, every sample in order, at the recorded time', async () => {
    const bytes = fixture(SINUS);
    expect(detectFormat(SINUS, bytes.subarray(0, 4096))).toBe('apple-health');
    const got = await collect(parseWearableFile('apple-health', chunked(bytes, 1000), { fileName: SINUS }));
    expect(got.points).toEqual([]);
    expect([...got.skipped.keys()]).toEqual([]);
    expect(got.sources).toEqual([{ app: 'ECG app', device: 'Watch5,1' }]);
    const first = got.waveforms[0]!;
    expect(first).toMatchObject({ metric: 'ecg', unit: 'uV', fs: 512.508, source: 'Watch5,1', startMs: Date.parse('2023-09-26T10:54:04Z') });
    // Pieces follow each other without gap on the recording's own clock.
    got.waveforms.forEach((w, i) => expect(w.startMs).toBeCloseTo(first.startMs + (i * 5120 * 1000) / 512.508, 3));
    const expected = samplesOf(bytes);
    expect(expected).toHaveLength(13_360);
    const values = joined(got.waveforms);
    expect(values).toHaveLength(expected.length);
    expected.forEach((v, i) => expect(values[i]).toBeCloseTo(v, 2));
  });

  it("the same recording inside export.zip's electrocardiograms/ folder gives the same waveform", async () => {
    const zip = zipSync({
      'apple_health_export/export.xml': strToU8(appleExportXml([])),
      [`apple_health_export/electrocardiograms/${BRADY}`]: fixture(BRADY),
    });
    const inZip = await collect(parseAppleHealth(chunked(zip, 4096)));
    const alone = await collect(parseAppleHealth(chunked(fixture(BRADY)), { fileName: BRADY }));
    expect(joined(inZip.waveforms)).toEqual(joined(alone.waveforms));
    expect(joined(alone.waveforms)).toHaveLength(15_375);
    expect(inZip.waveforms.map((w) => w.key)).toEqual(alone.waveforms.map((w) => w.key));
  });

  it("CareLoop's QRS detector agrees with Apple's classification: a normal rate for sinus rhythm, under 50 for \"Heart Rate Below 50\"", async () => {
    const rate = async (name: string) => {
      const got = await collect(parseWearableFile('apple-health', chunked(fixture(name)), { fileName: name }));
      return meanHeartRate(joined(got.waveforms), got.waveforms[0]!.fs);
    };
    const sinus = await rate(SINUS);
    expect(sinus).toBeGreaterThan(50);
    expect(sinus).toBeLessThan(100);
    expect(await rate(BRADY)).toBeLessThan(50);
  });

  it('a recording cut inside its header is skipped whole, with its reason', async () => {
    const bytes = fixture(SINUS);
    const header = new TextDecoder().decode(bytes).indexOf('Sample Rate');
    const got = await collect(parseWearableFile('apple-health', chunked(bytes.subarray(0, header)), { fileName: SINUS }));
    expect(got.waveforms).toEqual([]);
    expect([...got.skipped.values()].map((s) => [s.reason, s.first.entry])).toEqual([['ECG file without samples', SINUS]]);
  });
});
