import 'fake-indexeddb/auto';
import { strToU8 } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAppleHealth } from '../../../common/imports/apple-health/parse-apple-health';
import { CsvMapping } from '../../../common/imports/csv/csv-mapping';
import { parseWearableFile } from '../../../common/imports/parse-file';
import { recordConsent } from '../../../renderer/src/db/consents';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { blobChunks } from '../../../renderer/src/db/blob-chunks';
import { importWearableFile, wearableImportKey } from '../../../renderer/src/db/wearable-import';
import { engineApi } from '../../../renderer/src/engine/api';
import { appleEcgCsv, appleExportXml, appleExportZip, appleRecord, chunked } from './fixtures';

let db: CareLoopDb;
let ctx: WriteContext;
let patient: PatientRow;
let n = 0;

beforeEach(async () => {
  db = new CareLoopDb(`wearable-import-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  patient = await new PatientRepository(db, ctx).create({ givenName: 'Ann', familyName: 'Berg', birthDate: '1950-01-01', sex: 'female', mrn: 'W-1', preferredChannel: 'phone', phone: '+1 555 0100 1111' });
});

const minute = (i: number) => `2026-11-01 ${String(7 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0100`;
const xmlOf = (hr: number, bp: number) =>
  appleExportXml([
    ...Array.from({ length: hr }, (_, i) => appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', String(60 + (i % 30)), minute(i))),
    ...Array.from({ length: bp }, (_, i) => [
      appleRecord('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', String(120 + i), minute(i), undefined, 'Cuff App'),
      appleRecord('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', String(80 + i), minute(i), undefined, 'Cuff App'),
    ]).flat(),
    appleRecord('HKQuantityTypeIdentifierActiveEnergyBurned', 'kcal', '2', minute(0)),
  ]);

const request = (importId: string) => ({ importId, patientId: patient.id, fileName: 'export.zip', format: 'apple-health' as const });

describe('storing a wearable file', () => {
  it('stores point readings as consumer-grade observations, dense ones as series, and keeps provenance', async () => {
    const zip = appleExportZip(xmlOf(120, 3), { 'ecg.csv': appleEcgCsv(Array.from({ length: 1024 }, (_, i) => i)) });
    const progress: number[] = [];
    const r = await importWearableFile(db, ctx, request('imp-1'), parseAppleHealth(chunked(zip, 512), { batchSize: 50 }), { onProgress: (p) => progress.push(p.bytesRead) });
    expect(r).toMatchObject({ outcome: 'completed', added: 120 + 6 + 1, duplicates: 0, bytesRead: zip.length });
    expect(r.skipped).toEqual([expect.objectContaining({ count: 1, reason: expect.stringContaining('ActiveEnergyBurned') })]);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const audited = (await db.audit.toArray()).filter((e) => e.action === 'import');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ entity: 'wearable-import', entityId: 'imp-1', patientId: patient.id, actor: 'Nurse Lee' });
    expect(audited[0]!.changes?.['added']?.after).toBe(127);

    const obs = await db.observations.where('patientId').equals(patient.id).toArray();
    expect(obs).toHaveLength(6);
    for (const o of obs) expect(o.source).toEqual({ kind: 'import', grade: 'consumer', sessionId: 'imp-1' });
    const first = obs.filter((o) => o.deviceTimeRaw === '2026-11-01T07:00:00');
    expect(first.map((o) => [o.metric, o.value]).sort()).toEqual([['blood-pressure-diastolic', 80], ['blood-pressure-systolic', 120]]);
    expect(first[0]!.groupId).toBe(first[1]!.groupId);

    const series = new SeriesStore(db);
    const hr = await series.readPoints(patient.id, 'heart-rate', Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 2));
    expect(hr.times).toHaveLength(120);
    expect(hr.values.slice(0, 3)).toEqual([60, 61, 62]);
    const ecg = await series.readWaveform(patient.id, 'ecg', Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 2));
    expect(ecg.reduce((s, seg) => s + seg.values.length, 0)).toBe(1024);

    const prov = (await db.meta.get(wearableImportKey('imp-1')))?.value as Record<string, unknown>;
    expect(prov).toMatchObject({ kind: 'wearable-import', status: 'completed', format: 'apple-health', fileName: 'export.zip', added: 127 });
    expect(prov.sources).toContainEqual({ app: 'Cuff App', device: 'Apple Watch (Watch6,1)' });
  });

  it('adds nothing when the same file is imported again', async () => {
    const zip = appleExportZip(xmlOf(80, 2), { 'ecg.csv': appleEcgCsv([1, 2, 3, 4]) });
    const first = await importWearableFile(db, ctx, request('a'), parseAppleHealth(chunked(zip), { batchSize: 30 }));
    const again = await importWearableFile(db, ctx, request('b'), parseAppleHealth(chunked(zip, 333), { batchSize: 17 }));
    expect(first.added).toBe(80 + 4 + 1);
    expect(again).toMatchObject({ outcome: 'completed', added: 0, duplicates: first.added });
    expect(await db.observations.count()).toBe(4);
  });

  it('leaves whole batches only when cancelled, and a re-import completes the rest', async () => {
    const zip = appleExportZip(xmlOf(200, 0));
    const signal = { aborted: false };
    const r = await importWearableFile(db, ctx, request('c'), parseAppleHealth(chunked(zip, 256), { batchSize: 40 }), {
      signal,
      onProgress: (p) => {
        if (p.added >= 80) signal.aborted = true;
      },
    });
    expect(r.outcome).toBe('cancelled');
    expect(r.added).toBe(80);
    const stored = await new SeriesStore(db).readPoints(patient.id, 'heart-rate', 0, Date.UTC(2030, 0, 1));
    expect(stored.times).toHaveLength(80);
    expect(((await db.meta.get(wearableImportKey('c')))?.value as { status: string }).status).toBe('cancelled');
    const rest = await importWearableFile(db, ctx, request('d'), parseAppleHealth(chunked(zip), { batchSize: 40 }));
    expect(rest).toMatchObject({ added: 120, duplicates: 80 });
  });

  it('reports a file cut short with its position, keeping the batches stored before it', async () => {
    const xml = strToU8(xmlOf(100, 0));
    const r = await importWearableFile(db, ctx, request('e'), parseAppleHealth(chunked(xml.subarray(0, xml.length - 500), 1000), { batchSize: 25 }));
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatchObject({ code: 'truncated' });
    expect(r.error!.position.line).toBeGreaterThan(90);
    expect(r.added % 25).toBe(0);
    expect((await new SeriesStore(db).readPoints(patient.id, 'heart-rate', 0, Date.UTC(2030, 0, 1))).times).toHaveLength(r.added);
  });

  it('stores nothing for a patient who withdrew monitoring consent', async () => {
    await recordConsent(db, ctx, { patientId: patient.id, purpose: 'monitoring', status: 'withdrawn', method: 'verbal' });
    const r = await importWearableFile(db, ctx, request('f'), parseAppleHealth(chunked(appleExportZip(xmlOf(5, 1)))));
    expect(r.outcome).toBe('refused');
    expect(r.error!.message).toMatch(/withdrawn consent/);
    expect(await db.observations.count()).toBe(0);
    expect(await db.seriesBlocks.count()).toBe(0);
  });

  it('stores a mapped CSV the same way, and a second import of it adds nothing', async () => {
    const csv = strToU8('time,metric,value,unit\n2026-11-01T07:00:00Z,systolic,131,mmHg\n2026-11-01T07:00:00Z,diastolic,84,mmHg\n2026-11-01T07:01:00Z,heart rate,66,bpm\n2026-11-01T07:02:00Z,weight,80,kg\n');
    const csvMapping = CsvMapping.parse({ delimiter: ',', time: 0, metric: { column: 1 }, value: 2, unit: { column: 3 } });
    const run = (id: string) => importWearableFile(db, ctx, { ...request(id), fileName: 'readings.csv', format: 'csv' }, parseWearableFile('csv', chunked(csv, 10), { csvMapping }));
    expect(await run('g')).toMatchObject({ outcome: 'completed', added: 4, duplicates: 0 });
    expect(await run('h')).toMatchObject({ outcome: 'completed', added: 0, duplicates: 4 });
    const obs = await db.observations.toArray();
    expect(obs.map((o) => o.metric).sort()).toEqual(['blood-pressure-diastolic', 'blood-pressure-systolic', 'body-weight']);
    expect(obs.every((o) => o.source.grade === 'consumer')).toBe(true);
  });

  it('takes a File through the engine contract and reads it from Blob.stream() in chunks', async () => {
    const zip = appleExportZip(xmlOf(30, 1));
    const file = new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
    const params = engineApi.methods['import.file'].params.safeParse({ importId: 'i-1', patientId: patient.id, file, fileName: 'export.zip', format: 'apple-health', utcOffsetMinutes: 60 });
    expect(params.success).toBe(true);
    expect(engineApi.methods['import.file'].params.safeParse({ importId: 'i-1', patientId: patient.id, file: 'not a file', fileName: 'x', format: 'apple-health' }).success).toBe(false);
    const chunks: number[] = [];
    const counted = async function* () {
      for await (const c of blobChunks(file)) {
        chunks.push(c.length);
        yield c;
      }
    };
    const r = await importWearableFile(db, ctx, request('i-1'), parseWearableFile('apple-health', counted()));
    expect(r).toMatchObject({ outcome: 'completed', added: 32, bytesRead: zip.length });
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(zip.length);
    const result = engineApi.methods['import.file'].result.safeParse(r);
    expect(result.success).toBe(true);
  });
});
