import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../common/imports/errors';
import { parseFitbit } from '../../../common/imports/fitbit/parse-fitbit';
import { chunked, collect } from './fixtures';

const heartRate = JSON.stringify([
  { dateTime: '11/01/26 07:00:05', value: { bpm: 61, confidence: 2 } },
  { dateTime: '11/01/26 07:00:10', value: { bpm: 63, confidence: 0 } },
  { dateTime: '11/01/26 07:00:15', value: { bpm: 'x', confidence: 2 } },
]);
const resting = JSON.stringify([{ dateTime: '11/01/26 00:00:00', value: { date: '11/01/26', value: 57.6, error: 6.1 } }, { dateTime: '11/02/26 00:00:00', value: { date: '11/02/26', value: 0, error: 0 } }]);
const steps = JSON.stringify([{ dateTime: '11/01/26 07:01:00', value: '42' }, { dateTime: '11/01/26 07:02:00', value: '0' }, { dateTime: '2026-11-01', value: '5' }]);
const sleep = JSON.stringify([{ logId: 1, dateOfSleep: '2026-11-01', startTime: '2026-10-31T23:10:30.000', endTime: '2026-11-01T07:02:30.000', duration: 28_320_000, minutesAsleep: 420, levels: { data: [{ dateTime: '2026-10-31T23:10:30.000', level: 'wake', seconds: 600 }] } }]);
const spo2 = 'timestamp,value\n2026-11-01T02:15:00Z,95.6\n2026-11-01T02:16:00Z,\n';

const takeout = () =>
  zipSync({
    'Takeout/Fitbit/Global Export Data/heart_rate-2026-11-01.json': strToU8(heartRate),
    'Takeout/Fitbit/Global Export Data/resting_heart_rate-2026-11-01.json': strToU8(resting),
    'Takeout/Fitbit/Global Export Data/steps-2026-11-01.json': strToU8(steps),
    'Takeout/Fitbit/Global Export Data/sleep-2026-11-01.json': strToU8(sleep),
    'Takeout/Fitbit/Global Export Data/calories-2026-11-01.json': strToU8('[{"dateTime":"11/01/26 07:00:00","value":"1.2"}]'),
    'Takeout/Fitbit/Oxygen Saturation (SpO2)/Minute SpO2 - 2026-11-01.csv': strToU8(spo2),
  });

describe('Fitbit / Google Takeout exports', () => {
  it('reads heart rate, resting heart rate, steps, sleep and SpO2 from the archive', async () => {
    const got = await collect(parseFitbit(chunked(takeout(), 300), { fileName: 'takeout.zip', utcOffsetMinutes: 60 }));
    const by = (m: string) => got.points.filter((p) => p.metric === m).map((p) => [p.timeMs, Math.round(p.value * 1000) / 1000, p.flags]);
    expect(by('heart-rate')).toEqual([[Date.UTC(2026, 10, 1, 7, 0, 5), 61, []], [Date.UTC(2026, 10, 1, 7, 0, 10), 63, ['questionable']]]);
    expect(by('resting-heart-rate')).toEqual([[Date.UTC(2026, 10, 1), 57.6, []]]);
    expect(by('steps')).toEqual([[Date.UTC(2026, 10, 1, 7, 1), 42, []]]);
    expect(by('sleep-duration')).toEqual([[Date.UTC(2026, 9, 31, 22, 10, 30), 7, []]]);
    expect(by('spo2')).toEqual([[Date.UTC(2026, 10, 1, 2, 15), 95.6, []]]);
    const skipped = Object.fromEntries([...got.skipped.values()].map((s) => [s.reason, s]));
    expect(skipped['heart-rate: bpm is missing or not a number']!.first).toMatchObject({ entry: 'Takeout/Fitbit/Global Export Data/heart_rate-2026-11-01.json', record: 3 });
    expect(skipped['resting-heart-rate: none computed that day']!.count).toBe(1);
    expect(skipped['steps: minutes without steps']!.count).toBe(1);
    expect(skipped['steps: dateTime is not "MM/DD/YY hh:mm:ss"']!.first.record).toBe(3);
    expect(skipped['spo2: value is not a number']!.first).toMatchObject({ line: 3 });
  });

  it('reads one export file by its name, and refuses one it does not know', async () => {
    const got = await collect(parseFitbit(chunked(strToU8(heartRate), 7), { fileName: 'heart_rate-2026-11-01.json' }));
    expect(got.points).toHaveLength(2);
    const ox = await collect(parseFitbit(chunked(strToU8(spo2)), { fileName: 'Minute SpO2 - 2026-11-01.csv' }));
    expect(ox.points).toHaveLength(1);
    await expect(collect(parseFitbit(chunked(strToU8(heartRate)), { fileName: 'notes.json' }))).rejects.toMatchObject({ code: 'unrecognised-format' });
    await expect(collect(parseFitbit(chunked(zipSync({ 'a.txt': strToU8('x') })), { fileName: 'x.zip' }))).rejects.toMatchObject({ code: 'missing-entry' });
    await expect(collect(parseFitbit(chunked(strToU8(heartRate.slice(0, 50))), { fileName: 'heart_rate-2026-11-01.json' }))).rejects.toMatchObject({ code: 'truncated' });
  });

  it('throws only ImportError on random or mutated bytes (fuzz)', async () => {
    const zip = takeout();
    const json = strToU8(heartRate);
    const onlyTyped = (fileName: string) => async (bytes: Uint8Array) => {
      try {
        await collect(parseFitbit(chunked(bytes, 128), { fileName }));
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
      }
    };
    const mutated = (base: Uint8Array) =>
      fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
        const b = base.slice();
        for (const [i, v] of edits) b[i] = v;
        return b;
      });
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), onlyTyped('steps-2026-11-01.json')), { numRuns: 100 });
    await fc.assert(fc.asyncProperty(mutated(zip), onlyTyped('takeout.zip')), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(mutated(json), onlyTyped('heart_rate-2026-11-01.json')), { numRuns: 150 });
  });
});
