import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { currentPeriod, DEFAULT_RPM_RULES, RpmRuleTableError } from '../../../common/billing/rpm';
import type { Observation } from '../../../common/readings/observation';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { endEnrolment, enrol, ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { loadRpmRules, readingDayStrip, rpmWorklist, saveRpmRules } from '../../../renderer/src/db/rpm-worklist';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { logTime } from '../../../renderer/src/db/time-log';
import { openCrmFixture, type CrmFixture } from './crm-test-db';

const DAY = 86_400_000;
const H = 3_600_000;
const ZONE = 'America/Chicago';
// Enrolled 10:00 local on 1 March 2026 (UTC-6); the first period is 1–30 March, local days.
const START = Date.parse('2026-03-01T16:00:00Z');
let f: CrmFixture;

const obs = (patientId: string, t: number, metric: Observation['metric'] = 'blood-pressure-systolic'): Observation => ({
  id: `o:${patientId}:${metric}:${t}`, clinicId: 'c1', patientId, metric, value: 130, unit: 'mm[Hg]', timeMs: t, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: t,
});
const filledDays = (strip: boolean[]) => strip.map((v, i) => (v ? i + 1 : 0)).filter(Boolean);

beforeEach(async () => {
  f = await openCrmFixture('rpm');
  await ensureDefaultPrograms(f.db, f.ctx);
});

async function enrolHypertension(patientId: string, startMs = START) {
  const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
  return enrol(f.db, f.ctx, { patientId, programId: htn.id, startMs, reason: 'home BP' });
}

describe('days with readings from observations and dense series', () => {
  it('counts distinct local days of point readings inside the period only', async () => {
    const p = currentPeriod(START, Date.parse('2026-03-20T18:00:00Z'), ZONE);
    await f.db.transaction('rw', f.db.observations, () =>
      storeObservations(f.db, [
        obs(f.patient.id, Date.parse('2026-03-01T05:59:00Z')), // 23:59 on 28 Feb local: before the period
        obs(f.patient.id, Date.parse('2026-03-01T06:00:00Z')), // 00:00 on 1 March: day 1
        obs(f.patient.id, Date.parse('2026-03-01T13:00:00Z'), 'blood-pressure-diastolic'), // day 1 again, other metric
        obs(f.patient.id, Date.parse('2026-03-03T04:00:00Z')), // 22:00 on 2 March local: day 2 (UTC says 3rd)
        obs(f.patient.id, Date.parse('2026-03-09T05:30:00Z')), // 00:30 CDT on 9 March (after the DST switch): day 9
        obs(f.patient.id, Date.parse('2026-03-31T04:59:00Z')), // 23:59 CDT on 30 March: day 30
        obs(f.patient.id, Date.parse('2026-03-31T05:00:00Z')), // 00:00 on 31 March: the next period
        obs('someone-else', Date.parse('2026-03-05T15:00:00Z')),
      ]),
    );
    expect(filledDays(await readingDayStrip(f.db, f.patient.id, p))).toEqual([1, 2, 9, 30]);
  });

  it('counts a wearable’s minute heart rate from series blocks, split at local midnight', async () => {
    const p = currentPeriod(START, Date.parse('2026-03-20T18:00:00Z'), ZONE);
    // 04:00–06:59 UTC on 5 March = 22:00–00:59 local on 4–5 March: days 4 and 5.
    const times = Array.from({ length: 180 }, (_, i) => Date.parse('2026-03-05T04:00:00Z') + i * 60_000);
    await new SeriesStore(f.db).appendPoints(f.patient.id, 'heart-rate', times, times.map(() => 70));
    // A 10-second ECG block at noon UTC on 12 March (06:00 local): day 12.
    await new SeriesStore(f.db).appendWaveform(f.patient.id, 'ecg', Date.parse('2026-03-12T12:00:00Z'), 250, new Float32Array(2500));
    expect(filledDays(await readingDayStrip(f.db, f.patient.id, p))).toEqual([4, 5, 12]);
    // A waveform block that starts at UTC midnight looks like a day block from its key, is read, and marks only its own day.
    await new SeriesStore(f.db).appendWaveform(f.patient.id, 'ecg', Date.parse('2026-03-15T00:00:00Z'), 250, new Float32Array(2500));
    expect(filledDays(await readingDayStrip(f.db, f.patient.id, p))).toEqual([4, 5, 12, 14]);
    // In UTC the same samples are one day (5 March = day 5, since UTC enrolment day is 1 March).
    const pUtc = currentPeriod(START, Date.parse('2026-03-20T18:00:00Z'), 'UTC');
    expect(filledDays(await readingDayStrip(f.db, f.patient.id, pUtc))).toEqual([5, 12, 15]);
  });

  it('adds point readings and series without counting a day twice', async () => {
    const p = currentPeriod(START, Date.parse('2026-03-20T18:00:00Z'), 'UTC');
    await f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, [obs(f.patient.id, Date.parse('2026-03-02T08:00:00Z'))]));
    const t = [Date.parse('2026-03-02T09:00:00Z'), Date.parse('2026-03-03T09:00:00Z'), Date.parse('2026-04-02T09:00:00Z')];
    await new SeriesStore(f.db).appendPoints(f.patient.id, 'heart-rate', t, [60, 61, 62]);
    expect(filledDays(await readingDayStrip(f.db, f.patient.id, p))).toEqual([2, 3]);
  });
});

