import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenMHealth } from '../../../common/imports/open-mhealth/parse-open-mhealth';
import { chunked, collect } from './fixtures';

/** Open mHealth's own sample bodies (test/fixtures/open-mhealth/README.md: source, commit, Apache-2.0). */
const DIR = join(__dirname, '../../fixtures/open-mhealth');
const sample = (name: string) => readFileSync(join(DIR, name));

describe("Open mHealth's published sample data points", () => {
  it('reads each sample body as the schema says, with UCUM units and UTC times', async () => {
    const read = async (name: string) => (await collect(parseOpenMHealth(chunked(sample(name), 7)))).points.map((p) => ({ metric: p.metric, value: p.value, unit: p.unit, time: new Date(p.timeMs).toISOString(), ...(p.endMs ? { end: new Date(p.endMs).toISOString() } : {}) }));
    expect(await read('heart-rate-2.0-with-temporal-relationship-to-sleep.json')).toEqual([{ metric: 'heart-rate', value: 67.5, unit: '/min', time: '2020-02-05T15:25:00.000Z' }]);
    expect(await read('body-weight-2.0-body-weight-only.json')).toEqual([{ metric: 'body-weight', value: 50, unit: 'kg', time: '2020-02-05T17:45:00.000Z' }]);
    expect(await read('blood-pressure-4.0-blood-pressure-only.json')).toEqual([
      { metric: 'blood-pressure-systolic', value: 115, unit: 'mm[Hg]', time: '2020-02-05T15:25:00.000Z' },
      { metric: 'blood-pressure-diastolic', value: 60, unit: 'mm[Hg]', time: '2020-02-05T15:25:00.000Z' },
    ]);
    expect(await read('oxygen-saturation-2.0-saturation-only.json')).toEqual([{ metric: 'spo2', value: 95, unit: '%', time: '2013-02-05T15:25:00.000Z' }]);
    expect(await read('step-count-3.0-valid-step-count.json')).toEqual([{ metric: 'steps', value: 10600, unit: '{steps}', time: '2016-02-05T06:25:00.000Z', end: '2016-02-05T07:25:00.000Z' }]);
  });

  it('does not take a statistic over four months (a minimum) for a reading', async () => {
    const got = await collect(parseOpenMHealth(chunked(sample('blood-glucose-4.0-with-everything.json'), 7)));
    expect(got.points).toEqual([]);
    expect([...got.skipped.values()]).toEqual([expect.objectContaining({ count: 1, reason: 'blood-glucose: a descriptive statistic (minimum), not a reading' })]);
  });

  it('keeps the samples with their licence', () => {
    expect(readdirSync(DIR)).toEqual(expect.arrayContaining(['README.md', 'LICENSE-Apache-2.0.txt']));
  });
});
