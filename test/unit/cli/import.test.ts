import { Encoder, Profile, type Mesg } from '@garmin/fitsdk';
import { strToU8, zipSync } from 'fflate';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { appleExportXml, appleExportZip, appleRecord } from '../imports/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'careloop-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, out, err, lines };
}

const xml = appleExportXml([
  appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', '61', '2026-11-01 08:00:00 +0100'),
  appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', '64', '2026-11-01 08:05:00 +0100'),
  appleRecord('HKQuantityTypeIdentifierBodyMass', 'lb', '176.37', '2026-11-01 07:00:00 +0100'),
  appleRecord('HKQuantityTypeIdentifierDietaryWater', 'mL', '250', '2026-11-01 09:00:00 +0100'),
]);

function fitFile(): Uint8Array {
  const e = new Encoder();
  const put = (name: string, fields: Record<string, unknown>) => e.onMesg(Profile.MesgNum[name]!, fields as Mesg);
  const at = (s: number) => new Date(Date.UTC(2026, 10, 1) + s * 1000);
  put('FILE_ID', { type: 'monitoringB', manufacturer: 'garmin', product: 3113, serialNumber: 3_456_789, timeCreated: at(0) });
  put('MONITORING', { timestamp: at(60), heartRate: 61 });
  put('MONITORING', { timestamp: at(120), heartRate: 63 });
  return e.close();
}

