import { describe, expect, it } from 'vitest';
import { glucoseSection, glucoseSourceOf, timeInRangeBands } from '../../../renderer/src/engine/insights/monthly-report/glucose';
import { bpTargetOf, homeBpSection, pairBloodPressure } from '../../../renderer/src/engine/insights/monthly-report/home-bp';
import { reportMonth } from '../../../renderer/src/engine/insights/monthly-report/month';
import { chartPoints, CHART_POINTS_MAX, inReportUnits, metricCharts, summarizeMetrics, type ReportReading } from '../../../renderer/src/engine/insights/monthly-report/readings';
import { summarizeAlerts, summarizeMinutes, programsInMonth, tasksDone } from '../../../renderer/src/engine/insights/monthly-report/activity';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const utc = reportMonth('2026-06', 'UTC');
const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 5, day, hour, minute);

describe('readings by metric', () => {
  it('counts, ranges and medians each metric in print order, consumer-grade readings counted', () => {
    const r = (metric: string, value: number, grade: ReportReading['grade'] = 'clinical'): ReportReading => ({ metric, value, timeMs: at(1, 8), grade });
    const s = summarizeMetrics([r('body-weight', 81), r('blood-pressure-systolic', 140), r('blood-pressure-systolic', 120), r('blood-pressure-systolic', 131), r('blood-pressure-systolic', 125), r('body-weight', 80, 'consumer'), r('glucose', Number.NaN)]);
    expect(s.map((m) => m.metric)).toEqual(['blood-pressure-systolic', 'body-weight']);
    expect(s[0]).toMatchObject({ label: 'Systolic BP', unit: 'mmHg', count: 4, min: 120, median: 128, max: 140, consumerCount: 0 });
    expect(s[1]).toMatchObject({ count: 2, median: 80.5, consumerCount: 1 });
  });

  it('converts readings to the report unit and leaves out the ones it cannot convert', () => {
    const { readings, unconvertible } = inReportUnits([
      { metric: 'glucose', value: 5.5, unit: 'mmol/L', timeMs: 0, grade: 'clinical' },
      { metric: 'body-weight', value: 180, unit: '[lb_av]', timeMs: 0, grade: 'clinical' },
      { metric: 'glucose', value: 5.5, unit: 'furlongs', timeMs: 0, grade: 'clinical' },
      { metric: 'heart-rate', value: 60, timeMs: 0, grade: 'consumer' },
    ]);
    expect(readings.map((r) => Math.round(r.value * 10) / 10)).toEqual([99.1, 81.6, 60]);
    expect(unconvertible).toBe(1);
  });

  it('charts blood pressure as one chart with the target, labels consumer sources, and draws hourly means past the point limit', () => {
    const bp: ReportReading[] = [1, 2].flatMap((d) => [
      { metric: 'blood-pressure-systolic', value: 130 + d, timeMs: at(d, 8), grade: 'clinical' as const },
      { metric: 'blood-pressure-diastolic', value: 80 + d, timeMs: at(d, 8), grade: 'clinical' as const },
    ]);
    const minuteHr: ReportReading[] = Array.from({ length: CHART_POINTS_MAX + 300 }, (_, i) => ({ metric: 'heart-rate', value: 60 + (i % 60), timeMs: at(1, 0) + i * MIN, grade: 'consumer' as const }));
    const charts = metricCharts([...bp, ...minuteHr, { metric: 'spo2', value: 97, timeMs: at(3, 9), grade: 'clinical' }], { systolic: 135, diastolic: 85 });
    expect(charts.map((c) => c.key)).toEqual(['blood-pressure', 'heart-rate']);
    expect(charts[0]!.series.map((s) => s.points.length)).toEqual([2, 2]);
    expect(charts[0]!.thresholds.map((t) => t.value)).toEqual([135, 85]);
    expect(charts[0]!.note).toBeUndefined();
    expect(charts[1]!.note).toBe('consumer-grade source');
    // 1,800 minutes are 30 hours: one mean per hour, each of 60 values 60–119.
    expect(charts[1]!.series[0]!.points).toHaveLength(30);
    expect(charts[1]!.series[0]!.points[0]).toEqual({ x: at(1, 0) + H / 2, y: 89.5 });
    expect(chartPoints(bp.slice(0, 2))).toHaveLength(2);
  });
});

