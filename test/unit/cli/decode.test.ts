import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseHex } from '../../../cli/commands/decode';
import { main } from '../../../cli/main';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('careloop decode', () => {
  it('prints a heart rate measurement as JSON', async () => {
    const r = await run(['decode', 'heart-rate-measurement', '16 4d 16 03']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const json = JSON.parse(r.out) as { heartRate: number; rrIntervalsMs: number[]; readings: { metric: string }[] };
    expect(json.heartRate).toBe(77);
    expect(json.rrIntervalsMs).toEqual([771.484375]);
    expect(json.readings.map((x) => x.metric)).toEqual(['heart-rate', 'rr-interval']);
  });

  it('accepts hex split over arguments, with colons or a 0x prefix', async () => {
    expect(JSON.parse((await run(['decode', 'racp', '05', '00', '2a', '01'])).out)).toEqual({ op: 'count-response', count: 298 });
    expect(JSON.parse((await run(['decode', 'racp', '06:00:01:06'])).out)).toMatchObject({ code: 'no-records-found' });
    expect(JSON.parse((await run(['decode', 'temperature-measurement', '0x006c0100ff'])).out)).toMatchObject({ value: 36.4, unit: 'Cel' });
  });

  it('keeps special values and 64-bit timestamps readable in JSON', async () => {
    const glucose = JSON.parse((await run(['decode', 'glucose-measurement', '02 01 00 ea 07 05 1f 17 32 00 ff 07 11'])).out) as { value: unknown; readings: { flags: string[] }[] };
    expect(glucose.value).toBe('NaN');
    expect(glucose.readings[0]!.flags).toEqual(['not-a-number']);
    // 0x0C000002540BE400 ns exceeds 2^53: printed exactly, as a string.
    const ecg = JSON.parse((await run(['decode', 'polar-pmd-ecg', '00 00 e4 0b 54 02 00 00 0c 00 64 00 00 9c ff ff'])).out);
    expect(ecg).toEqual({ timestampNs: '864691138455135232', samplesUv: [100, -100] });
  });

  it('fails with exit code 1 and one line for bad hex, unknown codecs and undecodable bytes', async () => {
    const cases: [string[], RegExp][] = [
      [['decode', 'racp', '0g'], /invalid hex: 'g' is not a hexadecimal digit/],
      [['decode', 'racp', 'abc'], /3 digits is not a whole number of bytes/],
      [['decode', 'racp', ' '], /no bytes given/],
      [['decode', 'frobnicator', '00'], /unknown codec 'frobnicator' \(known: heart-rate-measurement, /],
      [['decode', 'heart-rate-measurement', '10 48 01'], /cannot decode as heart-rate-measurement: .*odd 1 bytes \(bad-frame\)/],
      [['decode', 'blood-pressure-measurement', '00 78'], /cannot decode as blood-pressure-measurement: .*\(too-short\)/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('prints usage with exit code 2 when arguments are missing', async () => {
    const r = await run(['decode', 'racp']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Usage: careloop decode <codec> <hex>/);
    expect((await run(['decode', '--help'])).out).toMatch(/Codecs: heart-rate-measurement/);
  });

  it('parses hex strictly', () => {
    expect(Array.from(parseHex('0xB0-50 ff'))).toEqual([0xb0, 0x50, 0xff]);
  });

  it('runs through the package bin', () => {
    const out = execFileSync(process.execPath, ['bin/careloop.mjs', 'decode', 'weight-measurement', '00 97 3a'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ unit: 'kg', weight: 74.995 });
  });
});
