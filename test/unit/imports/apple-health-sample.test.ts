import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAppleHealth } from '../../../common/imports/apple-health/parse-apple-health';
import { chunked, collect } from './fixtures';

/** A real export.xml excerpt (test/fixtures/apple-health/README.md: source, commit, Apache-2.0). */
const SAMPLE = readFileSync(join(__dirname, '../../fixtures/apple-health/healthkit-to-sqlite-export.xml'));

describe('a published Apple Health export.xml', () => {
  it('reads its heart rate with the watch as provenance and names everything it leaves out', async () => {
    const got = await collect(parseAppleHealth(chunked(SAMPLE, 97)));
    // Apple writes its device names with a no-break space ("Apple\u00a0Watch"): kept as written.
    const watch = 'Apple\u00a0Watch';
    expect(got.points.map((p) => ({ metric: p.metric, value: p.value, unit: p.unit, time: new Date(p.timeMs).toISOString(), wall: p.deviceTimeRaw, source: p.source }))).toEqual([
      { metric: 'heart-rate', value: 72, unit: '/min', time: '2018-09-10T09:28:55.000Z', wall: '2018-09-10T02:28:55', source: watch },
    ]);
    expect([...got.skipped.values()].map((s) => [s.reason, s.count])).toEqual([
      ['record type HKQuantityTypeIdentifierBodyMassIndex is not imported', 1],
      ['Workout elements are not imported', 1],
      ['ActivitySummary elements are not imported', 2],
    ]);
    // the device attribute spells its name with an ordinary space
    expect(got.sources).toContainEqual({ app: watch, device: 'Apple Watch (Watch2,4)' });
  });
});
