import 'fake-indexeddb/auto';
import type { Table } from 'dexie';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import { recordConsent } from '../../../renderer/src/db/consents';
import { asCrmDb, type CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { computePopulation } from '../../../renderer/src/db/population';
import { forgetPopulationCache, metricBlocks } from '../../../renderer/src/db/population-cache';
import { blockKey, type PopulationYearRow } from '../../../renderer/src/engine/population/year-block';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-15T12:00:00Z');

function bp(p: PatientRow, day: number, sys: number, dia: number): Observation[] {
  const t = NOW - day * DAY;
  const base = { clinicId: 'c1', patientId: p.id, unit: 'mm[Hg]', timeMs: t, source: { kind: 'manual' as const, grade: 'clinical' as const }, flags: [], receivedMs: t };
  return [
    { ...base, id: `${p.id}-s-${day}`, metric: 'blood-pressure-systolic', value: sys },
    { ...base, id: `${p.id}-d-${day}`, metric: 'blood-pressure-diastolic', value: dia },
  ];
}

describe('population summaries in the database', () => {
  let db: CrmDb;
  let ctx: WriteContext;
  let patients: PatientRow[];
  const summaries = () => (db as unknown as { populationYears: Table<PopulationYearRow, string> }).populationYears;

  beforeAll(async () => {
    db = asCrmDb(new CareLoopDb('population-db'));
    await db.open();
    ctx = { actor: 'Nurse Test', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1') };
    patients = await new PatientRepository(db, ctx).createMany(
      Array.from({ length: 17 }, (_, i) => ({ givenName: `Given${i}`, familyName: `Family${i}`, birthDate: '1960-04-04', sex: i % 2 ? 'female' : 'male', mrn: `T-${i}`, phone: '+1 555 0100 1234', conditions: [{ display: 'Essential hypertension', code: 'I10' }] })),
    );
    // 0–13 consent; 14 and 15 do not; 13 is restricted; 16 is erased.
    for (const p of patients.slice(0, 14)) await recordConsent(db, ctx, { patientId: p.id, purpose: 'analytics', status: 'given', method: 'written' });
    await recordConsent(db, ctx, { patientId: patients[14]!.id, purpose: 'analytics', status: 'withdrawn', method: 'written' });
    await recordConsent(db, ctx, { patientId: patients[16]!.id, purpose: 'analytics', status: 'given', method: 'written' });
    await db.patients.update(patients[13]!.id, { restriction: { ground: 'accuracy-contested', by: 'Test', atMs: NOW } } as never);
    await db.patients.update(patients[16]!.id, { erasedMs: NOW } as never);
    for (const p of patients) {
      const readings = Array.from({ length: 20 }, (_, d) => bp(p, d, 120, 70)).flat();
      await db.transaction('rw', db.observations, () => storeObservations(db, readings));
    }
  });

  it('keeps a summary beside every stored reading, and a repeated download adds nothing', async () => {
    const key = blockKey(patients[0]!.id, 'blood-pressure-systolic', 2026);
    const before = (await summaries().get(key))!;
    expect(before.dayCount.reduce((a, b) => a + b, 0)).toBe(20);
    const again = await db.transaction('rw', db.observations, () => storeObservations(db, bp(patients[0]!, 0, 120, 70)));
    expect(again.added).toBe(0);
    expect((await summaries().get(key))!.dayCount.reduce((a, b) => a + b, 0)).toBe(20);
    await db.transaction('rw', db.observations, () => storeObservations(db, bp(patients[0]!, 40, 150, 90)));
    const after = (await summaries().get(key))!;
    expect(after.dayCount.reduce((a, b) => a + b, 0)).toBe(21);
    expect(after.daySum.reduce((a, b) => a + b, 0)).toBe(20 * 120 + 150);
  });

  it('rebuilds the touched summaries when readings are deleted', async () => {
    const p = patients[1]!;
    await db.observations.bulkDelete([`${p.id}-s-0`, `${p.id}-s-1`]);
    const row = (await summaries().get(blockKey(p.id, 'blood-pressure-systolic', 2026)))!;
    expect(row.dayCount.reduce((a, b) => a + b, 0)).toBe(18);
    const any = (await summaries().get(blockKey(p.id, 'any-reading', 2026)))!;
    expect(any.dayCount.reduce((a, b) => a + b, 0)).toBe(38);
    await db.observations.where('[patientId+timeMs]').between([p.id, -Infinity], [p.id, Infinity]).delete();
    expect(await summaries().get(blockKey(p.id, 'blood-pressure-systolic', 2026))).toBeUndefined();
  });

  it('counts only patients with analytics consent, not restricted, not erased; the left-out count is suppressed under 11', async () => {
    const view = await computePopulation(db, { nowMs: NOW, metric: 'blood-pressure-systolic', groupBy: 'all', sections: ['distribution', 'control', 'adherence'] });
    expect(view.included).toEqual({ suppressed: false, value: 13 });
    expect(view.leftOut.total).toEqual({ suppressed: true });
    expect(view.leftOut.noConsent).toEqual({ suppressed: true });
    const all = view.groups[0]!;
    // Patient 1's readings were all deleted: 12 measured, all at 120 (patient 0's older 150 is outside 30 days).
    expect(all.measured).toEqual({ suppressed: false, value: 12 });
    expect(all.median).toBe(120);
    expect(all.bpControl.at(-1)!.measured).toEqual({ suppressed: false, value: 12 });
  });
});

describe('the clinic-wide cache of the summaries', () => {
  it('is built on first use and follows readings stored after it, in memory and when read back', async () => {
    const db = asCrmDb(new CareLoopDb('population-cache'));
    await db.open();
    const ctx: WriteContext = { actor: 'Nurse Test', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1') };
    const [a, b] = await new PatientRepository(db, ctx).createMany(['A', 'B'].map((x, i) => ({ givenName: x, familyName: 'Cache', birthDate: '1960-04-04', sex: 'female', mrn: `CA-${i}`, phone: '+1 555 0100 1234' })));
    await db.transaction('rw', db.observations, () => storeObservations(db, [...bp(a!, 0, 120, 70), ...bp(a!, 1, 120, 70)]));
    const total = (m: Map<string, Map<number, PopulationYearRow>>, id: string) => m.get(id)?.get(2026)?.dayCount.reduce((x, y) => x + y, 0) ?? 0;
    const first = await metricBlocks(db, 'blood-pressure-systolic', [2026]);
    expect(total(first, a!.id)).toBe(2);
    expect(await db.table('populationCache').count()).toBe(1);
    // Stored after the cache was built: seen through the watermark, in memory and from the stored row.
    await db.transaction('rw', db.observations, () => storeObservations(db, [...bp(a!, 2, 130, 70), ...bp(b!, 0, 140, 80)]));
    const second = await metricBlocks(db, 'blood-pressure-systolic', [2026]);
    expect(total(second, a!.id)).toBe(3);
    expect(total(second, b!.id)).toBe(1);
    forgetPopulationCache(db);
    const third = await metricBlocks(db, 'blood-pressure-systolic', [2026]);
    expect(total(third, a!.id)).toBe(3);
    expect(Array.from(third.get(b!.id)!.get(2026)!.daySum).reduce((x, y) => x + y, 0)).toBe(140);
    // Erasure deletes a patient's blocks: no packed copy of them may outlive them.
    await db.table('populationYears').where('patientId').equals(b!.id).delete();
    expect(await db.table('populationCache').count()).toBe(0);
    const fourth = await metricBlocks(db, 'blood-pressure-systolic', [2026]);
    expect(fourth.has(b!.id)).toBe(false);
    expect(total(fourth, a!.id)).toBe(3);
  });
});

describe('population summaries of readings written by put (sync pages)', () => {
  it('adds new readings and rebuilds on a put over stored ones', async () => {
    const db = asCrmDb(new CareLoopDb('population-db-put'));
    await db.open();
    const ctx: WriteContext = { actor: 'Nurse Test', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1') };
    const [p] = await new PatientRepository(db, ctx).createMany([{ givenName: 'Ann', familyName: 'Put', birthDate: '1960-04-04', sex: 'female', mrn: 'PUT-1', phone: '+1 555 0100 1234' }]);
    const table = (db as unknown as { populationYears: Table<PopulationYearRow, string> }).populationYears;
    const key = blockKey(p!.id, 'blood-pressure-systolic', 2026);
    await db.observations.bulkPut([...bp(p!, 0, 120, 70), ...bp(p!, 1, 130, 70)]);
    expect(Array.from((await table.get(key))!.daySum).reduce((a, b) => a + b, 0)).toBe(250);
    // The same reading put again with another value: the block is rebuilt, not added to.
    await db.observations.bulkPut(bp(p!, 0, 140, 70));
    expect(Array.from((await table.get(key))!.daySum).reduce((a, b) => a + b, 0)).toBe(270);
    expect((await table.get(key))!.dayCount.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
