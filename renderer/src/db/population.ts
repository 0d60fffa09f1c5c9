import { currentConsents, hasConsent, type ConsentDecision } from '../../../common/consent/consent';
import { isErased, isRestricted } from '../../../common/consent/rights';
import { ageOn } from '../../../common/patient/patient';
import type { CareProgram } from '../../../common/programs/program';
import { DEFAULT_BP_TARGET, populationFigures, type PopulationFigures, type PopulationSection } from '../engine/population/aggregate';
import { ageBand, conditionKey, type GroupBy, type PopulationPatient } from '../engine/population/groups';
import { countCell, type Cell } from '../engine/population/suppression';
import { ANY_READING, type BlocksByYear, type PopulationMetric, type PopulationYearRow, type SummaryMetric } from '../engine/population/year-block';
import { DAY_MS, monthsEndingAt } from '../engine/population/calendar';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';
import { metricBlocks } from './population-cache';
import { POPULATION_TABLE } from './population-summaries';
import { activeAlertsByPatient } from './risk-data';
import { hasHeartFailure } from '../engine/insights/risk-tier';
import { bpTargetOf } from '../engine/insights/monthly-report/home-bp';
import { summaryRiskTier } from '../engine/population/summary-risk';

/**
 * Population views (issue 11) from the per-patient year summaries: who is counted, their
 * groups, and the summaries of the metrics a section needs, then the environment-free
 * aggregation (engine/population/aggregate.ts).
 *
 * Left out: patients without an active analytics consent (the latest decision is 'given'),
 * those whose processing is restricted (GDPR Art. 18) and erased ones; archived and deleted
 * records are not part of the clinic. How many were left out is reported, suppressed like
 * every other count. The breakdown by risk tier judges each patient by the dashboard's rules
 * over their daily summaries (engine/population/summary-risk.ts), not over raw readings.
 */

export interface PopulationOptions {
  nowMs: number;
  metric: PopulationMetric;
  groupBy: GroupBy;
  sections: readonly PopulationSection[];
  /** Months of trend, ending with this month (default 12). */
  months?: number;
  bpTarget?: { systolic: number; diastolic: number };
  /** Told how long each step took (the benchmark's breakdown). */
  onStep?: (step: string, ms: number) => void;
}

export interface PopulationView extends PopulationFigures {
  leftOut: { total: Cell; noConsent: Cell; restricted: Cell; erased: Cell };
}

export class PopulationSchemaMissingError extends Error {
  override readonly name = 'PopulationSchemaMissingError';
}

/** Latest analytics decision per patient, from one read of the consent table. */
async function analyticsConsent(db: CrmDb): Promise<Map<string, ConsentDecision>> {
  const byPatient = new Map<string, ConsentDecision[]>();
  for (const d of await db.consents.toArray()) {
    if (d.purpose !== 'analytics') continue;
    const list = byPatient.get(d.patientId);
    if (list) list.push(d);
    else byPatient.set(d.patientId, [d]);
  }
  const out = new Map<string, ConsentDecision>();
  for (const [id, list] of byPatient) {
    const d = currentConsents(list).analytics;
    if (d) out.set(id, d);
  }
  return out;
}

/** Who is counted and who is left out, and why. */
async function population(db: CrmDb): Promise<{ rows: PatientRow[]; noConsent: number; restricted: number; erased: number }> {
  const [patients, consent] = await Promise.all([db.patients.toArray(), analyticsConsent(db)]);
  const clinic = patients.filter((p) => !p.deleted && p.status === 'active');
  let noConsent = 0;
  let restricted = 0;
  let erased = 0;
  const rows: PatientRow[] = [];
  for (const p of clinic) {
    if (isErased(p)) erased++;
    else if (!hasConsent({ analytics: consent.get(p.id) }, 'analytics')) noConsent++;
    else if (isRestricted(p)) restricted++;
    else rows.push(p);
  }
  return { rows, noConsent, restricted, erased };
}

/** The summaries of one metric for the given years of the included patients, by patient then year. */
async function blocksOf(db: CrmDb, metric: SummaryMetric, years: readonly number[], included: ReadonlySet<string>): Promise<Map<string, Map<number, PopulationYearRow>>> {
  const all = await metricBlocks(db, metric, years);
  for (const id of all.keys()) if (!included.has(id)) all.delete(id);
  return all;
}

/** What the tiers read of the summaries (engine/population/summary-risk.ts). */
const TIER_METRICS: readonly SummaryMetric[] = ['blood-pressure-systolic', 'blood-pressure-diastolic', 'body-weight', ANY_READING];

const SECTION_METRICS: Record<PopulationSection, (m: PopulationMetric) => SummaryMetric[]> = {
  distribution: (m) => [m],
  control: () => ['blood-pressure-systolic', 'blood-pressure-diastolic', 'glucose'],
  adherence: () => [ANY_READING],
};

