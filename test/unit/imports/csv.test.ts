import fc from 'fast-check';
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CsvMapping, parseCsvTime } from '../../../common/imports/csv/csv-mapping';
import { CsvRows } from '../../../common/imports/csv/csv-rows';
import { parseReadingsCsv, previewCsv } from '../../../common/imports/csv/parse-csv';
import { ImportError } from '../../../common/imports/errors';
import { chunked, collect } from './fixtures';

const CSV = [
  'Timestamp,Type,Value,Unit,Device',
  '2026-11-01T07:00:00Z,Heart Rate,72,bpm,Band X',
  '2026-11-01 08:00,systolic,128,mmHg,Cuff Y',
  '2026-11-01 08:00,diastolic,82,mmHg,Cuff Y',
  '1793520000,weight,165,lb,"Scale, kitchen"',
  '2026-11-01T09:00:00+01:00,glucose,5.5,mmol/L,Meter',
  '2026-11-01T10:00:00Z,mood,3,,Band X',
  'yesterday,Heart Rate,70,bpm,Band X',
  '2026-11-01T11:00:00Z,Heart Rate,n/a,bpm,Band X',
  '2026-11-01T12:00:00Z,weight,11,stone,Scale',
  '2026-11-01T13:00:00Z,"steps",1200',
  '',
  '2026-11-01T14:00:00Z,steps,"1,500",,Band X',
].join('\r\n');

