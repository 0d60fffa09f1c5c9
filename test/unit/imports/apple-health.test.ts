import fc from 'fast-check';
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseAppleHealth } from '../../../common/imports/apple-health/parse-apple-health';
import { ImportError } from '../../../common/imports/errors';
import { appleEcgCsv, appleExportXml, appleExportZip, appleRecord, chunked, collect } from './fixtures';

const T = '2026-11-01 07:00:00 +0100';
const utc = (iso: string) => Date.parse(iso);

const records = [
  appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', '72', T),
  appleRecord('HKQuantityTypeIdentifierRestingHeartRate', 'count/min', '58', '2026-11-01 00:00:00 +0100', '2026-11-01 23:59:00 +0100'),
  appleRecord('HKQuantityTypeIdentifierHeartRateVariabilitySDNN', 'ms', '41.5', T),
  appleRecord('HKQuantityTypeIdentifierOxygenSaturation', '%', '0.97', T),
  appleRecord('HKQuantityTypeIdentifierRespiratoryRate', 'count/min', '15', T),
  ' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff App" creationDate="2026-11-01 08:00:00 +0100" startDate="2026-11-01 08:00:00 +0100" endDate="2026-11-01 08:00:00 +0100">',
  appleRecord('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '128', '2026-11-01 08:00:00 +0100', undefined, 'Cuff App'),
  appleRecord('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '82', '2026-11-01 08:00:00 +0100', undefined, 'Cuff App'),
  ' </Correlation>',
  // Apple also lists a correlation's records at the top level: same readings, same keys.
  appleRecord('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '128', '2026-11-01 08:00:00 +0100', undefined, 'Cuff App'),
  appleRecord('HKQuantityTypeIdentifierBodyMass', 'lb', '165', T, undefined, 'Scale App'),
  appleRecord('HKQuantityTypeIdentifierBloodGlucose', 'mmol&lt;180.15588000005408&gt;/L', '5.5', T, undefined, 'Meter App'),
  appleRecord('HKQuantityTypeIdentifierStepCount', 'count', '312', T, '2026-11-01 07:05:00 +0100', 'Test Phone'),
  ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Test Watch" startDate="2026-10-31 23:00:00 +0100" endDate="2026-11-01 01:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepCore"/>',
  ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Test Watch" startDate="2026-10-31 22:40:00 +0100" endDate="2026-11-01 06:30:00 +0100" value="HKCategoryValueSleepAnalysisInBed"/>',
  appleRecord('HKQuantityTypeIdentifierActiveEnergyBurned', 'kcal', '2.1', T),
  appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', 'n/a', T),
  appleRecord('HKQuantityTypeIdentifierBodyMass', 'stone', '11', T),
  ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" startDate="2026-11-01 09:00:00 +0100" endDate="2026-11-01 09:30:00 +0100"/>',
];

describe('Apple Health export', () => {
  it('reads the supported records of export.zip with units converted and blood pressure grouped', async () => {
    const zip = appleExportZip(appleExportXml(records));
    const got = await collect(parseAppleHealth(chunked(zip, 1000)));
    const by = (m: string) => got.points.filter((p) => p.metric === m);
    expect(by('heart-rate').map((p) => [p.value, p.unit, p.timeMs])).toEqual([[72, '/min', utc('2026-11-01T06:00:00Z')]]);
    expect(by('heart-rate')[0]!.deviceTimeRaw).toBe('2026-11-01T07:00:00');
    expect(by('resting-heart-rate')[0]!.value).toBe(58);
    expect(by('hrv-sdnn')[0]!.value).toBe(41.5);
    expect(by('spo2')[0]!.value).toBeCloseTo(97, 9);
    expect(by('respiratory-rate')[0]!.value).toBe(15);
    expect(by('body-weight')[0]!.value).toBeCloseTo(165 * 0.45359237, 9);
    expect(by('body-weight')[0]!.unit).toBe('kg');
    expect(by('glucose')[0]!.value).toBeCloseTo(5.5 * 18.0156, 9);
    expect(by('steps')[0]).toMatchObject({ value: 312, unit: '{steps}', endMs: utc('2026-11-01T06:05:00Z') });
    expect(by('sleep-duration').map((p) => p.value)).toEqual([2.5]);

    const sys = by('blood-pressure-systolic');
    const dia = by('blood-pressure-diastolic');
    expect(sys).toHaveLength(2);
    expect(new Set(sys.map((s) => s.key)).size).toBe(1);
    expect(sys[0]!.groupKey).toBeDefined();
    expect(dia[0]!.groupKey).toBe(sys[0]!.groupKey);
    expect(sys[0]!.value).toBe(128);
    expect(dia[0]!.value).toBe(82);

    const reasons = [...got.skipped.values()];
    expect(reasons.find((r) => r.reason.includes('ActiveEnergyBurned'))).toMatchObject({ count: 1, first: { entry: 'apple_health_export/export.xml', line: 24 } });
    expect(reasons.find((r) => r.reason === 'heart-rate: value is not a number')?.first.line).toBe(25);
    expect(reasons.find((r) => r.reason.startsWith('body-weight: unit stone'))?.count).toBe(1);
    expect(reasons.find((r) => r.reason.startsWith('sleep analysis: in bed'))?.count).toBe(1);
    expect(reasons.find((r) => r.reason.startsWith('Workout'))?.count).toBe(1);
    expect(got.sources).toContainEqual({ app: 'Test Watch', device: 'Apple Watch (Watch6,1)' });
    expect(got.lastBytes).toBe(zip.length);
  });

  it('reads ECG recordings as 512 Hz waveforms in µV, leaving the personal header behind', async () => {
    const samples = Array.from({ length: 6000 }, (_, i) => Math.round(1000 * Math.sin(i / 20)) / 10);
    const zip = appleExportZip(appleExportXml([]), { 'ecg_2026-11-01.csv': appleEcgCsv(samples) });
    const got = await collect(parseAppleHealth(chunked(zip, 777)));
    expect(got.waveforms).toHaveLength(2);
    const [a, b] = got.waveforms;
    expect(a).toMatchObject({ metric: 'ecg', unit: 'uV', fs: 512, startMs: utc('2026-11-01T07:30:00Z') });
    expect(b!.startMs).toBeCloseTo(a!.startMs + (5120 * 1000) / 512, 6);
    const all = [...a!.values, ...b!.values];
    expect(all).toHaveLength(6000);
    all.forEach((v, i) => expect(v).toBeCloseTo(samples[i]!, 3));
    expect(JSON.stringify(got)).not.toContain('Test Person');
  });

  it('gives the same readings and keys whatever the chunking (a multi-byte µ cut in half included)', async () => {
    const zip = appleExportZip(appleExportXml(records), { 'e.csv': appleEcgCsv([1, 2, 3]) });
    const whole = await collect(parseAppleHealth(chunked(zip, zip.length)));
    const tiny = await collect(parseAppleHealth(chunked(zip, 3)));
    expect(tiny.points).toEqual(whole.points);
    expect(tiny.waveforms).toEqual(whole.waveforms);
    // The CSV through a bare-XML path is not possible; check µ splitting directly on export.xml.
    const xml = strToU8(appleExportXml([appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', '61', T, T, 'Wätch µ')]));
    const one = await collect(parseAppleHealth(chunked(xml, 1)));
    expect(one.points[0]!.source).toBe('Wätch µ');
  });

  it('reads a bare export.xml and batches it', async () => {
    const many = Array.from({ length: 25 }, (_, i) => appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', String(60 + i), `2026-11-01 07:${String(i).padStart(2, '0')}:00 +0100`));
    const got = await collect(parseAppleHealth(chunked(strToU8(appleExportXml(many)), 100), { batchSize: 10 }));
    expect(got.points.map((p) => p.value)).toEqual(many.map((_, i) => 60 + i));
    expect(got.batches).toBeGreaterThanOrEqual(3);
  });

  it('says clearly what is wrong with a file it cannot read', async () => {
    const xml = appleExportXml(records);
    const zip = appleExportZip(xml);
    const fail = async (bytes: Uint8Array) => {
      try {
        await collect(parseAppleHealth(chunked(bytes, 500)));
      } catch (e) {
        return e as ImportError;
      }
      throw new Error('expected an ImportError');
    };
    expect((await fail(zip.subarray(0, Math.floor(zip.length / 2)))).code).toBe('truncated');
    expect((await fail(strToU8(xml.slice(0, xml.length - 40)))).code).toBe('truncated');
    const broken = await fail(strToU8(xml.replace('<Workout ', '<Workout <')));
    expect(broken).toBeInstanceOf(ImportError);
    expect(broken.code).toBe('malformed');
    expect(broken.position.line).toBe(27);
    expect((await fail(strToU8('hello, world'))).code).toBe('unrecognised-format');
    expect((await fail(new Uint8Array(0))).code).toBe('unrecognised-format');
    expect((await fail(appleExportZip('x').subarray(0, 0))).code).toBe('unrecognised-format');
    const noExport = (await import('fflate')).zipSync({ 'notes.txt': strToU8('hi') });
    expect((await fail(noExport)).code).toBe('missing-entry');
  });

  it('stops when cancelled', async () => {
    const signal = { aborted: false };
    const zip = appleExportZip(appleExportXml(records));
    const it = parseAppleHealth(chunked(zip, 100), { signal, batchSize: 1 });
    await it.next();
    signal.aborted = true;
    await expect(collect(it)).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('throws only ImportError on random or mutated bytes (fuzz)', async () => {
    const zip = appleExportZip(appleExportXml(records.slice(0, 8)), { 'e.csv': appleEcgCsv([1, 2, 3]) });
    const xml = strToU8(appleExportXml(records.slice(0, 8)));
    const onlyTyped = async (bytes: Uint8Array) => {
      try {
        await collect(parseAppleHealth(chunked(bytes, 256)));
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), onlyTyped), { numRuns: 150 });
    const mutated = (base: Uint8Array) =>
      fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
        const b = base.slice();
        for (const [i, v] of edits) b[i] = v;
        return b;
      });
    await fc.assert(fc.asyncProperty(mutated(zip), onlyTyped), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(mutated(xml), onlyTyped), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(fc.nat({ max: zip.length }), (n) => onlyTyped(zip.subarray(0, n))), { numRuns: 100 });
  });
});
