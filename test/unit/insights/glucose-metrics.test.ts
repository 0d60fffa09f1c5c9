import { describe, expect, it } from 'vitest';
import { computeGlucoseMetrics, glucoseReport } from '../../../renderer/src/engine/insights/glucose-metrics';
import { GlucoseInputError, parseGlucoseReadings, type GlucoseReading } from '../../../renderer/src/engine/insights/glucose-readings';

const T0 = Date.UTC(2025, 0, 6, 0, 0);
const MIN = 60_000;

/**
 * One hour of 5-minute CGM: 12 slots, readings in 9 of them (slots 4, 7 and 8 are gaps).
 * Hand-computed: sum 1365, mean 151.667; squared deviations sum to 65 800, so the sample SD is
 * √(65 800 / 8) = √8225 = 90.692 and CV = 59.797 %; GMI = 3.31 + 0.02392 × 151.667 = 6.938 %.
 * <54: 50 → 1/9; <70: 50, 60, 65 → 3/9; 70–180: 100, 150, 180 → 3/9; >180: 200, 260, 300 → 3/9;
 * >250: 260, 300 → 2/9. Sufficiency 9 of 12 slots = 75 %.
 */
const SLOTS = [0, 1, 2, 3, 5, 6, 9, 10, 11];
const VALUES = [50, 60, 65, 100, 150, 180, 200, 260, 300];
const trace: GlucoseReading[] = SLOTS.map((slot, i) => ({ time: T0 + slot * 5 * MIN, mgdl: VALUES[i]! }));

