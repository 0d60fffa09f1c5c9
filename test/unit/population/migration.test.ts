import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { migrations } from '../../../renderer/src/db/migrations/index';
import { blockKey, type PopulationYearRow } from '../../../renderer/src/engine/population/year-block';

describe('migration 011', () => {
  it('summarises the readings stored before it', async () => {
    const name = 'population-migration';
    const old = new Dexie(name);
    for (const m of migrations.filter((x) => x.version <= 10)) old.version(m.version).stores(m.stores);
    await old.open();
    await old.table('patients').add({ id: 'p1', mrnKey: 'M1', status: 'active', sortName: 'a', searchTokens: [] });
    const t = Date.parse('2026-03-03T08:00:00Z');
    await old.table('observations').bulkAdd([
      { id: 'o1', patientId: 'p1', metric: 'blood-pressure-systolic', value: 120, unit: 'mm[Hg]', timeMs: t },
      { id: 'o2', patientId: 'p1', metric: 'blood-pressure-systolic', value: 130, unit: 'mm[Hg]', timeMs: t + 3_600_000 },
    ]);
    old.close();

    const db = new CareLoopDb(name);
    await db.open();
    const row = (await db.table<PopulationYearRow, string>('populationYears').get(blockKey('p1', 'blood-pressure-systolic', 2026)))!;
    expect(row.dayCount.reduce((a, b) => a + b, 0)).toBe(2);
    expect(Array.from(row.daySum).reduce((a, b) => a + b, 0)).toBe(250);
    db.close();
  });
});
