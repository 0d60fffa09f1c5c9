import { computeGlucoseMetrics, CONSENSUS_TARGETS, glucoseReport, type GlucoseReport, type GlucoseSource } from '../glucose-metrics';
import { ambulatoryGlucoseProfile, percentile, type AgpBin } from '../glucose-profile';
import { GLUCOSE_MGDL_LIMITS, type GlucoseReading } from '../glucose-readings';
import type { ReportMonth } from './month';

/**
 * The glucose page of the monthly report (issue 11 "Reports clinicians already read"): the
 * consensus metrics (Battelino et al., Diabetes Care 2019) over the month, as figures and as
 * the stacked time-in-range bar of the AGP report, and the percentile profile by time of day.
 * The arithmetic is glucose-metrics.ts and glucose-profile.ts; this decides the period, the
 * source and the bands.
 */

/** One band of the stacked bar, lowest first; the five add up to 100 %. */
export interface TimeInRangeBand {
  key: 'very-low' | 'low' | 'in-range' | 'high' | 'very-high';
  label: string;
  /** Percent of readings, one decimal. */
  percent: number;
  /** The consensus goal for the band, as printed on the AGP report. */
  goal: string;
}

export interface GlucoseSection {
  source: GlucoseSource;
  /** CGM sampling interval assumed from the readings' spacing. */
  intervalMinutes?: number;
  readings: number;
  /** Consensus figures, rounded for print. */
  metrics: GlucoseReport;
  expectedReadings: number;
  bands: TimeInRangeBand[];
  /** Hourly percentiles (5, 25, 50, 75, 95) by local time of day. */
  agp: AgpBin[];
  periodStartMs: number;
  periodEndMs: number;
  consumerCount: number;
}

/**
 * Readings closer together than this are a sensor's, not fingersticks. Meters are used a
 * few times a day; sensors store every 5 or 15 minutes (Libre history), so the median gap
 * separates them with room to spare.
 */
const CGM_MEDIAN_GAP_MINUTES = 20;

/** CGM or meter, from the median gap between consecutive readings; a CGM's interval is 5 or 15 minutes. */
export function glucoseSourceOf(times: readonly number[]): { source: GlucoseSource; intervalMinutes?: number } {
  if (times.length < 3) return { source: 'meter' };
  const sorted = [...times].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push((sorted[i]! - sorted[i - 1]!) / 60_000);
  gaps.sort((a, b) => a - b);
  const median = percentile(gaps, 50);
  if (median > CGM_MEDIAN_GAP_MINUTES) return { source: 'meter' };
  return { source: 'cgm', intervalMinutes: median <= 10 ? 5 : 15 };
}

const tenth = (x: number) => Math.round(x * 10) / 10;

/** The five bands from the cumulative consensus figures (below 70 includes below 54, above 180 includes above 250). */
export function timeInRangeBands(m: { below54: number; below70: number; inRange: number; above180: number; above250: number }): TimeInRangeBand[] {
  return [
    { key: 'very-low', label: 'Very low (< 54 mg/dL)', percent: tenth(m.below54), goal: `< ${CONSENSUS_TARGETS.below54Under} %` },
    { key: 'low', label: 'Low (54–69 mg/dL)', percent: tenth(m.below70 - m.below54), goal: `< ${CONSENSUS_TARGETS.below70Under} % below 70` },
    { key: 'in-range', label: 'In range (70–180 mg/dL)', percent: tenth(m.inRange), goal: `> ${CONSENSUS_TARGETS.inRangeAtLeast} %` },
    { key: 'high', label: 'High (181–250 mg/dL)', percent: tenth(m.above180 - m.above250), goal: `< ${CONSENSUS_TARGETS.above180Under} % above 180` },
    { key: 'very-high', label: 'Very high (> 250 mg/dL)', percent: tenth(m.above250), goal: `< ${CONSENSUS_TARGETS.above250Under} %` },
  ];
}

/**
 * The glucose section for the month, or undefined without glucose readings in it. The period
 * is the whole month, or up to `asOfMs` while the month is still running, so data sufficiency
 * is not diluted by days that have not happened yet. Values no meter can read (outside
 * GLUCOSE_MGDL_LIMITS) are left out rather than failing the report.
 */
export function glucoseSection(readings: readonly (GlucoseReading & { consumer?: boolean })[], month: ReportMonth, asOfMs: number): GlucoseSection | undefined {
  const inMonth = readings.filter((r) => r.time >= month.startMs && r.time < month.endMs && r.mgdl >= GLUCOSE_MGDL_LIMITS.min && r.mgdl <= GLUCOSE_MGDL_LIMITS.max);
  if (inMonth.length === 0) return undefined;
  let lastMs = -Infinity;
  for (const r of inMonth) lastMs = Math.max(lastMs, r.time);
  // A reading stored ahead of the clock still falls inside the period.
  const periodEndMs = asOfMs > month.startMs && asOfMs < month.endMs ? Math.min(month.endMs, Math.max(asOfMs, lastMs + 1)) : month.endMs;
  const { source, intervalMinutes } = glucoseSourceOf(inMonth.map((r) => r.time));
  const points = inMonth.map((r) => ({ time: r.time, mgdl: r.mgdl }));
  const m = computeGlucoseMetrics(points, {
    source,
    ...(intervalMinutes ? { intervalMinutes } : {}),
    start: month.startMs,
    end: periodEndMs,
    timeZone: month.zone,
  });
  return {
    source,
    ...(intervalMinutes ? { intervalMinutes } : {}),
    readings: m.readings,
    metrics: glucoseReport(m),
    expectedReadings: m.expectedReadings,
    bands: timeInRangeBands(m),
    agp: ambulatoryGlucoseProfile(points, { timeZone: month.zone }),
    periodStartMs: month.startMs,
    periodEndMs,
    consumerCount: inMonth.filter((r) => r.consumer).length,
  };
}
