import { zipSync, strToU8 } from 'fflate';
import type { ImportBatch, ImportedPoint, ImportedWaveform, SkipTally } from '../../../common/imports/types';

/** Feeds bytes in chunks of `size`, as Blob.stream() would. */
export async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface Collected {
  points: ImportedPoint[];
  waveforms: ImportedWaveform[];
  skipped: Map<string, SkipTally>;
  sources: { app?: string; device?: string }[];
  batches: number;
  lastBytes: number;
}

export async function collect(batches: AsyncIterable<ImportBatch>): Promise<Collected> {
  const out: Collected = { points: [], waveforms: [], skipped: new Map(), sources: [], batches: 0, lastBytes: 0 };
  for await (const b of batches) {
    out.batches++;
    out.lastBytes = b.bytesRead;
    for (const r of b.readings) (r.kind === 'point' ? out.points : out.waveforms).push(r as never);
    for (const s of b.skipped) {
      const t = out.skipped.get(s.reason);
      if (t) t.count += s.count;
      else out.skipped.set(s.reason, { ...s });
    }
    out.sources.push(...b.sources);
  }
  return out;
}

const DEVICE = '&lt;&lt;HKDevice: 0x283b5c0a0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1&gt;';

/** A synthetic export.xml in Apple's layout (DOCTYPE with an internal subset, HealthData root). */
export function appleExportXml(records: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE HealthData [',
    '<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>',
    '<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED>',
    ']>',
    '<HealthData locale="en_US">',
    ' <ExportDate value="2026-11-20 10:00:00 +0000"/>',
    ' <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>',
    ...records,
    '</HealthData>',
    '',
  ].join('\n');
}

export function appleRecord(type: string, unit: string, value: string, start: string, end = start, source = 'Test Watch'): string {
  return ` <Record type="${type}" sourceName="${source}" sourceVersion="9.1" device="${DEVICE}" unit="${unit}" creationDate="${end}" startDate="${start}" endDate="${end}" value="${value}"/>`;
}

/** Apple's ECG CSV: personal header lines (synthetic), then µV samples at 512 Hz. */
export function appleEcgCsv(samples: number[], recorded = '2026-11-01 08:30:00 +0100'): string {
  return [
    'Name,Test Person',
    'Date of Birth,"Jan 1, 1950"',
    `Recorded Date,${recorded}`,
    'Classification,Sinus Rhythm',
    'Symptoms,',
    'Software Version,2',
    'Device,"Watch6,1"',
    'Sample Rate,512 hertz',
    '',
    'Lead,Lead I',
    'Unit,µV',
    '',
    ...samples.map((s) => s.toFixed(3)),
    '',
  ].join('\n');
}

export function appleExportZip(xml: string, ecgs: Record<string, string> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { 'apple_health_export/export.xml': strToU8(xml), 'apple_health_export/export_cda.xml': strToU8('<ClinicalDocument/>') };
  for (const [name, csv] of Object.entries(ecgs)) files[`apple_health_export/electrocardiograms/${name}`] = strToU8(csv);
  return zipSync(files, { level: 6 });
}