describe('careloop import', () => {
  it('detects an Apple Health export.xml and export.zip by content and prints each reading as a JSON line', async () => {
    for (const path of [file('export.xml', xml), file('health.zip', appleExportZip(xml))]) {
      const r = await run(['import', path]);
      expect(r.code).toBe(0);
      expect(r.lines.map((l) => [l.metric, l.value, l.unit, l.time])).toEqual([
        ['heart-rate', 61, '/min', '2026-11-01T07:00:00.000Z'],
        ['heart-rate', 64, '/min', '2026-11-01T07:05:00.000Z'],
        ['body-weight', expect.closeTo(80, 2), 'kg', '2026-11-01T06:00:00.000Z'],
      ]);
      expect(r.lines[0]).toMatchObject({ kind: 'point', source: 'Test Watch', deviceTime: '2026-11-01T08:00:00' });
      expect(typeof r.lines[0]!.key).toBe('string');
      expect(r.err).toMatch(/Apple Health export/);
      expect(r.err).toMatch(/3 readings: heart-rate 2, body-weight 1/);
      expect(r.err).toMatch(/1 records skipped:\n {2}1 × .*DietaryWater/);
    }
  });

  it('reads FIT, Fitbit and Open mHealth files, each detected by content', async () => {
    const fit = await run(['import', file('monitor.fit', fitFile())]);
    expect(fit.code).toBe(0);
    expect(fit.lines.map((l) => [l.metric, l.value, l.time])).toEqual([['heart-rate', 61, '2026-11-01T00:01:00.000Z'], ['heart-rate', 63, '2026-11-01T00:02:00.000Z']]);
    expect(fit.err).toMatch(/FIT file/);

    const fitbit = await run(['import', file('heart_rate-2026-11-01.json', JSON.stringify([{ dateTime: '11/01/26 07:00:05', value: { bpm: 61, confidence: 2 } }]))]);
    expect(fitbit.lines.map((l) => [l.metric, l.value, l.time])).toEqual([['heart-rate', 61, '2026-11-01T07:00:05.000Z']]);
    const takeout = zipSync({ 'Takeout/Fitbit/Global Export Data/heart_rate-2026-11-01.json': strToU8(JSON.stringify([{ dateTime: '11/01/26 07:00:05', value: { bpm: 62, confidence: 2 } }])) });
    // Fitbit writes heart rate times in UTC: --utc-offset applies only to the sleep logs' wall times.
    const zipped = await run(['import', file('takeout-20261101.zip', takeout), '--utc-offset', '60']);
    expect(zipped.lines.map((l) => [l.value, l.time])).toEqual([[62, '2026-11-01T07:00:05.000Z']]);
    expect(zipped.err).toMatch(/Fitbit/);

    const omh = [{ header: { id: 'x', creation_date_time: '2026-11-01T08:00:00Z', schema_id: { namespace: 'omh', name: 'blood-glucose', version: '1.0' } }, body: { blood_glucose: { value: 6.1, unit: 'mmol/L' }, effective_time_frame: { date_time: '2026-11-01T07:15:00Z' } } }];
    const o = await run(['import', file('points.json', JSON.stringify(omh))]);
    expect(o.lines.map((l) => [l.metric, Math.round(Number(l.value)), l.unit])).toEqual([['glucose', 110, 'mg/dL']]);
  });

  it('reads a CSV of readings with the mapping guessed, given by --map, or names the mapping it needs', async () => {
    const guessed = await run(['import', file('bp.csv', 'time,metric,value,unit\n2026-11-01T07:00:00Z,systolic,128,mmHg\n2026-11-01T07:00:00Z,diastolic,82,mmHg\n')]);
    expect(guessed.code).toBe(0);
    expect(guessed.lines.map((l) => [l.metric, l.value])).toEqual([['blood-pressure-systolic', 128], ['blood-pressure-diastolic', 82]]);

    const bare = file('weights.csv', 'when;kilos;who\n2026-11-01 07:00;80,5;Scale A\n2026-11-02 07:00;80,1;Scale A\n');
    const needs = await run(['import', bare]);
    expect(needs.code).toBe(1);
    expect(needs.err).toMatch(/needs its column mapping: --map metric=<column or metric name> \(could not tell from the header: when, kilos, who\)/);
    const mapped = await run(['import', bare, '--map', 'time=when,value=2,metric=weight', '--map', 'source=who', '--utc-offset', '-300']);
    expect(mapped.code).toBe(0);
    expect(mapped.lines.map((l) => [l.metric, l.value, l.time, l.source])).toEqual([
      ['body-weight', 80.5, '2026-11-01T12:00:00.000Z', 'Scale A'],
      ['body-weight', 80.1, '2026-11-02T12:00:00.000Z', 'Scale A'],
    ]);
    expect((await run(['import', bare, '--map', 'time=nope'])).err).toMatch(/--map time=nope: no such column/);
    expect((await run(['import', bare, '--map', 'colour=red'])).err).toMatch(/keys time, value, metric, unit, source/);
  });

  it('exits 1 with the reason for truncated, malformed, unknown and missing files', async () => {
    const zip = appleExportZip(xml);
    const cases: [string, RegExp][] = [
      [file('cut.zip', zip.subarray(0, Math.floor(zip.length / 2))), /cannot import cut\.zip as Apple Health export: .*\(truncated\)/],
      [file('cut.xml', xml.slice(0, xml.length - 40)), /\(truncated\)/],
      [file('broken.xml', xml.replace('<Record ', '<Record <')), /\(malformed\)/],
      [file('quote.csv', 'time,metric,value\n2026-11-01T07:00:00Z,hr,"6'), /ends inside a quoted field \(truncated\)/],
      [file('blob.bin', new Uint8Array([1, 2, 3, 4, 5])), /is not a format careloop imports/],
      [file('empty.csv', ''), /is empty/],
      [join(dir, 'missing.xml'), /cannot read .*missing\.xml: no such file/],
    ];
    for (const [path, reason] of cases) {
      const r = await run(['import', path]);
      expect(r.code, path).toBe(1);
      expect(r.err).toMatch(reason);
    }
  });

  it('prints usage with exit code 2 without a file, and rejects unknown formats', async () => {
    expect((await run(['import'])).code).toBe(2);
    expect((await run(['import', '--help'])).out).toMatch(/Usage: careloop import <file>/);
    const r = await run(['import', file('x.xml', xml), '--format', 'pdf']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown format 'pdf'/);
    // A format named by hand is used as given.
    expect((await run(['import', file('y.txt', xml), '--format', 'apple-health'])).lines).toHaveLength(3);
  });
});