describe('the remote-monitoring worklist', () => {
  it('shows each enrolled patient’s days this period, minutes this month and the codes met', async () => {
    await enrolHypertension(f.patient.id);
    // Readings on 17 distinct local days of the first period.
    const readings: Observation[] = [];
    for (let d = 0; d < 17; d++) readings.push(obs(f.patient.id, START + d * DAY + 2 * H), obs(f.patient.id, START + d * DAY + 10 * H));
    await f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, readings));
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'Nurse Jordan Lee', minutes: 12, date: '2026-03-18', activity: 'data-review' });
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'Nurse Jordan Lee', minutes: 10, date: '2026-03-19', activity: 'interactive-call' });
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'Nurse Jordan Lee', minutes: 30, date: '2026-02-27', activity: 'interactive-call' });

    const [row] = await rpmWorklist(f.db, { nowMs: Date.parse('2026-03-20T18:00:00Z'), zone: ZONE });
    expect(row!.programs.map((p) => p.key)).toEqual(['hypertension']);
    const s = row!.summary!;
    expect(s.period.firstDay).toBe('2026-03-01');
    expect(s.daysWithReadings).toBe(17);
    expect(s.strip.filter(Boolean)).toHaveLength(17);
    expect(s.month).toEqual({ month: '2026-03', minutes: 22, interactiveContacts: 1 });
    expect(s.standing.met.map((m) => m.code)).toEqual(['99454', '99457']);
    expect(s.standing.next).toEqual([expect.objectContaining({ code: '99458', text: '18 more minutes' })]);
  });

  it('rolls to a new period and a new month: counts restart at their own boundaries', async () => {
    await enrolHypertension(f.patient.id);
    const readings = [0, 1, 2, 28, 29, 30, 31].map((d) => obs(f.patient.id, START + d * DAY));
    await f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, readings));
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'N', minutes: 25, date: '2026-03-31', activity: 'video-visit' });
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'N', minutes: 11, date: '2026-04-01', activity: 'interactive-call' });
    // 18:00 local on 31 March: period 2 has started (31 March, 1 April so far), month is still March.
    const march31 = (await rpmWorklist(f.db, { nowMs: Date.parse('2026-03-31T23:00:00Z'), zone: ZONE }))[0]!.summary!;
    expect(march31.period).toMatchObject({ index: 1, firstDay: '2026-03-31', dayIndex: 0 });
    expect(march31.daysWithReadings).toBe(2);
    expect(march31.month.minutes).toBe(25);
    // 02:00 UTC on 1 April is 21:00 on 31 March in Chicago: still March's minutes.
    expect((await rpmWorklist(f.db, { nowMs: Date.parse('2026-04-01T02:00:00Z'), zone: ZONE }))[0]!.summary!.month.minutes).toBe(25);
    const april1 = (await rpmWorklist(f.db, { nowMs: Date.parse('2026-04-01T15:00:00Z'), zone: ZONE }))[0]!.summary!;
    expect(april1.month).toEqual({ month: '2026-04', minutes: 11, interactiveContacts: 1 });
    expect(april1.standing.met.map((m) => m.code)).toEqual(['99445', '99470']);
  });

  it('lists only active enrolments of active patients, fewest days first, a future start last', async () => {
    const repo = new PatientRepository(f.db, f.ctx);
    const second = await repo.create({ givenName: 'Bo', familyName: 'Adams', birthDate: '1950-01-01', sex: 'male', mrn: 'RPM-2', phone: '+1 555 0100 1234' });
    const third = await repo.create({ givenName: 'Cy', familyName: 'Diaz', birthDate: '1950-01-01', sex: 'male', mrn: 'RPM-3', phone: '+1 555 0100 1235' });
    const future = await repo.create({ givenName: 'Di', familyName: 'Eto', birthDate: '1950-01-01', sex: 'female', mrn: 'RPM-4', phone: '+1 555 0100 1236' });
    await enrolHypertension(f.patient.id);
    await enrolHypertension(second.id);
    const ended = await enrolHypertension(third.id);
    await endEnrolment(f.db, f.ctx, ended.id, { endMs: START + DAY, reason: 'moved away' });
    await enrolHypertension(future.id, Date.parse('2026-05-01T15:00:00Z'));
    await f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, [obs(f.patient.id, START + DAY), obs(f.patient.id, START + 2 * DAY)]));
    const rows = await rpmWorklist(f.db, { nowMs: Date.parse('2026-03-20T18:00:00Z'), zone: ZONE });
    expect(rows.map((r) => `${r.patient.familyName}:${r.summary?.daysWithReadings ?? 'not started'}`)).toEqual(['Adams:0', 'Okafor:2', 'Eto:not started']);
  });

  it('counts each patient’s own series blocks when many patients are read together', async () => {
    const other = await new PatientRepository(f.db, f.ctx).create({ givenName: 'Ed', familyName: 'Fox', birthDate: '1950-01-01', sex: 'male', mrn: 'RPM-5', phone: '+1 555 0100 1237' });
    await enrolHypertension(f.patient.id);
    await enrolHypertension(other.id, START + 2 * DAY);
    const series = new SeriesStore(f.db);
    const minutes = (fromIso: string, n: number) => Array.from({ length: n }, (_, i) => Date.parse(fromIso) + i * 60_000);
    const a = minutes('2026-03-04T12:00:00Z', 60); // day 4 for Okafor
    const b = [...minutes('2026-03-06T04:00:00Z', 180), ...minutes('2026-03-09T12:00:00Z', 10)]; // 5–6 March local and 9 March: Fox's days 3, 4 and 7
    await series.appendPoints(f.patient.id, 'heart-rate', a, a.map(() => 70));
    await series.appendPoints(other.id, 'spo2', b, b.map(() => 97));
    const rows = await rpmWorklist(f.db, { nowMs: Date.parse('2026-03-20T18:00:00Z'), zone: ZONE });
    const days = Object.fromEntries(rows.map((r) => [r.patient.familyName, filledDays(r.summary!.strip)]));
    expect(days).toEqual({ Okafor: [4], Fox: [3, 4, 7] });
  });

  it('updates a live query of the worklist when time is logged', async () => {
    await enrolHypertension(f.patient.id);
    const seen: number[] = [];
    const nowMs = Date.parse('2026-03-20T18:00:00Z');
    let resolveSecond: () => void = () => undefined;
    const second = new Promise<void>((r) => (resolveSecond = r));
    const sub = liveQuery(() => rpmWorklist(f.db, { nowMs, zone: ZONE })).subscribe({
      next: (rows) => {
        seen.push(rows[0]!.summary!.month.minutes);
        if (seen.length === 2) resolveSecond();
      },
    });
    await vi.waitFor(() => expect(seen).toEqual([0]));
    await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'N', minutes: 12, date: '2026-03-20', activity: 'data-review' });
    await second;
    sub.unsubscribe();
    expect(seen).toEqual([0, 12]);
  });

  it('uses the clinic’s edited rule table, validated and audited', async () => {
    expect(await loadRpmRules(f.db)).toEqual(DEFAULT_RPM_RULES);
    const noNewCodes = DEFAULT_RPM_RULES.filter((r) => r.code !== '99445' && r.code !== '99470');
    await saveRpmRules(f.db, f.ctx, noNewCodes);
    await expect(saveRpmRules(f.db, f.ctx, [{ code: 'x' }])).rejects.toBeInstanceOf(RpmRuleTableError);
    expect((await loadRpmRules(f.db)).map((r) => r.code)).toEqual(['99454', '99457', '99458']);
    expect(await f.db.audit.where('action').equals('billing-rules.update').count()).toBe(1);
    await enrolHypertension(f.patient.id);
    await f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, [obs(f.patient.id, START + DAY), obs(f.patient.id, START + 2 * DAY)]));
    const [row] = await rpmWorklist(f.db, { nowMs: Date.parse('2026-03-20T18:00:00Z'), zone: ZONE });
    expect(row!.summary!.standing.met).toEqual([]);
    expect(row!.summary!.standing.next[0]).toMatchObject({ code: '99454', remaining: 14 });
  });
});