export async function computePopulation(db: CrmDb, o: PopulationOptions): Promise<PopulationView> {
  if (!db.tables.some((t) => t.name === POPULATION_TABLE)) throw new PopulationSchemaMissingError('this database has no population summaries (schema version 11)');
  const months = o.months ?? 12;
  const sections = new Set(o.sections);
  let mark = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    o.onStep?.(name, now - mark);
    mark = now;
  };
  const { rows, noConsent, restricted, erased } = await population(db);
  step('patients and consent');
  const included = new Set(rows.map((p) => p.id));
  const today = new Date(o.nowMs).toISOString().slice(0, 10);

  const enrolments = await db.enrolments.where('status').equals('active').toArray();
  // The summaries cover the trend's months and, for the distribution's before/after
  // comparison, the 90 days before the earliest enrolment (at most five years back).
  const thisYear = new Date(o.nowMs).getUTCFullYear();
  const spans = monthsEndingAt(o.nowMs, months);
  const earliestCompared = sections.has('distribution') ? Math.min(o.nowMs, ...enrolments.filter((e) => included.has(e.patientId)).map((e) => e.startMs - 91 * DAY_MS)) : o.nowMs;
  const firstYear = Math.max(thisYear - 5, Math.min(spans[0]!.year, new Date(earliestCompared).getUTCFullYear()));
  const years: number[] = [];
  for (let y = firstYear; y <= thisYear; y++) years.push(y);
  const enrolled = new Map<string, { programId: string; startMs: number }[]>();
  for (const e of enrolments) {
    if (e.deleted || !included.has(e.patientId)) continue;
    const list = enrolled.get(e.patientId) ?? [];
    list.push({ programId: e.programId, startMs: e.startMs });
    enrolled.set(e.patientId, list);
  }
  const byTier = o.groupBy === 'risk-tier';
  const sectionMetrics = new Set([...sections].flatMap((s) => SECTION_METRICS[s](o.metric)));
  const metrics = [...new Set([...sectionMetrics, ...(byTier ? TIER_METRICS : [])])];
  // The tiers look 31 days back: a metric only they need is read for those days' years alone.
  const tierYears = [...new Set([o.nowMs - 31 * DAY_MS, o.nowMs].map((t) => new Date(t).getUTCFullYear()))];
  const yearsOf = (m: SummaryMetric) => (sectionMetrics.has(m) ? years : tierYears);

  const [programs, alerts, ...blockMaps] = await Promise.all([
    db.carePrograms.toArray(),
    byTier ? activeAlertsByPatient(db) : Promise.resolve(undefined),
    ...metrics.map((m) => blocksOf(db, m, yearsOf(m), included)),
  ]);
  const byMetric = new Map(metrics.map((m, i) => [m, blockMaps[i]!]));
  const tiers = alerts
    ? new Map(
        rows.map((p) => [
          p.id,
          summaryRiskTier({
            nowMs: o.nowMs,
            openAlerts: alerts.get(p.id) ?? [],
            heartFailure: hasHeartFailure(p.conditions ?? []),
            monitored: enrolled.has(p.id),
            systolic: byMetric.get('blood-pressure-systolic')?.get(p.id),
            diastolic: byMetric.get('blood-pressure-diastolic')?.get(p.id),
            weight: byMetric.get('body-weight')?.get(p.id),
            anyReading: byMetric.get(ANY_READING)?.get(p.id),
          }).tier,
        ]),
      )
    : undefined;
  step(`enrolments, programs, summaries of ${metrics.join(', ')}${tiers ? ' and risk tiers' : ''}`);
  const labels = new Map<string, string>();
  const programLabels = new Map(programs.map((p: CareProgram) => [p.id, p.name]));
  const programTargets = new Map(programs.map((p: CareProgram) => [p.id, p.targets ?? []]));
  if (o.groupBy === 'program') for (const [id, name] of programLabels) labels.set(id, name);
  labels.set('none', o.groupBy === 'program' ? 'No program' : o.groupBy === 'condition' ? 'No condition recorded' : 'None');
  labels.set('all', 'All included patients');

  const patients: PopulationPatient[] = rows.map((p) => {
    const conditions = (p.conditions ?? []).map(conditionKey);
    if (o.groupBy === 'condition') for (const c of conditions) if (!labels.has(c.key)) labels.set(c.key, c.label);
    const mine = enrolled.get(p.id) ?? [];
    const tier = tiers?.get(p.id);
    // Control is judged against the patient's own target: their programs' strictest (as the monthly report does).
    const own = bpTargetOf([...new Set(mine.map((e) => e.programId))].flatMap((id) => programTargets.get(id) ?? []));
    return {
      id: p.id,
      ageBand: ageBand(ageOn(p.birthDate, today)),
      programIds: [...new Set(mine.map((e) => e.programId))],
      conditionKeys: [...new Set(conditions.map((c) => c.key))],
      enrolments: mine,
      ...(tier ? { tier } : {}),
      ...(own.fromProgram ? { bpTarget: own.target } : {}),
    };
  });

  const figures = populationFigures(
    { patients, labels, programLabels, blocks: (id, metric): BlocksByYear | undefined => byMetric.get(metric)?.get(id) },
    { sections, metric: o.metric, groupBy: o.groupBy, asOfMs: o.nowMs, months, bpTarget: o.bpTarget ?? DEFAULT_BP_TARGET },
  );
  step('aggregation');
  const total = noConsent + restricted + erased;
  return { ...figures, leftOut: { total: countCell(total), noConsent: countCell(noConsent), restricted: countCell(restricted), erased: countCell(erased) } };
}
