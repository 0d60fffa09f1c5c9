import fc from 'fast-check';
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../common/imports/errors';
import { parseOpenMHealth } from '../../../common/imports/open-mhealth/parse-open-mhealth';
import { chunked, collect } from './fixtures';

const header = (name: string, version = '1.0') => ({ id: `id-${name}`, creation_date_time: '2026-11-01T08:00:00Z', schema_id: { namespace: 'omh', name, version }, acquisition_provenance: { source_name: 'Test App', modality: 'sensed' } });
const at = (t: string) => ({ effective_time_frame: { date_time: t } });

const points = [
  { header: header('heart-rate'), body: { heart_rate: { value: 61, unit: 'beats/min' }, ...at('2026-11-01T07:00:00Z') } },
  { header: header('blood-pressure'), body: { systolic_blood_pressure: { value: 124, unit: 'mmHg' }, diastolic_blood_pressure: { value: 79, unit: 'mmHg' }, ...at('2026-11-01T07:05:00+01:00') } },
  { header: header('body-weight'), body: { body_weight: { value: 170, unit: 'lb' }, ...at('2026-11-01T07:10:00Z') } },
  { header: header('blood-glucose'), body: { blood_glucose: { value: 6.1, unit: 'mmol/L' }, ...at('2026-11-01T07:15:00Z') } },
  { header: header('step-count'), body: { step_count: 2500, effective_time_frame: { time_interval: { start_date_time: '2026-11-01T06:00:00Z', duration: { value: 1, unit: 'h' } } } } },
  { header: header('step-count', '2.0'), body: { step_count: { value: 300, unit: 'steps' }, effective_time_frame: { time_interval: { start_date_time: '2026-11-01T09:00:00Z', end_date_time: '2026-11-01T09:10:00Z' } } } },
  { header: header('oxygen-saturation'), body: { oxygen_saturation: { value: 96, unit: '%' }, ...at('2026-11-01T07:20:00Z') } },
  { header: header('body-temperature'), body: { body_temperature: { value: 98.6, unit: 'F' }, ...at('2026-11-01T07:25:00Z') } },
  // Without a header: the schema is read from the body's measure.
  { body: { body_temperature: { value: 310.15, unit: 'K' }, ...at('2026-11-01T07:30:00Z') } },
  { header: header('physical-activity'), body: { activity_name: 'walking', ...at('2026-11-01T07:35:00Z') } },
  { header: header('heart-rate'), body: { heart_rate: { value: 'fast', unit: 'beats/min' }, ...at('2026-11-01T07:40:00Z') } },
  { header: header('heart-rate'), body: { heart_rate: { value: 70, unit: 'beats/min' }, ...at('2026-11-01 07:45') } },
];

describe('Open mHealth data points', () => {
  it('reads a JSON array of the supported schemas with units converted', async () => {
    const got = await collect(parseOpenMHealth(chunked(strToU8(JSON.stringify(points, null, 2)), 13)));
    const by = (m: string) => got.points.filter((p) => p.metric === m);
    expect(by('heart-rate')).toEqual([expect.objectContaining({ value: 61, unit: '/min', timeMs: Date.UTC(2026, 10, 1, 7), source: 'Test App' })]);
    expect(by('blood-pressure-systolic')[0]).toMatchObject({ value: 124, timeMs: Date.UTC(2026, 10, 1, 6, 5) });
    expect(by('blood-pressure-diastolic')[0]!.groupKey).toBe(by('blood-pressure-systolic')[0]!.groupKey);
    expect(by('body-weight')[0]!.value).toBeCloseTo(170 * 0.45359237, 9);
    expect(by('glucose')[0]!.value).toBeCloseTo(6.1 * 18.0156, 9);
    expect(by('steps').map((p) => [p.value, p.timeMs, p.endMs])).toEqual([
      [2500, Date.UTC(2026, 10, 1, 6), Date.UTC(2026, 10, 1, 7)],
      [300, Date.UTC(2026, 10, 1, 9), Date.UTC(2026, 10, 1, 9, 10)],
    ]);
    expect(by('spo2')[0]!.value).toBe(96);
    expect(by('body-temperature').map((p) => Math.round(p.value * 100) / 100)).toEqual([37, 37]);
    const skipped = [...got.skipped.values()];
    expect(skipped.find((s) => s.reason === 'schema physical-activity is not imported')?.first.record).toBe(10);
    expect(skipped.find((s) => s.reason.startsWith('heart-rate: heart_rate is missing'))?.first.record).toBe(11);
    expect(skipped.find((s) => s.reason.startsWith('heart-rate: date_time'))?.first.record).toBe(12);
  });

  it('reads JSON lines and a single data point, with record and line positions', async () => {
    const lines = points.slice(0, 3).map((p) => JSON.stringify(p)).join('\n') + '\n{"broken": tru}\n';
    const got = await collect(parseOpenMHealth(chunked(strToU8(lines), 5)));
    expect(got.points).toHaveLength(4);
    expect(got.skipped.get('record is not valid JSON')?.first).toEqual({ line: 4, record: 4 });
    const one = await collect(parseOpenMHealth(chunked(strToU8(JSON.stringify(points[0])))));
    expect(one.points).toHaveLength(1);
  });

  it('fails clearly on a cut file or text that is not data points', async () => {
    const text = JSON.stringify(points);
    await expect(collect(parseOpenMHealth(chunked(strToU8(text.slice(0, text.length - 30)))))).rejects.toMatchObject({ code: 'truncated' });
    await expect(collect(parseOpenMHealth(chunked(strToU8(text.slice(0, -1)))))).rejects.toMatchObject({ code: 'truncated' });
    await expect(collect(parseOpenMHealth(chunked(strToU8('hello'))))).rejects.toMatchObject({ code: 'malformed' });
    await expect(collect(parseOpenMHealth(chunked(strToU8('[]'))))).rejects.toMatchObject({ code: 'unrecognised-format' });
  });

  it('throws only ImportError on random or mutated bytes (fuzz)', async () => {
    const base = strToU8(JSON.stringify(points.slice(0, 6)));
    const onlyTyped = async (bytes: Uint8Array) => {
      try {
        await collect(parseOpenMHealth(chunked(bytes, 64)));
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), onlyTyped), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }).map((s) => strToU8(s)), onlyTyped), { numRuns: 150 });
    const mutated = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    });
    await fc.assert(fc.asyncProperty(mutated, onlyTyped), { numRuns: 200 });
  });
});
