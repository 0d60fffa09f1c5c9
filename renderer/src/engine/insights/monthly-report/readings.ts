import { unitConverter } from '../../rules/units';
import { percentile } from '../glucose-profile';

/**
 * The month's readings by metric: how many, their range and median, and what each chart
 * draws. Point readings carry their source's grade; dense series from wearables are
 * consumer-grade by where they come from (DESIGN.md decision 2: series blocks hold no source).
 */

export interface ReportReading {
  metric: string;
  value: number;
  timeMs: number;
  grade: 'clinical' | 'consumer';
  /** UCUM unit as stored; series samples are in their metric's unit already. */
  unit?: string;
  /** Readings taken together (a blood pressure's systolic and diastolic). */
  groupId?: string;
}

export interface MetricSummary {
  metric: string;
  label: string;
  unit: string;
  count: number;
  min: number;
  median: number;
  max: number;
  /** Readings from consumer-grade sources (wearables, phone apps) among `count`. */
  consumerCount: number;
}

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ReportChart {
  key: string;
  title: string;
  unit: string;
  series: { label: string; points: ChartPoint[] }[];
  /** Guide lines drawn across the month (targets, range limits). */
  thresholds: { label: string; value: number }[];
  /** Says when consumer-grade readings are drawn. */
  note?: string;
}

/** A recorded waveform (ECG): counted from its stored blocks, never read sample by sample. */
export interface WaveformRecording {
  metric: string;
  label: string;
  blocks: number;
  blockSeconds: number;
  days: number;
}

