import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { AlertPipeline } from '../../../renderer/src/engine/alerts/pipeline';
import { storedReadings } from '../../../renderer/src/engine/baselines/stored-readings';
import { DAY0, seeded, weightDay } from './synthetic';

const DAY = 86_400_000;

describe('baselines in the alert pipeline', () => {
  it('recomputes as weights arrive and opens one alert for a heart-failure weight rise that the gain rules miss, with the explanation values', async () => {
    const db = new CareLoopDb('baselines-pipeline');
    await db.open();
    const ctx: WriteContext = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1b') };
    const patient = await new PatientRepository(db, ctx).create({
      givenName: 'Rui', familyName: 'Costa', birthDate: '1949-04-04', sex: 'male', mrn: 'B-1', preferredChannel: 'phone', phone: '+1 555 0100 9998',
      conditions: [{ display: 'Chronic heart failure', code: 'I50.9' }],
      careTeam: [{ name: 'Dr Amara Osei', role: 'physician' }],
    });
    const pipeline = new AlertPipeline(db, async () => ctx, () => undefined, () => DAY0 + 90 * DAY);
    const rand = seeded(5);
    // a small 1 kg rise over 2 weeks stays under the 2 kg / 3 days and 2.5 kg / 7 days gain rules
    for (let d = 0; d < 50; d++) {
      const r = weightDay(patient.id, d, rand, 80 + (d >= 36 ? Math.min(1.5, 0.15 * (d - 35)) : 0));
      const o: Observation = { ...r, clinicId: 'c1', patientId: patient.id, source: { kind: 'device', grade: 'clinical' }, receivedMs: r.timeMs };
      await storeObservations(db, [o]);
      await pipeline.ingest([o]);
    }
    const alerts = await db.alerts.toArray();
    expect(alerts.map((a) => a.ruleId)).toEqual(['baseline-hf-weight-drift']);
    expect(alerts[0]!.values['baseline(body-weight)']).toBeCloseTo(80, 0);
    expect(alerts[0]!.values['cusum(body-weight)']).toBeGreaterThan(6);
    expect(alerts[0]!.ruleVersion).toBe(1);
  });

  it('reads dense series points and observations once each', async () => {
    const db = new CareLoopDb('baselines-stored');
    await db.open();
    await new SeriesStore(db).appendPoints('p', 'heart-rate', [DAY0, DAY0 + 60_000], [61, 62]);
    await storeObservations(db, [{ id: 'o1', clinicId: 'c1', patientId: 'p', metric: 'heart-rate', value: 61, unit: '/min', timeMs: DAY0, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: DAY0 }]);
    const got = await storedReadings(db, 'p', 'heart-rate', DAY0, DAY0 + DAY);
    expect(got.map((r) => [r.timeMs - DAY0, r.value, r.source.grade])).toEqual([
      [0, 61, 'clinical'],
      [60_000, 62, 'consumer'],
    ]);
  });
});