describe('the glucose section', () => {
  it('is absent without glucose readings in the month', () => {
    expect(glucoseSection([{ time: at(1, 8) - 30 * DAY, mgdl: 100 }], utc, at(30, 12))).toBeUndefined();
  });

  it('tells a sensor from a meter by the spacing of readings', () => {
    expect(glucoseSourceOf(Array.from({ length: 50 }, (_, i) => i * 5 * MIN))).toEqual({ source: 'cgm', intervalMinutes: 5 });
    expect(glucoseSourceOf(Array.from({ length: 50 }, (_, i) => i * 15 * MIN))).toEqual({ source: 'cgm', intervalMinutes: 15 });
    expect(glucoseSourceOf([0, 4 * H, 9 * H, 14 * H, DAY])).toEqual({ source: 'meter' });
    expect(glucoseSourceOf([0, 5 * MIN])).toEqual({ source: 'meter' });
  });

  it('gives the consensus figures over the month, the five bands that add up to 100 % and the hourly profile', () => {
    // Meter, 4 readings a day on days 1–10: 50, 65, 120, 200 (one each of very low, low, in range, high), plus one 300 on day 11.
    const readings = Array.from({ length: 10 }, (_, d) => [50, 65, 120, 200].map((mgdl, k) => ({ time: at(d + 1, 7 + 4 * k), mgdl }))).flat();
    readings.push({ time: at(11, 7), mgdl: 300 });
    const g = glucoseSection(readings, utc, at(30, 23) + 2 * H)!;
    expect(g.source).toBe('meter');
    expect(g.readings).toBe(41);
    const pct = (n: number) => Math.round((1000 * n) / 41) / 10;
    expect(g.bands.map((b) => b.percent)).toEqual([pct(10), pct(10), pct(10), pct(10), pct(1)]);
    expect(g.metrics.below70).toBe(pct(20));
    expect(g.metrics.above180).toBe(pct(11));
    // Meter sufficiency: 41 of 4 × 30 expected readings.
    expect(g.expectedReadings).toBe(120);
    expect(g.metrics.dataSufficiency).toBe(34.2);
    expect(g.agp).toHaveLength(24);
    expect(g.agp[7]).toMatchObject({ count: 11, p50: 50 });
    expect(g.agp[19]).toMatchObject({ count: 10, p5: 200, p95: 200 });
    expect(g.agp[3]!.count).toBe(0);
  });

  it('reports a month still running up to now, so its sufficiency counts only days that have been', () => {
    const cgm = Array.from({ length: 288 * 2 }, (_, i) => ({ time: at(1, 0) + i * 5 * MIN, mgdl: 110 }));
    const g = glucoseSection(cgm, utc, at(3, 0))!;
    expect(g).toMatchObject({ source: 'cgm', intervalMinutes: 5, periodEndMs: at(3, 0) });
    expect(g.metrics.dataSufficiency).toBe(100);
    expect(g.bands.find((b) => b.key === 'in-range')!.percent).toBe(100);
  });

  it('builds bands from cumulative figures', () => {
    expect(timeInRangeBands({ below54: 1, below70: 4, inRange: 70, above180: 26, above250: 6 }).map((b) => b.percent)).toEqual([1, 3, 70, 20, 6]);
  });
});

describe('the home blood-pressure section', () => {
  const pair = (t: number, sys: number, dia: number, groupId?: string): ReportReading[] => [
    { metric: 'blood-pressure-systolic', value: sys, timeMs: t, grade: 'clinical', ...(groupId ? { groupId } : {}) },
    { metric: 'blood-pressure-diastolic', value: dia, timeMs: t + (groupId ? 1000 : 0), grade: 'clinical', ...(groupId ? { groupId } : {}) },
  ];

  it('is absent without paired readings', () => {
    expect(homeBpSection([{ metric: 'blood-pressure-systolic', value: 130, timeMs: at(2, 8), grade: 'clinical' }], utc, [])).toBeUndefined();
  });

  it('pairs by group, else by instant', () => {
    expect(pairBloodPressure([...pair(at(1, 8), 130, 80, 'g1'), ...pair(at(1, 20), 120, 75)]).map((p) => [p.systolic, p.diastolic])).toEqual([[130, 80], [120, 75]]);
  });

  it('averages the last 7 days with readings without their first day, morning and evening, against the program target', () => {
    const readings: ReportReading[] = [];
    // Days 1–10: morning 150/95, evening 140/90. The last series is days 4–10; day 4 is left out.
    for (let d = 1; d <= 10; d++) readings.push(...pair(at(d, 7), 150, 95, `m${d}`), ...pair(at(d, 19), 140, 90, `e${d}`));
    readings.push(...pair(at(4, 12), 200, 120, 'day-one-spike'));
    readings.push(...pair(at(5, 12), 80, 90, 'implausible'));
    const s = homeBpSection(readings, utc, [{ metric: 'blood-pressure-systolic', below: 135 }, { metric: 'blood-pressure-diastolic', below: 85 }, { metric: 'body-weight', below: 2 }])!;
    expect(s.lastDay).toBe('2026-06-10');
    expect(s.week).toMatchObject({ firstDay: '2026-06-04', daysWithReadings: 6, firstDayReadingsExcluded: 3, morning: { readings: 6, systolic: 150, diastolic: 95 }, evening: { readings: 6, systolic: 140, diastolic: 90 }, overall: { readings: 12, systolic: 145, diastolic: 93 }, category: 'stage-2', target: { systolic: 135, diastolic: 85 }, atTarget: false });
    expect(s.implausible).toBe(1);
    expect(s.targetFromProgram).toBe(true);
    expect(s.month.readings).toBe(21);
    expect(s.systolic).toHaveLength(21);
  });

  it('falls back to 130/80 when no program sets a blood-pressure target', () => {
    expect(bpTargetOf([{ metric: 'spo2' }])).toEqual({ target: { systolic: 130, diastolic: 80 }, fromProgram: false });
    expect(bpTargetOf([{ metric: 'blood-pressure-systolic', below: 140 }, { metric: 'blood-pressure-systolic', below: 130 }])).toEqual({ target: { systolic: 130, diastolic: 80 }, fromProgram: true });
  });
});

