import { CrcCalculator, Encoder, Profile, type Mesg } from '@garmin/fitsdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../common/imports/errors';
import { parseFit } from '../../../common/imports/fit/parse-fit';
import { chunked, collect } from './fixtures';

const FIT_EPOCH_S = 631_065_600;
const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);

/** A FIT file made with Garmin's own encoder: monitoring heart rate (full and 16-bit timestamps), an activity's records with beat intervals, and sleep levels. */
function fitFile(): Uint8Array {
  const e = new Encoder();
  put(e, 'FILE_ID', { type: 'monitoringB', manufacturer: 'garmin', product: 3113, serialNumber: 3_456_789, timeCreated: at(0) });
  put(e, 'MONITORING', { timestamp: at(60), heartRate: 61 });
  put(e, 'MONITORING', { timestamp16: (T0 / 1000 + 120 - FIT_EPOCH_S) & 0xffff, heartRate: 62 });
  put(e, 'MONITORING', { timestamp16: (T0 / 1000 + 180 - FIT_EPOCH_S) & 0xffff, heartRate: 0 });
  for (let i = 0; i < 4; i++) {
    put(e, 'RECORD', { timestamp: at(600 + i * 60), heartRate: 100 + i });
    // 20 beats a minute of alternating 0.8 / 0.9 s intervals, plus one invalid interval.
    put(e, 'HRV', { time: [...Array.from({ length: 20 }, (_, k) => (k % 2 ? 0.9 : 0.8)), 65.535] });
  }
  put(e, 'SLEEP_LEVEL', { timestamp: at(3600), sleepLevel: 'light' });
  put(e, 'SLEEP_LEVEL', { timestamp: at(3600 + 1800), sleepLevel: 'deep' });
  put(e, 'SLEEP_LEVEL', { timestamp: at(3600 + 2700), sleepLevel: 'awake' });
  put(e, 'SLEEP_LEVEL', { timestamp: at(3600 + 3000), sleepLevel: 'rem' });
  put(e, 'SLEEP_LEVEL', { timestamp: at(3600 + 3600), sleepLevel: 'awake' });
  return e.close();
}

/** Writes a message by its profile name (the SDK's Mesg type has no per-message fields). */
function put(e: Encoder, name: string, fields: Record<string, unknown>): void {
  const n = Profile.MesgNum[name];
  if (n === undefined) throw new Error(`no FIT message ${name}`);
  e.onMesg(n, fields as Mesg);
}

describe('FIT files (Garmin FIT SDK)', () => {
  it('reads heart rate, HRV and sleep from a file made with the SDK encoder', async () => {
    const got = await collect(parseFit(chunked(fitFile(), 50)));
    const by = (m: string) => got.points.filter((p) => p.metric === m);
    expect(by('heart-rate').map((p) => [p.timeMs, p.value])).toEqual([
      [T0 + 60_000, 61],
      [T0 + 120_000, 62],
      [T0 + 600_000, 100],
      [T0 + 660_000, 101],
      [T0 + 720_000, 102],
      [T0 + 780_000, 103],
    ]);
    expect(by('heart-rate')[0]!.source).toBe('garmin fr945 #3456789');
    const hrv = by('hrv-sdnn');
    expect(hrv).toHaveLength(1);
    expect(hrv[0]!.timeMs).toBe(T0 + 600_000);
    // 80 intervals alternating 800 and 900 ms: sample SD = 50 × sqrt(80/79).
    expect(hrv[0]!.value).toBeCloseTo(50 * Math.sqrt(80 / 79), 3);
    expect(by('sleep-duration').map((p) => [p.timeMs, p.value])).toEqual([
      [T0 + 3_600_000, 0.5],
      [T0 + 5_400_000, 0.25],
      [T0 + 6_600_000, 600 / 3600],
    ]);
    expect(got.skipped.get('heart rate not measured (0 or invalid)')?.count).toBe(1);
    expect(got.skipped.get('sleep level awake: not asleep')?.count).toBe(1);
    expect(got.sources).toEqual([{ app: 'FIT file', device: 'garmin fr945 #3456789' }]);
  });

  it('imports nothing from a cut or altered file, and says why', async () => {
    const bytes = fitFile();
    const fail = async (b: Uint8Array) => collect(parseFit(chunked(b, 64))).then(() => undefined, (e: unknown) => e as ImportError);
    expect(await fail(bytes.subarray(0, bytes.length - 10))).toMatchObject({ code: 'truncated' });
    const altered = bytes.slice();
    altered[40] = altered[40]! ^ 0xff;
    expect(await fail(altered)).toMatchObject({ code: 'malformed' });
    expect(await fail(new TextEncoder().encode('not a fit file at all'))).toMatchObject({ code: 'unrecognised-format' });
  });

  it('throws only ImportError on random or mutated bytes (fuzz)', async () => {
    const base = fitFile();
    const onlyTyped = async (bytes: Uint8Array) => {
      try {
        await collect(parseFit(chunked(bytes, 100)));
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), onlyTyped), { numRuns: 150 });
    const mutated = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    });
    await fc.assert(fc.asyncProperty(mutated, onlyTyped), { numRuns: 200 });
    // Mutated records with a CRC made to match, so the decoder itself meets the damage.
    const withCrc = mutated.map((b) => {
      const end = b.length - 2;
      const crc = CrcCalculator.calculateCRC(b, 0, end);
      b[end] = crc & 0xff;
      b[end + 1] = crc >> 8;
      return b;
    });
    await fc.assert(fc.asyncProperty(withCrc, onlyTyped), { numRuns: 200 });
  });
});