/** How each metric reads in a report, in print order; others follow alphabetically under their own name. */
const METRICS: readonly { metric: string; label: string; unit: string; ucum?: string }[] = [
  { metric: 'blood-pressure-systolic', label: 'Systolic BP', unit: 'mmHg', ucum: 'mm[Hg]' },
  { metric: 'blood-pressure-diastolic', label: 'Diastolic BP', unit: 'mmHg', ucum: 'mm[Hg]' },
  { metric: 'blood-pressure-mean', label: 'Mean arterial pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  { metric: 'pulse-rate', label: 'Pulse', unit: '/min' },
  { metric: 'heart-rate', label: 'Heart rate', unit: '/min' },
  { metric: 'resting-heart-rate', label: 'Resting heart rate', unit: '/min' },
  { metric: 'glucose', label: 'Glucose', unit: 'mg/dL', ucum: 'mg/dL' },
  { metric: 'spo2', label: 'SpO₂', unit: '%' },
  { metric: 'respiratory-rate', label: 'Respiratory rate', unit: '/min' },
  { metric: 'body-weight', label: 'Weight', unit: 'kg', ucum: 'kg' },
  { metric: 'body-temperature', label: 'Temperature', unit: '°C', ucum: 'Cel' },
  { metric: 'hrv-rmssd', label: 'HRV (RMSSD)', unit: 'ms' },
  { metric: 'hrv-sdnn', label: 'HRV (SDNN)', unit: 'ms' },
  { metric: 'steps', label: 'Steps', unit: 'steps' },
  { metric: 'energy-expended', label: 'Energy expended', unit: 'kcal' },
  { metric: 'rr-interval', label: 'RR interval', unit: 'ms' },
  { metric: 'ecg', label: 'ECG', unit: 'mV' },
];
const INFO = new Map(METRICS.map((m, i) => [m.metric, { ...m, order: i }]));

/**
 * Readings in the unit the report prints for their metric (a meter in mmol/L, a scale in
 * pounds). A reading whose unit cannot be converted is left out and counted, never mixed in.
 */
export function inReportUnits(readings: readonly ReportReading[]): { readings: ReportReading[]; unconvertible: number } {
  const out: ReportReading[] = [];
  let unconvertible = 0;
  for (const r of readings) {
    const want = INFO.get(r.metric)?.ucum;
    if (!want || r.unit === undefined || r.unit === want) {
      out.push(r);
      continue;
    }
    const convert = unitConverter(r.unit, want);
    if (convert) out.push({ ...r, value: convert(r.value), unit: want });
    else unconvertible++;
  }
  return { readings: out, unconvertible };
}

export function metricLabel(metric: string): string {
  return INFO.get(metric)?.label ?? metric;
}

function compareMetrics(a: string, b: string): number {
  const ia = INFO.get(a)?.order ?? Infinity;
  const ib = INFO.get(b)?.order ?? Infinity;
  return ia === ib ? a.localeCompare(b) : ia - ib;
}

/** Readings with a numeric value, by metric, in the order given. */
function numericByMetric(readings: readonly ReportReading[]): Map<string, ReportReading[]> {
  const byMetric = new Map<string, ReportReading[]>();
  for (const r of readings) {
    if (!Number.isFinite(r.value)) continue;
    const list = byMetric.get(r.metric);
    if (list) list.push(r);
    else byMetric.set(r.metric, [r]);
  }
  return byMetric;
}

/** Count, range and median per metric, in print order. Values that are not numbers are left out. */
export function summarizeMetrics(readings: readonly ReportReading[]): MetricSummary[] {
  const byMetric = numericByMetric(readings);
  return [...byMetric.keys()].sort(compareMetrics).map((metric) => {
    const list = byMetric.get(metric)!;
    const sorted = list.map((r) => r.value).sort((a, b) => a - b);
    return {
      metric,
      label: metricLabel(metric),
      unit: INFO.get(metric)?.unit ?? '',
      count: sorted.length,
      min: sorted[0]!,
      median: percentile(sorted, 50),
      max: sorted[sorted.length - 1]!,
      consumerCount: list.filter((r) => r.grade === 'consumer').length,
    };
  });
}

/** Beyond this many points a chart draws hourly means: a month of minute heart rate is 43,200 points. */
export const CHART_POINTS_MAX = 1500;
const HOUR_MS = 3_600_000;

/** The points a chart draws, time-ordered: every reading, or hourly means when there are too many. */
export function chartPoints(readings: readonly ReportReading[]): ChartPoint[] {
  const sorted = readings.filter((r) => Number.isFinite(r.value)).sort((a, b) => a.timeMs - b.timeMs);
  if (sorted.length <= CHART_POINTS_MAX) return sorted.map((r) => ({ x: r.timeMs, y: r.value }));
  const hours = new Map<number, { sum: number; n: number }>();
  for (const r of sorted) {
    const h = Math.floor(r.timeMs / HOUR_MS) * HOUR_MS;
    const acc = hours.get(h);
    if (acc) {
      acc.sum += r.value;
      acc.n++;
    } else hours.set(h, { sum: r.value, n: 1 });
  }
  return [...hours].map(([x, a]) => ({ x: x + HOUR_MS / 2, y: a.sum / a.n }));
}

const consumerNote = (list: readonly ReportReading[]): string | undefined => {
  const n = list.filter((r) => r.grade === 'consumer').length;
  if (n === 0) return undefined;
  return n === list.length ? 'consumer-grade source' : `includes ${n} consumer-grade reading${n === 1 ? '' : 's'}`;
};

/** Range lines that clinicians read these charts against. */
const GUIDES: Record<string, { label: string; value: number }[]> = {
  glucose: [
    { label: 'Low (70)', value: 70 },
    { label: 'High (180)', value: 180 },
  ],
  spo2: [{ label: 'NEWS2 scale 1 (≤ 91)', value: 91 }],
};

/**
 * One chart per monitored metric (systolic and diastolic share the blood-pressure chart;
 * the mean arterial pressure is left to the table). A metric needs two readings for a line.
 */
export function metricCharts(readings: readonly ReportReading[], bpTarget?: { systolic: number; diastolic: number }): ReportChart[] {
  const byMetric = numericByMetric(readings);
  const charts: ReportChart[] = [];
  const sys = byMetric.get('blood-pressure-systolic') ?? [];
  const dia = byMetric.get('blood-pressure-diastolic') ?? [];
  for (const metric of [...byMetric.keys()].sort(compareMetrics)) {
    const list = byMetric.get(metric)!;
    if (metric === 'blood-pressure-mean' || (metric === 'blood-pressure-diastolic' && sys.length > 0)) continue;
    if (metric === 'blood-pressure-systolic' || metric === 'blood-pressure-diastolic') {
      if (sys.length + dia.length < 2) continue;
      const note = consumerNote([...sys, ...dia]);
      charts.push({
        key: 'blood-pressure',
        title: 'Blood pressure',
        unit: 'mmHg',
        series: [
          { label: 'Systolic', points: chartPoints(sys) },
          { label: 'Diastolic', points: chartPoints(dia) },
        ],
        thresholds: bpTarget
          ? [
              { label: `Target systolic (< ${bpTarget.systolic})`, value: bpTarget.systolic },
              { label: `Target diastolic (< ${bpTarget.diastolic})`, value: bpTarget.diastolic },
            ]
          : [],
        ...(note ? { note } : {}),
      });
      continue;
    }
    if (list.length < 2) continue;
    const note = consumerNote(list);
    const points = chartPoints(list);
    charts.push({
      key: metric,
      title: metricLabel(metric),
      unit: INFO.get(metric)?.unit ?? '',
      series: [{ label: points.length < list.length ? `${metricLabel(metric)}, hourly mean` : metricLabel(metric), points }],
      thresholds: GUIDES[metric] ?? [],
      ...(note ? { note } : {}),
    });
  }
  return charts;
}