describe('the care team’s month', () => {
  it('adds minutes by person and activity; the threshold needs an interactive contact', () => {
    const m = summarizeMinutes(
      [
        { date: '2026-05-31', minutes: 30, staffName: 'A', activity: 'data-review', interactive: false },
        { date: '2026-06-01', minutes: 12, staffName: 'Nurse B', activity: 'data-review', interactive: false },
        { date: '2026-06-30', minutes: 10, staffName: 'Dr A', activity: 'data-review', interactive: false },
      ],
      utc,
      20,
    );
    expect(m).toMatchObject({ total: 22, interactiveContacts: 0, met: false, byStaff: [{ name: 'Nurse B', minutes: 12 }, { name: 'Dr A', minutes: 10 }], byActivity: [{ activity: 'data-review', label: 'Review of data', minutes: 22 }] });
    const withCall = summarizeMinutes([...m.entries, { date: '2026-06-15', minutes: 5, staffName: 'Dr A', activity: 'interactive-call', interactive: true }], utc, 20);
    expect(withCall).toMatchObject({ total: 27, interactiveContacts: 1, met: true });
    expect(withCall.entries.map((e) => e.date)).toEqual(['2026-06-01', '2026-06-15', '2026-06-30']);
  });

  it('counts alerts raised, acknowledged and resolved in the month and those still open at its end', () => {
    const a = (openedAtMs: number, ack: number | null, res: number | null) => ({ ruleName: 'r', priority: 'high', status: res ? 'resolved' : 'open', openedAtMs, acknowledgedAtMs: ack, acknowledgedBy: ack ? 'Nurse' : null, resolvedAtMs: res, resolvedBy: res ? 'Dr' : null });
    const s = summarizeAlerts([a(at(1, 0) - DAY, at(1, 1), null), a(at(2, 0), null, at(3, 0)), a(at(1, 0) - 2 * DAY, at(1, 0) - DAY, at(1, 0) - H), a(at(30, 23), null, utc.endMs + H), a(utc.endMs, null, null)], utc);
    expect(s).toMatchObject({ raised: 2, acknowledged: 1, resolved: 1, openAtMonthEnd: 2 });
    expect(s.rows).toHaveLength(3);
    expect(s.rows[2]).toMatchObject({ openAtMonthEnd: true });
    expect(s.rows[2]!.resolvedAtMs).toBeUndefined();
  });

  it('lists tasks done in the month and programs enrolled at any time in it', () => {
    expect(tasksDone([{ title: 'Call', status: 'done', completedMs: at(5, 9), sourceKind: 'manual' }, { title: 'Late', status: 'done', completedMs: utc.endMs, sourceKind: 'alert' }, { title: 'Open', status: 'open', sourceKind: 'manual' }], utc).map((t) => t.title)).toEqual(['Call']);
    const p = programsInMonth([{ programName: 'Hypertension', startMs: at(1, 0) - 40 * DAY, status: 'active' }, { programName: 'COPD', startMs: at(1, 0) - 90 * DAY, endMs: at(1, 0) - DAY, status: 'ended' }, { programName: 'Diabetes', startMs: at(10, 0), endMs: at(20, 0), status: 'ended' }], utc);
    expect(p.map((x) => [x.name, x.wholeMonth])).toEqual([['Hypertension', true], ['Diabetes', false]]);
  });
});
