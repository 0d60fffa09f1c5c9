import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { AlertPipeline } from '../../../renderer/src/engine/alerts/pipeline';
import { baselineDefaultRules } from '../../../renderer/src/engine/rules/baseline-defaults';
import { seeded, normal } from './synthetic';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);
let n = 0;

/** A patient whose wearable export brought 45 nights of sleep; `short` nights (days back) were 4 h. */
async function importedNights(short: (daysBack: number) => boolean) {
  const db = new CareLoopDb(`baselines-imported-${n++}`);
  await db.open();
  const ctx: WriteContext = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, `wsi${n}`) };
  const patient = await new PatientRepository(db, ctx).create({ givenName: 'Ada', familyName: 'Moss', birthDate: '1960-02-02', sex: 'female', mrn: `S-${n}`, preferredChannel: 'phone', phone: '+1 555 0100 1234' });
  const pipeline = new AlertPipeline(db, async () => ctx, () => undefined, () => NOW);
  await pipeline.tick(NOW - DAY);
  const sleep = baselineDefaultRules().find((r) => r.id === 'baseline-sleep-fall')!;
  await pipeline.saveRule({ ...sleep, enabled: true });
  const rand = seeded(3);
  const times: number[] = [];
  const hours: number[] = [];
  for (let back = 45; back >= 1; back--) {
    // a night from 23:00, counted for the day it ends on
    times.push(NOW - back * DAY + 11 * 3_600_000);
    hours.push(short(back) ? 4 : 7.5 + 0.2 * normal(rand));
  }
  await new SeriesStore(db).appendPoints(patient.id, 'sleep-duration', times, hours);
  return { db, pipeline, patientId: patient.id };
}

describe('a wearable import is judged by the daily rules over the recent days', () => {
  it('opens one alert when the last nights were short', async () => {
    const { db, pipeline, patientId } = await importedNights((back) => back <= 4);
    await pipeline.judgeImported(patientId, 'imp-1', NOW - 7 * DAY);
    const alerts = (await db.alerts.toArray()).filter((a) => a.ruleId === 'baseline-sleep-fall');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.patientId).toBe(patientId);
    expect(alerts[0]!.values['baseline(sleep-duration)']).toBeCloseTo(7.5, 0);
  });

  it('leaves short nights of weeks ago alone: a history brought in at once opens no old alerts', async () => {
    const { db, pipeline, patientId } = await importedNights((back) => back >= 20 && back <= 24);
    await pipeline.judgeImported(patientId, 'imp-2', NOW - 7 * DAY);
    expect((await db.alerts.toArray()).filter((a) => a.ruleId === 'baseline-sleep-fall')).toEqual([]);
  });
});
