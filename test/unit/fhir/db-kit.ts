import 'fake-indexeddb/auto';
import type { Resource } from '@medplum/fhirtypes';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { ensureScheduleDefaults } from '../../../renderer/src/db/schedule';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import type { Observation } from '../../../common/readings/observation';
import type { PatientInput } from '../../../common/patient/patient';
import { exportFhirBundle, type FhirExportOptions } from '../../../renderer/src/db/fhir-export';

let n = 0;

export interface Clinic {
  db: CareLoopDb;
  ctx: WriteContext;
}

export async function openClinic(prefix: string, clinicId = 'clinic-a'): Promise<Clinic> {
  const db = new CareLoopDb(`fhir-${prefix}-${n++}`);
  await db.open();
  const ctx: WriteContext = { actor: 'Nurse Jordan Lee', workstation: 'ws1', clinicId, clock: await openClock(db, `ws${n}`) };
  return { db, ctx };
}

export const RUTH: PatientInput = {
  givenName: 'Ruth', familyName: 'Okafor', birthDate: '1951-05-04', sex: 'female', mrn: 'RO-1001', phone: '+1 555 0100 7777',
  identifiers: [{ system: 'NHS', value: '943 476 5919' }], address: { city: 'Springfield', postalCode: '62701' }, tags: ['remote-monitoring'],
};
export const TOMAS: PatientInput = { givenName: 'Tomás', familyName: 'Reyes', birthDate: '1967-09-30', sex: 'male', mrn: 'TR-2002', email: 'tomas@example.org', preferredChannel: 'email' };
export const ANA: PatientInput = { givenName: 'Ana', familyName: 'Silva', preferredName: 'Nina', birthDate: '1988-02-14', sex: 'other', mrn: 'AS-3003', phone: '+351 21 000 0000', preferredLanguage: 'pt-PT' };

export const T0 = Date.UTC(2026, 10, 20, 7, 0);

export function pointReadings(p: PatientRow, day: number): Observation[] {
  const t = T0 + day * 86_400_000;
  const mk = (metric: Observation['metric'], value: number, unit: string, at: number, extra: Partial<Observation> = {}): Observation => ({
    id: `SN-${p.mrn}:${metric}:${at}`, clinicId: p.clinicId, patientId: p.id, metric, value, unit, timeMs: at,
    source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: at + 1000, ...extra,
  });
  const group = `SN-${p.mrn}:bp:${t}`;
  return [
    mk('blood-pressure-systolic', 128 + day, 'mm[Hg]', t, { groupId: group }),
    mk('blood-pressure-diastolic', 82, 'mm[Hg]', t, { groupId: group }),
    mk('pulse-rate', 66, '/min', t, { groupId: group }),
    mk('glucose', 112.5, 'mg/dL', t + 600_000),
    mk('body-weight', 81.3, 'kg', t + 1_200_000, { source: { kind: 'device', grade: 'consumer' }, flags: ['validated'] }),
    mk('spo2', 96, '%', t + 1_800_000),
  ];
}

/** A small clinic: three patients with point readings, minute heart rate and an ECG strip. */
export async function seedClinic(c: Clinic): Promise<PatientRow[]> {
  const patients = await new PatientRepository(c.db, c.ctx).createMany([RUTH, TOMAS, ANA]);
  await ensureScheduleDefaults(c.db, c.ctx, [{ name: 'Dr Amara Singh', role: 'physician' }]);
  for (const p of patients) await storeObservations(c.db, [...pointReadings(p, 0), ...pointReadings(p, 1)]);
  const series = new SeriesStore(c.db);
  const minutes = [0, 1, 2, 3, 7, 8, 9].map((m) => T0 + m * 60_000);
  await series.appendPoints(patients[0]!.id, 'heart-rate', minutes, [61, 62, 64.5, 63, 70, 72.25, 69]);
  await series.appendWaveform(patients[0]!.id, 'ecg', T0, 130, Float32Array.from({ length: 130 * 3 }, (_, i) => Math.round(Math.sin(i / 5) * 800) / 4));
  return patients;
}

export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

export async function exportBundleText(c: Clinic, o: Partial<FhirExportOptions> = {}): Promise<string> {
  return collect(exportFhirBundle(c.db, c.ctx, { kind: 'collection', recipient: { kind: 'patient' }, clinicName: 'Riverside Clinic', ...o }));
}

export function resourcesOf(bundleText: string): Resource[] {
  return (JSON.parse(bundleText) as { entry: { resource: Resource }[] }).entry.map((e) => e.resource);
}
