import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../common/imports/detect';
import { parseWearableFile } from '../../../common/imports/parse-file';
import { chunked, collect } from './fixtures';

/** Published Fitbit export files (test/fixtures/fitbit/README.md: source, commit, Apache-2.0). */
const dir = join(__dirname, '../../fixtures/fitbit');
const FILES = ['resting_heart_rate-2023-03-02.json', 'resting_heart_rate-2024-03-01.json'];

describe('published Fitbit resting heart rate files', () => {
  it('each file alone: the daily estimates, at the UTC midnight Fitbit dates them, none skipped', async () => {
    const got = [];
    for (const name of FILES) {
      const bytes = readFileSync(join(dir, name));
      expect(detectFormat(name, bytes.subarray(0, 4096))).toBe('fitbit');
      const c = await collect(parseWearableFile('fitbit', chunked(bytes, 50), { fileName: name }));
      expect([...c.skipped.keys()]).toEqual([]);
      got.push(...c.points.map((p) => [p.metric, new Date(p.timeMs).toISOString(), p.value, p.unit, p.source]));
    }
    expect(got).toEqual([
      ['resting-heart-rate', '2024-02-28T00:00:00.000Z', 52.26781177520752, '/min', 'Fitbit'],
      ['resting-heart-rate', '2024-02-29T00:00:00.000Z', 53.2727746963501, '/min', 'Fitbit'],
      ['resting-heart-rate', '2024-03-01T00:00:00.000Z', 54.01231098175049, '/min', 'Fitbit'],
      ['resting-heart-rate', '2024-03-02T00:00:00.000Z', 55.069952964782715, '/min', 'Fitbit'],
    ]);
  });

  it('inside a Takeout archive, next to files it does not read, gives the same readings with the same keys', async () => {
    const entries = Object.fromEntries(FILES.map((n) => [`Takeout/Fitbit/Global Export Data/${n}`, new Uint8Array(readFileSync(join(dir, n)))]));
    const zip = zipSync({ ...entries, 'Takeout/Fitbit/Global Export Data/calories-2024-03-01.json': strToU8('[]') });
    const inZip = await collect(parseWearableFile('fitbit', chunked(zip, 333), { fileName: 'takeout.zip' }));
    const alone = [];
    for (const n of FILES) alone.push(...(await collect(parseWearableFile('fitbit', chunked(readFileSync(join(dir, n))), { fileName: n }))).points);
    expect(inZip.points.map((p) => p.key)).toEqual(alone.map((p) => p.key));
  });

  it('a file cut short ends in a clear ImportError', async () => {
    const bytes = readFileSync(join(dir, FILES[0]!));
    await expect(collect(parseWearableFile('fitbit', chunked(bytes.subarray(0, bytes.length - 20)), { fileName: FILES[0]! }))).rejects.toMatchObject({ name: 'ImportError' });
  });
});