describe('consensus glucose metrics (Battelino et al., Diabetes Care 2019)', () => {
  it('matches the hand-computed reference on a CGM trace with gaps', () => {
    const m = computeGlucoseMetrics(trace, { source: 'cgm', intervalMinutes: 5 });
    expect(m.readings).toBe(9);
    expect(m.mean).toBeCloseTo(1365 / 9, 10);
    expect(m.sd).toBeCloseTo(Math.sqrt(8225), 10);
    expect(m.cv).toBeCloseTo((100 * Math.sqrt(8225)) / (1365 / 9), 10);
    expect(m.gmi).toBeCloseTo(3.31 + 0.02392 * (1365 / 9), 10);
    expect(m.below54).toBeCloseTo(100 / 9, 10);
    expect(m.below70).toBeCloseTo(300 / 9, 10);
    expect(m.inRange).toBeCloseTo(300 / 9, 10);
    expect(m.above180).toBeCloseTo(300 / 9, 10);
    expect(m.above250).toBeCloseTo(200 / 9, 10);
    expect(m.expectedReadings).toBe(12);
    expect(m.dataSufficiency).toBe(75);
    expect(m.periodStart).toBe(T0);
    expect(m.periodEnd).toBe(T0 + 60 * MIN);
  });

  it('prints the report to one decimal', () => {
    expect(glucoseReport(computeGlucoseMetrics(trace, { source: 'cgm' }))).toEqual({
      mean: 151.7, gmi: 6.9, cv: 59.8, below54: 11.1, below70: 33.3, inRange: 33.3, above180: 33.3, above250: 22.2, dataSufficiency: 75,
    });
  });

  it('counts 70 and 180 in range, and 54 and 250 on the safe side of their thresholds', () => {
    const edges = [54, 70, 180, 250].map((mgdl, i) => ({ time: T0 + i * 5 * MIN, mgdl }));
    const m = computeGlucoseMetrics(edges, { source: 'cgm' });
    expect(m.below54).toBe(0);
    expect(m.below70).toBe(25);
    expect(m.inRange).toBe(50);
    expect(m.above180).toBe(25);
    expect(m.above250).toBe(0);
  });

  it('is not fooled by clock jitter or duplicate readings', () => {
    const jittered = trace.map((r, i) => ({ ...r, time: r.time + (i % 2 === 0 ? 70_000 : -70_000) + (i === 0 ? -70_000 : 0) }));
    const m = computeGlucoseMetrics(jittered, { source: 'cgm', start: T0, end: T0 + 60 * MIN });
    expect(m.dataSufficiency).toBe(75);
    const doubled = computeGlucoseMetrics([...trace, trace[3]!], { source: 'cgm' });
    expect(doubled.dataSufficiency).toBe(75);
  });

  it('reports over a given period: readings outside it are left out, missing days lower sufficiency', () => {
    const day = 24 * 60 * MIN;
    const outside = { time: T0 - 10 * MIN, mgdl: 400 };
    const m = computeGlucoseMetrics([outside, ...trace], { source: 'cgm', start: T0, end: T0 + day });
    expect(m.readings).toBe(9);
    expect(m.above250).toBeCloseTo(200 / 9, 10);
    expect(m.expectedReadings).toBe(288);
    expect(m.dataSufficiency).toBeCloseTo((100 * 9) / 288, 10);
  });

  it('uses the interval for sufficiency (15-minute sensor history)', () => {
    const quarterHourly = [0, 1, 3].map((k) => ({ time: T0 + k * 15 * MIN, mgdl: 120 }));
    expect(computeGlucoseMetrics(quarterHourly, { source: 'cgm', intervalMinutes: 15 }).dataSufficiency).toBe(75);
  });

  it('meter data: up to 4 readings a day count, over the local calendar days of the period', () => {
    // New York is UTC−5 in January. Day 1 (6 Jan local) has 5 readings (counts 4), one of them
    // at 03:00 UTC on 7 Jan, which is still 6 Jan in New York; day 2 has 2; day 3 has none until
    // its last reading. Expected 4 × 3 days = 12; counted 4 + 2 + 1 = 7.
    const ny = (d: number, h: number) => Date.UTC(2025, 0, d, h + 5);
    const readings = [
      { time: ny(6, 7), mgdl: 110 }, { time: ny(6, 12), mgdl: 160 }, { time: ny(6, 18), mgdl: 150 },
      { time: ny(6, 20), mgdl: 140 }, { time: Date.UTC(2025, 0, 7, 3), mgdl: 130 },
      { time: ny(7, 7), mgdl: 100 }, { time: ny(7, 18), mgdl: 190 },
      { time: ny(8, 21), mgdl: 90 },
    ];
    const m = computeGlucoseMetrics(readings, { source: 'meter', timeZone: 'America/New_York' });
    expect(m.expectedReadings).toBe(12);
    expect(m.dataSufficiency).toBeCloseTo((100 * 7) / 12, 10);
    expect(m.readings).toBe(8);
    expect(m.above180).toBe(12.5);
    // In UTC the evening readings move to the next day and the last to 9 Jan: days 6, 7, 8, 9
    // hold 3, 4, 0, 1 readings, so 8 of 16 expected.
    const utc = computeGlucoseMetrics(readings, { source: 'meter' });
    expect(utc.expectedReadings).toBe(16);
    expect(utc.dataSufficiency).toBe(50);
  });

  it('refuses bad input with a typed error', () => {
    expect(() => computeGlucoseMetrics([], { source: 'cgm' })).toThrow(GlucoseInputError);
    expect(() => computeGlucoseMetrics([{ time: T0, mgdl: -5 }], { source: 'cgm' })).toThrow(/reading 0: -5 mg\/dL is outside/);
    expect(() => computeGlucoseMetrics(trace, { source: 'cgm', intervalMinutes: 0 })).toThrow(/interval/);
    expect(() => computeGlucoseMetrics(trace, { source: 'cgm', start: T0 + 2 * 60 * MIN, end: T0 + 3 * 60 * MIN })).toThrow(/no readings in the period/);
    expect(() => computeGlucoseMetrics(trace, { source: 'cgm', start: T0, end: T0 })).toThrow(/end after it starts/);
  });
});

describe('glucose readings from JSON', () => {
  it('parses ISO-8601 times with a zone', () => {
    expect(parseGlucoseReadings([{ time: '2025-01-06T00:05:00+01:00', mgdl: 99 }])).toEqual([{ time: Date.UTC(2025, 0, 5, 23, 5), mgdl: 99 }]);
  });
  it('names the reading at fault', () => {
    expect(() => parseGlucoseReadings({})).toThrow(/JSON list/);
    expect(() => parseGlucoseReadings([{ time: '2025-01-06T00:05:00Z', mgdl: 99 }, 7])).toThrow('reading 1 must be an object');
    expect(() => parseGlucoseReadings([{ time: '2025-01-06 00:05', mgdl: 99 }])).toThrow(/reading 0: time must be an ISO-8601 time with a zone/);
    expect(() => parseGlucoseReadings([{ time: '2025-01-06T00:05:00Z', mgdl: '99' }])).toThrow('reading 0: mgdl must be a number');
    expect(() => parseGlucoseReadings([{ time: '2025-01-06T00:05:00Z', mgdl: 1500 }])).toThrow(/outside 1–1000/);
  });
});