describe('generic readings CSV', () => {
  it('previews the first rows and guesses the mapping', async () => {
    const p = await previewCsv(chunked(strToU8(CSV), 16), 5);
    expect(p.delimiter).toBe(',');
    expect(p.header).toEqual(['Timestamp', 'Type', 'Value', 'Unit', 'Device']);
    expect(p.rows).toHaveLength(5);
    expect(p.rows[3]).toEqual(['1793520000', 'weight', '165', 'lb', 'Scale, kitchen']);
    expect(p.guess).toMatchObject({ delimiter: ',', time: 0, value: 2, metric: { column: 1 }, unit: { column: 3 }, source: 4 });
  });

  it('guesses a semicolon file with decimal commas and a metric named by its value column', async () => {
    const p = await previewCsv(chunked(strToU8('Date;Weight (kg)\n2026-11-01;81,5\n2026-11-02;81,2\n')));
    expect(p.delimiter).toBe(';');
    expect(p.guess).toMatchObject({ time: 0, value: 1 });
    const weightGuess = await previewCsv(chunked(strToU8('date;weight\n2026-11-01;81,5\n')));
    expect(weightGuess.guess.metric).toEqual({ fixed: 'body-weight' });
    const mapping = CsvMapping.parse({ ...weightGuess.guess, utcOffsetMinutes: 60 });
    const got = await collect(parseReadingsCsv(chunked(strToU8('date;weight\n2026-11-01;81,5\n')), mapping));
    expect(got.points).toEqual([expect.objectContaining({ metric: 'body-weight', value: 81.5, unit: 'kg', timeMs: Date.UTC(2026, 9, 31, 23), deviceTimeRaw: '2026-11-01T00:00:00' })]);
  });

  it('imports rows with units converted, reporting every row it skips', async () => {
    const mapping = CsvMapping.parse({ delimiter: ',', time: 0, metric: { column: 1 }, value: 2, unit: { column: 3 }, source: 4 });
    const got = await collect(parseReadingsCsv(chunked(strToU8(CSV), 7), mapping, { batchSize: 2 }));
    const v = Object.fromEntries(got.points.map((p) => [p.metric, p]));
    expect(v['heart-rate']).toMatchObject({ value: 72, unit: '/min', timeMs: Date.UTC(2026, 10, 1, 7), source: 'Band X' });
    expect(v['blood-pressure-systolic']!.groupKey).toBe(v['blood-pressure-diastolic']!.groupKey);
    expect(v['body-weight']).toMatchObject({ unit: 'kg', timeMs: 1793520000 * 1000, source: 'Scale, kitchen' });
    expect(v['body-weight']!.value).toBeCloseTo(165 * 0.45359237, 9);
    expect(v['glucose']!.value).toBeCloseTo(5.5 * 18.0156, 9);
    expect(v['glucose']!.timeMs).toBe(Date.UTC(2026, 10, 1, 8));
    expect(got.points).toHaveLength(5);
    const skipped = Object.fromEntries([...got.skipped.values()].map((s) => [s.reason, s]));
    expect(skipped['metric name is not recognised']).toMatchObject({ count: 1, first: { line: 7, record: 7 } });
    expect(skipped['time is not readable (ISO 8601 or Unix epoch expected)']!.first.line).toBe(8);
    expect(skipped['heart-rate: value is not a number']!.first.line).toBe(9);
    expect(skipped['body-weight: unit is not convertible to kg']!.first.line).toBe(10);
    expect(skipped['row has fewer columns than the mapping uses']!.first.line).toBe(11);
    expect(skipped['steps: value is not a number']!.first).toEqual({ line: 13, record: 12 });
    expect(got.batches).toBeGreaterThan(2);
  });

  it('keeps quoted line breaks and escaped quotes inside a field, across chunks', () => {
    const rows: [string[], number, number][] = [];
    const r = new CsvRows(',', (f, n, line) => rows.push([f, n, line]));
    for (const piece of ['a,"multi\nli', 'ne ""quoted""",c\r', '\nd,e,f']) r.push(piece);
    r.end();
    expect(rows).toEqual([[['a', 'multi\nline "quoted"', 'c'], 1, 1], [['d', 'e', 'f'], 2, 3]]);
  });

  it('reads times in ISO 8601 and Unix epoch', () => {
    expect(parseCsvTime('2026-11-01T07:00:00.250Z', 0)?.utcMs).toBe(Date.UTC(2026, 10, 1, 7, 0, 0, 250));
    expect(parseCsvTime('2026-11-01 07:00:00 -0500', 0)?.utcMs).toBe(Date.UTC(2026, 10, 1, 12));
    expect(parseCsvTime('1793520000123', 0)?.utcMs).toBe(1793520000123);
    expect(parseCsvTime('2026-13-01', 0)).toBeUndefined();
    expect(parseCsvTime('01/11/2026', 0)).toBeUndefined();
  });

  it('fails clearly on a file cut inside a quote or a mapping beyond its columns', async () => {
    const mapping = CsvMapping.parse({ delimiter: ',', time: 0, metric: { column: 1 }, value: 2 });
    await expect(collect(parseReadingsCsv(chunked(strToU8('t,m,v\n2026-11-01,hr,"7')), mapping))).rejects.toMatchObject({ code: 'truncated' });
    const wide = CsvMapping.parse({ delimiter: ',', time: 0, metric: { column: 1 }, value: 7 });
    await expect(collect(parseReadingsCsv(chunked(strToU8(CSV)), wide))).rejects.toMatchObject({ code: 'malformed', position: { line: 1 } });
    await expect(collect(parseReadingsCsv(chunked(new Uint8Array(0)), mapping))).rejects.toBeInstanceOf(ImportError);
    await expect(previewCsv(chunked(new Uint8Array(0)))).rejects.toMatchObject({ code: 'unrecognised-format' });
  });

  it('throws only ImportError on random or mutated bytes (fuzz)', async () => {
    const mapping = CsvMapping.parse({ delimiter: ',', time: 0, metric: { column: 1 }, value: 2, unit: { column: 3 }, source: 4 });
    const base = strToU8(CSV);
    const onlyTyped = async (bytes: Uint8Array) => {
      for (const run of [() => collect(parseReadingsCsv(chunked(bytes, 50), mapping)), () => previewCsv(chunked(bytes, 50))]) {
        try {
          await run();
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
        }
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), onlyTyped), { numRuns: 150 });
    const mutated = fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    });
    await fc.assert(fc.asyncProperty(mutated, onlyTyped), { numRuns: 200 });
  });
});
