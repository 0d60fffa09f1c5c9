import type { Observation } from '../../../common/readings/observation';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { emptyRollup } from '../../../renderer/src/db/series/rollup-math';
import { saveWorkstation } from '../../../renderer/src/db/workstation';

/** Argon2id at its cheapest: the tests exercise the format, not the key stretching. */
export const FAST_KDF = { memoryKiB: 8, iterations: 1, parallelism: 1 };
export const PASSPHRASE = 'correct horse battery staple';

let n = 0;
export function freshDbName(): string {
  return `backup-test-${Date.now()}-${n++}`;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream) parts.push(p);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Feeds bytes in uneven pieces, as a file stream would. */
export async function* pieces(bytes: Uint8Array, size = 777): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** A small clinic: patients (with their audit chain and outbox), point readings, series blocks and rollups with typed arrays. */
export async function populatedDb(patients = 6): Promise<CareLoopDb> {
  const db = new CareLoopDb(freshDbName());
  await db.open();
  const ws = await saveWorkstation(db, { clinicName: 'Test Clinic', staffName: 'Nurse Test', staffRole: 'nurse', start: 'empty' });
  const repo = new PatientRepository(db, { actor: 'Nurse Test', workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, 'ws1u') });
  const ids: string[] = [];
  for (let i = 0; i < patients; i++) {
    const p = await repo.create({ givenName: `Given${i}`, familyName: `Family${i}`, birthDate: '1950-01-0' + ((i % 9) + 1), sex: i % 2 ? 'female' : 'male', mrn: `MRN-${1000 + i}`, phone: '+44 20 7946 00' + String(10 + i), preferredChannel: 'sms' });
    ids.push(p.id);
  }
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const observations: Observation[] = ids.flatMap((patientId, pi) =>
    Array.from({ length: 8 }, (_, k) => ({
      id: `obs-${pi}-${k}`,
      clinicId: ws.clinicId,
      patientId,
      metric: 'heart-rate' as Observation['metric'],
      value: 60 + k + pi / 10,
      unit: '/min',
      timeMs: t0 + k * 60_000,
      source: { kind: 'device' as const, grade: 'clinical' as const },
      flags: [],
      receivedMs: t0 + k * 60_000 + 5,
    })),
  );
  await db.observations.bulkAdd(observations);
  await db.seriesBlocks.bulkAdd(
    ids.slice(0, 3).map((patientId, i) => ({
      key: `${patientId}|ecg|${t0}`,
      patientId,
      metric: 'ecg',
      kind: 'waveform' as const,
      startMs: t0,
      segments: [{ startMs: t0, fs: 500, values: Float32Array.from({ length: 1000 }, (_, k) => Math.sin(k / 20) + i) }],
      sampleCount: 1000,
    })),
  );
  await db.seriesBlocks.add({
    key: `${ids[0]}|heart-rate|${t0}`,
    patientId: ids[0]!,
    metric: 'heart-rate',
    kind: 'points',
    startMs: t0,
    times: Float64Array.from({ length: 60 }, (_, k) => t0 + k * 60_000 + 0.25),
    values: Float32Array.from({ length: 60 }, (_, k) => 70 + Math.cos(k)),
    sampleCount: 60,
  });
  const rollup = emptyRollup('hour');
  rollup.count[3] = 2;
  rollup.min[3] = 61.5;
  rollup.max[3] = 88.25;
  rollup.sum[3] = 149.75;
  await db.rollups.add({ key: `${ids[0]}|heart-rate|hour|${t0}`, patientId: ids[0]!, metric: 'heart-rate', resolution: 'hour', startMs: t0, ...rollup });
  return db;
}
