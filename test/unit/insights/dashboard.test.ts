import { beforeAll, describe, expect, it } from 'vitest';
import { computeDashboard } from '../../../renderer/src/db/dashboard';
import { DAY, NOW, openPopulation, ZONE, type Population } from './population-fixture';

let p: Population;
beforeAll(async () => {
  p = await openPopulation();
});

describe('population dashboard', () => {
  it('leaves out patients who withdrew analytics consent and counts the rest by risk tier', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(d.patients).toBe(3);
    expect(d.withdrawnAnalytics).toBe(1);
    expect(d.byTier).toEqual({ high: 1, rising: 0, moderate: 1, low: 1 });
    // Ana's open medium alert is hers, so it is left out with her; Tom's high one is resolved.
    expect(d.openAlerts).toEqual({ high: 0, medium: 0, low: 1 });
  });

  it('counts patients by program (and those in none) and monitored patients by days with readings', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(d.byProgram.map((x) => [x.name, x.patients])).toEqual(expect.arrayContaining([['No program', 1]]));
    expect(d.byProgram.filter((x) => x.programId).map((x) => x.patients)).toEqual([1, 1]);
    expect(d.adherence.map((b) => b.patients)).toEqual([0, 0, 0, 0, 2]);
  });

  it('counts overdue follow-ups among the patients counted', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(d.overdueTasks).toEqual({ high: 1, medium: 0, low: 0, total: 1 });
  });

  it('gives the weekly share of monitored patients at BP target over 12 weeks', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(d.trend).toHaveLength(12);
    expect(d.trend[11]).toEqual({ endMs: NOW, measured: 2, atTarget: 1, share: 0.5 });
    // Tom's reading 40 days back (120) falls in the week ending 35 days back: both at target.
    expect(d.trend[6]).toEqual({ endMs: NOW - 35 * DAY, measured: 2, atTarget: 2, share: 1 });
    expect(d.trend[5]!.measured).toBe(1);
  });

  it('lists patients above the low tier, highest first, with the reasons', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(d.riskList.map((r) => [r.name, r.tier])).toEqual([['Okafor, Ruth', 'high'], ['Baker, Tom', 'moderate']]);
    expect(d.riskList[0]!.reasons[0]).toMatchObject({ code: 'hf-weight-gain', value: 2.5 });
    expect(d.riskList[1]!.reasons[0]).toMatchObject({ code: 'bp-mean-above-target', value: 150 });
  });

  it('narrows every figure to a segment filter', async () => {
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE, filter: { programIds: [p.programs.heartFailure] } });
    expect(d.patients).toBe(1);
    expect(d.byTier.high).toBe(1);
    expect(d.overdueTasks.total).toBe(0);
    expect(d.trend[11]).toMatchObject({ measured: 1, atTarget: 1 });
    expect(d.byProgram.find((x) => x.programId === null)!.patients).toBe(0);
  });
});

describe('dashboard.compute contract', () => {
  it('carries the computed figures unchanged and validates the filter', async () => {
    const { dashboardMethods } = await import('../../../renderer/src/engine/insights/dashboard-api');
    const m = dashboardMethods['dashboard.compute'];
    const d = await computeDashboard(p.db, { nowMs: NOW, zone: ZONE });
    expect(m.result.parse(d)).toEqual(d);
    expect(m.params.parse({ zone: 'UTC', filter: { riskTiers: ['high'] } })).toEqual({ zone: 'UTC', filter: { riskTiers: ['high'] }, listLimit: 100 });
    expect(m.params.safeParse({ zone: 'UTC', filter: { riskTiers: ['urgent'] } }).success).toBe(false);
  });
});
