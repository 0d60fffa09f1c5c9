import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../../common/readings/observation';
import type { StoredAlert } from '../../../renderer/src/db/alerts';
import { loadMonthlyReport, recordReportDisclosure, reportFileName } from '../../../renderer/src/db/monthly-report';
import { storeObservations } from '../../../renderer/src/db/observations';
import { enrol, ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { TaskRepository } from '../../../renderer/src/db/tasks';
import { logTime } from '../../../renderer/src/db/time-log';
import { MonthlyReportInputError } from '../../../renderer/src/engine/insights/monthly-report/month';
import { openCrmFixture, type CrmFixture } from '../crm/crm-test-db';

const ZONE = 'America/Chicago';
const MIN = 60_000;
const DAY = 86_400_000;
// Clocks go forward on 8 March 2026 in Chicago: March runs 06:00 UTC on the 1st to 05:00 UTC on 1 April.
const MARCH_START = Date.parse('2026-03-01T06:00:00Z');
const MARCH_END = Date.parse('2026-04-01T05:00:00Z');
const NOW = Date.parse('2026-04-10T15:00:00Z');
let f: CrmFixture;

const obs = (metric: Observation['metric'], value: number, t: number, extra: Partial<Observation> = {}): Observation => ({
  id: `o:${f.patient.id}:${metric}:${t}`, clinicId: 'c1', patientId: f.patient.id, metric, value, unit: metric === 'glucose' ? 'mg/dL' : 'mm[Hg]', timeMs: t, source: { kind: 'device', grade: 'clinical' }, flags: [], receivedMs: t, ...extra,
});
const bp = (t: number, sys: number, dia: number) => [obs('blood-pressure-systolic', sys, t, { groupId: `g${t}` }), obs('blood-pressure-diastolic', dia, t, { groupId: `g${t}` })];
const store = (rows: Observation[]) => f.db.transaction('rw', f.db.observations, () => storeObservations(f.db, rows));

function alert(i: number, openedAtMs: number, o: { ack?: number; resolved?: number } = {}): StoredAlert {
  return {
    id: `alert-${i}`, alertKey: `r${i}|${f.patient.id}|${openedAtMs}`, clinicId: 'c1', patientId: f.patient.id, ruleId: `r${i}`, ruleVersion: 1, ruleName: `Rule ${i}`, priority: 'high',
    status: o.resolved ? 'resolved' : o.ack ? 'acknowledged' : 'open', openedAtMs, readingIds: [], values: {}, assignee: null, escalationLevel: 0, awaitingSinceMs: openedAtMs,
    acknowledgedBy: o.ack ? 'Nurse Jordan Lee' : null, acknowledgedAtMs: o.ack ?? null, snoozedUntilMs: null, snoozeReason: null, resolvedBy: o.resolved ? 'Dr Amara Singh' : null, resolvedAtMs: o.resolved ?? null, resolutionNote: null,
    conditionCleared: false, refireCount: 0, lastRefireAtMs: null, deleted: false, stamps: {}, createdAt: '', updatedAt: '',
  };
}

beforeEach(async () => {
  f = await openCrmFixture('monthly-report');
  await ensureDefaultPrograms(f.db, f.ctx);
});

describe('gathering a patient’s month from the database', () => {
  it('counts days with readings, minutes and alerts at the month’s edges in the clinic zone across the DST change', async () => {
    const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
    await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: Date.parse('2026-02-10T16:00:00Z'), reason: 'home BP' });
    await store([
      ...bp(MARCH_START - MIN, 150, 95), // 23:59 on 28 February local: not March
      ...bp(MARCH_START, 128, 82), // 00:00 on 1 March: day 1
      ...bp(Date.parse('2026-03-09T05:30:00Z'), 131, 84), // 00:30 CDT on 9 March (UTC-6 would say the 8th): day 9
      ...bp(MARCH_END - MIN, 126, 79), // 23:59 CDT on 31 March: day 31
      ...bp(MARCH_END, 170, 100), // 00:00 on 1 April: not March
      obs('blood-pressure-systolic', 125, Date.parse('2026-03-20T13:00:00Z')), // unpaired: counted in the table, not in BP averages
    ]);
    // A wearable's minute heart rate on 14 March 23:58–00:02 local (CDT): days 14 and 15. An ECG strip on 20 March.
    const hr = Array.from({ length: 5 }, (_, i) => Date.parse('2026-03-15T04:58:00Z') + i * MIN);
    await new SeriesStore(f.db).appendPoints(f.patient.id, 'heart-rate', hr, [70, 72, 74, 71, 69]);
    await new SeriesStore(f.db).appendWaveform(f.patient.id, 'ecg', Date.parse('2026-03-20T15:00:00Z'), 250, new Float32Array(250 * 30));

    for (const [date, minutes, staffName, activity] of [
      ['2026-02-28', 30, 'Nurse Jordan Lee', 'data-review'],
      ['2026-03-01', 12, 'Nurse Jordan Lee', 'data-review'],
      ['2026-03-31', 9, 'Dr Amara Singh', 'interactive-call'],
      ['2026-04-01', 25, 'Dr Amara Singh', 'data-review'],
    ] as const) {
      await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName, minutes, date, activity });
    }

    await f.db.alerts.bulkAdd([
      alert(1, MARCH_START - MIN, { ack: MARCH_START + 30 * MIN, resolved: MARCH_END }), // opened in February, acknowledged in March, resolved in April
      alert(2, MARCH_END - MIN, { ack: MARCH_END + MIN }), // raised on 31 March local, acknowledged in April
      alert(3, MARCH_END), // April
      alert(4, MARCH_START - 5 * DAY, { ack: MARCH_START - 4 * DAY, resolved: MARCH_START - 3 * DAY }), // all in February
    ]);

    const tasks = new TaskRepository(f.db, f.ctx);
    const done = await tasks.create({ patientId: f.patient.id, title: 'Call about the evening readings', assigneeStaffId: f.nurseId, dueMs: MARCH_START + 2 * DAY });
    const late = await tasks.create({ patientId: f.patient.id, title: 'Review April', assigneeStaffId: f.nurseId, dueMs: MARCH_END + DAY });
    await tasks.create({ patientId: f.patient.id, title: 'Still open', assigneeStaffId: f.nurseId, dueMs: MARCH_START + 3 * DAY });
    await f.db.tasks.update(done.id, { status: 'done', completedMs: MARCH_END - 2 * 60 * MIN });
    await f.db.tasks.update(late.id, { status: 'done', completedMs: MARCH_END + MIN });

    const loaded = await loadMonthlyReport(f.db, f.patient.id, '2026-03', { zone: ZONE, nowMs: NOW });
    const r = loaded!.report;
    expect(loaded!.patient.mrn).toBe('CRM-1');
    expect(r.partial).toBe(false);
    expect(r.days.strip.map((v, i) => (v ? i + 1 : 0)).filter(Boolean)).toEqual([1, 9, 14, 15, 20, 31]);
    expect(r.days).toMatchObject({ count: 6, threshold: 16, met: false, firstDay: '2026-03-01' });

    const systolic = r.metrics.find((m) => m.metric === 'blood-pressure-systolic')!;
    expect(systolic).toMatchObject({ count: 4, min: 125, max: 131, median: 127, consumerCount: 0 });
    expect(r.metrics.find((m) => m.metric === 'heart-rate')).toMatchObject({ count: 5, median: 71, consumerCount: 5 });
    expect(r.waveforms).toEqual([{ metric: 'ecg', label: 'ECG', blocks: 3, blockSeconds: 10, days: 1 }]);
    expect(r.charts.map((c) => c.key)).toEqual(['blood-pressure', 'heart-rate']);
    expect(r.charts[1]!.note).toBe('consumer-grade source');

    expect(r.minutes).toMatchObject({ total: 21, interactiveContacts: 1, threshold: 20, met: true });
    expect(r.minutes.byStaff).toEqual([{ name: 'Nurse Jordan Lee', minutes: 12 }, { name: 'Dr Amara Singh', minutes: 9 }]);
    expect(r.minutes.byActivity.map((a) => [a.label, a.minutes])).toEqual([['Review of data', 12], ['Interactive call', 9]]);

    expect(r.alerts).toMatchObject({ raised: 1, acknowledged: 1, resolved: 0, openAtMonthEnd: 2 });
    expect(r.alerts.rows.map((a) => a.ruleName)).toEqual(['Rule 1', 'Rule 2']);
    expect(r.alerts.rows[0]).toMatchObject({ acknowledgedAtMs: MARCH_START + 30 * MIN, acknowledgedBy: 'Nurse Jordan Lee', openAtMonthEnd: true });
    expect(r.alerts.rows[0]!.resolvedAtMs).toBeUndefined();

    expect(r.tasksDone.map((t) => t.title)).toEqual(['Call about the evening readings']);
    expect(r.programs).toEqual([{ name: 'Hypertension', startMs: Date.parse('2026-02-10T16:00:00Z'), wholeMonth: true }]);

    // Sections by data: blood pressure yes (the hypertension program's 130/80), glucose no.
    expect(r.glucose).toBeUndefined();
    expect(r.homeBp).toBeDefined();
    expect(r.homeBp!.lastDay).toBe('2026-03-31');
    expect(r.homeBp!.week).toMatchObject({ firstDay: '2026-03-25', firstDayReadingsExcluded: 0, overall: { readings: 1, systolic: 126, diastolic: 79 }, target: { systolic: 130, diastolic: 80 }, atTarget: true, category: 'elevated' });
    expect(r.homeBp!.month).toEqual({ readings: 3, systolic: 128, diastolic: 82 });
    expect(r.homeBp!.targetFromProgram).toBe(true);
  });

  it('adds the glucose section when the month has glucose readings, and leaves out blood pressure without any', async () => {
    // A CGM every 5 minutes for 2 days in mid-June (Chicago, CDT) and a meter reading in mmol/L.
    const start = Date.parse('2026-06-10T05:00:00Z');
    await store([
      ...Array.from({ length: 576 }, (_, i) => obs('glucose', i % 10 === 0 ? 60 : 140, start + i * 5 * MIN, { id: `cgm-${i}` })),
      obs('glucose', 6, start + 3 * DAY, { unit: 'mmol/L', id: 'meter-1' }),
    ]);
    const r = (await loadMonthlyReport(f.db, f.patient.id, '2026-06', { zone: ZONE, nowMs: NOW + 90 * DAY }))!.report;
    expect(r.homeBp).toBeUndefined();
    expect(r.glucose).toBeDefined();
    expect(r.glucose).toMatchObject({ source: 'cgm', intervalMinutes: 5, readings: 577 });
    // 58 of 577 readings below 70; the mmol/L reading counts as 108 mg/dL, in range.
    expect(r.glucose!.metrics.below70).toBe(Math.round((1000 * 58) / 577) / 10);
    // 577 of the 30 × 288 five-minute slots of June.
    expect(r.glucose!.expectedReadings).toBe(30 * 288);
    expect(r.glucose!.agp.map((b) => b.count).reduce((a, b) => a + b, 0)).toBe(577);
    // 10 and 11 June (the sensor, local midnight to midnight) and 13 June (the meter).
    expect(r.days.strip.map((v, i) => (v ? i + 1 : 0)).filter(Boolean)).toEqual([10, 11, 13]);
    expect(r.metrics.map((m) => m.metric)).toEqual(['glucose']);
  });

  it('reports nothing for a patient not on this workstation and refuses a malformed month', async () => {
    expect(await loadMonthlyReport(f.db, 'nobody', '2026-03', { zone: ZONE, nowMs: NOW })).toBeUndefined();
    await expect(loadMonthlyReport(f.db, f.patient.id, '2026-3', { zone: ZONE, nowMs: NOW })).rejects.toThrow(MonthlyReportInputError);
    const empty = (await loadMonthlyReport(f.db, f.patient.id, '2026-04', { zone: ZONE, nowMs: NOW }))!.report;
    expect(empty).toMatchObject({ partial: true, metrics: [], charts: [], days: { count: 0 }, minutes: { total: 0 }, alerts: { raised: 0, rows: [] } });
    expect(empty.glucose).toBeUndefined();
    expect(empty.homeBp).toBeUndefined();
  });

  it('records printing and saving as PDF as print disclosures, and names the file by MRN and month', async () => {
    await recordReportDisclosure(f.db, f.ctx, f.patient.id, 'printed-monthly-report');
    await recordReportDisclosure(f.db, f.ctx, f.patient.id, 'pdf-monthly-report');
    const prints = await f.db.audit.where('patientId').equals(f.patient.id).filter((a) => a.action === 'print').toArray();
    expect(prints.map((a) => a.changes?.['format']?.after)).toEqual(['printed-monthly-report', 'pdf-monthly-report']);
    expect(reportFileName('RO/1001', '2026-03')).toBe('RO_1001-monthly-report-2026-03');
  });
});
