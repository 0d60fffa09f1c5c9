import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'careloop-insights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const goffExample = { age: 55, sex: 'female', race: 'white', totalCholesterol: 213, hdl: 50, systolic: 120, onBpTreatment: false, smoker: false, diabetes: false };

describe('careloop ascvd', () => {
  it('prints the published worked example for white women: 2.1 %, low', async () => {
    expect(await run(['ascvd', JSON.stringify(goffExample)])).toEqual({ code: 0, err: '', out: '{"risk":2.1,"category":"low"}\n' });
  });
  it('prints the African-American man of the worked example: 6.1 %, borderline', async () => {
    const r = await run(['ascvd', JSON.stringify({ ...goffExample, sex: 'male', race: 'african-american' })]);
    expect(JSON.parse(r.out)).toEqual({ risk: 6.1, category: 'borderline' });
  });
  it('exits 1 with the reason on out-of-range, missing or malformed input; 2 without an argument', async () => {
    expect(await run(['ascvd', JSON.stringify({ ...goffExample, age: 35 })])).toEqual({
      code: 1, out: '', err: 'careloop ascvd: age 35 is outside 40–79 years\n',
    });
    expect(await run(['ascvd', JSON.stringify({ ...goffExample, hdl: undefined })])).toEqual({
      code: 1, out: '', err: 'careloop ascvd: missing input: hdl\n',
    });
    expect(await run(['ascvd', '{"age": 55'])).toEqual({ code: 1, out: '', err: 'careloop ascvd: the argument is not valid JSON\n' });
    expect((await run(['ascvd'])).code).toBe(2);
    expect((await run(['ascvd', '--help'])).out).toMatch(/race +white, african-american or other/);
  });
});

describe('careloop prevent', () => {
  it('prints total CVD, ASCVD and heart-failure 10-year risk in percent', async () => {
    const input = { age: 50, sex: 'female', totalCholesterol: 200, hdl: 45, systolic: 160, bmi: 35, egfr: 90, onBpTreatment: true, onStatin: false, smoker: false, diabetes: true };
    expect(await run(['prevent', JSON.stringify(input)])).toEqual({ code: 0, err: '', out: '{"cvd":14.7,"ascvd":9.2,"hf":8.1}\n' });
  });
  it('exits 1 naming the field out of range or missing', async () => {
    expect(await run(['prevent', '{"age": 29}'])).toMatchObject({ code: 1, out: '' });
    expect((await run(['prevent', '{"age": 29}'])).err).toBe(
      'careloop prevent: missing inputs: sex, totalCholesterol, hdl, systolic, bmi, egfr, onBpTreatment, onStatin, smoker, diabetes\n',
    );
    const input = { age: 50, sex: 'male', totalCholesterol: 200, hdl: 45, systolic: 160, bmi: 35, egfr: 10, onBpTreatment: true, onStatin: false, smoker: false, diabetes: true };
    expect((await run(['prevent', JSON.stringify(input)])).err).toBe('careloop prevent: egfr 10 is outside 15–150 mL/min/1.73 m²\n');
  });
});

describe('careloop glucose-metrics', () => {
  const t = (min: number) => new Date(Date.UTC(2025, 0, 6) + min * 60_000).toISOString();
  // The hand-computed trace of test/unit/insights/glucose-metrics.test.ts: 9 of 12 five-minute slots.
  const trace = [0, 1, 2, 3, 5, 6, 9, 10, 11].map((slot, i) => ({ time: t(slot * 5), mgdl: [50, 60, 65, 100, 150, 180, 200, 260, 300][i] }));

  it('prints the consensus metrics, one decimal each', async () => {
    const r = await run(['glucose-metrics', file('trace.json', trace)]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toEqual({
      mean: 151.7, gmi: 6.9, cv: 59.8, below54: 11.1, below70: 33.3, inRange: 33.3, above180: 33.3, above250: 22.2, dataSufficiency: 75,
    });
  });

  it('takes the sensor interval and meter mode', async () => {
    const path = file('trace2.json', trace);
    expect(JSON.parse((await run(['glucose-metrics', path, '--interval', '15'])).out)).toMatchObject({ dataSufficiency: 100 });
    // Meter: 9 readings on one UTC day count 4 of 4.
    expect(JSON.parse((await run(['glucose-metrics', path, '--meter', '--tz', 'UTC'])).out)).toMatchObject({ dataSufficiency: 100 });
  });

  it('exits 1 with the reason on bad files, bad readings and bad options; 2 without a file', async () => {
    expect(await run(['glucose-metrics', join(dir, 'absent.json')])).toMatchObject({ code: 1, err: expect.stringMatching(/cannot read/) });
    expect(await run(['glucose-metrics', file('bad.json', '[{')])).toMatchObject({ code: 1, err: expect.stringMatching(/is not valid JSON/) });
    expect(await run(['glucose-metrics', file('neg.json', [{ time: t(0), mgdl: -1 }])])).toEqual({
      code: 1, out: '', err: 'careloop glucose-metrics: reading 0: -1 mg/dL is outside 1–1000 mg/dL\n',
    });
    expect(await run(['glucose-metrics', file('empty.json', [])])).toMatchObject({ code: 1, err: expect.stringMatching(/no readings/) });
    expect((await run(['glucose-metrics', file('t3.json', trace), '--meter', '--tz', 'Mars/Olympus'])).err).toMatch(/unknown time zone/);
    expect((await run(['glucose-metrics', file('t4.json', trace), '--interval', 'five'])).code).toBe(1);
    expect((await run(['glucose-metrics'])).code).toBe(2);
  });
});
