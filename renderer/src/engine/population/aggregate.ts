import { dayNumber, monthsEndingAt, type MonthSpan } from './calendar';
import { groupKeysOf, type GroupBy, type PopulationPatient } from './groups';
import { distribution, histogram } from './stats';
import { countCell, hidden, shown, suppressedIndices, type Cell } from './suppression';
import { ANY_READING, monthTotals, windowTotals, type BlocksByYear, type PopulationMetric, type SummaryMetric } from './year-block';

/**
 * Population figures from the per-patient year blocks (issue 11). Environment-free: the
 * caller has already left out patients without analytics consent, restricted and erased
 * ones, and hands the blocks over by patient and metric.
 *
 * Definitions:
 * - A patient's value for a period is the mean of their readings in it; distributions and
 *   trends are over patients (median and IQR of patient means), so a patient who measures
 *   four times a day weighs as much as one who measures once.
 * - Distribution: each patient's mean over the 30 days ending at the as-of day.
 * - Blood pressure at target: the mean systolic and diastolic of the 7 days ending on the
 *   month's last day (the as-of day in the current month) both below the target (default
 *   < 130/80 mmHg, ACC/AHA 2017; the record keeps no per-patient target yet).
 * - Glucose at target: time in range 70–180 mg/dL >= 70 % of the month's readings
 *   (Battelino et al., Diabetes Care 2019).
 * - Adherence: days with any reading in the 30 days ending on the month's last day (the as-of
 *   day in the current month); adherent with 16 or more. Counted over monitored patients
 *   (an active enrolment) and anyone with readings in those days.
 * - Before vs after enrolment: the same patients' mean in the 90 days before the enrolment
 *   day and in the 90 days from it (to the as-of day), for patients with readings in both.
 */

/** The parts of the figures to compute: each reads different summaries. */
export const POPULATION_SECTIONS = ['distribution', 'control', 'adherence'] as const;
export type PopulationSection = (typeof POPULATION_SECTIONS)[number];

export interface PopulationQuery {
  sections: ReadonlySet<PopulationSection>;
  metric: PopulationMetric;
  groupBy: GroupBy;
  asOfMs: number;
  /** Months of trend, ending with the as-of month. */
  months: number;
  /** Blood-pressure target of patients whose programs set none. */
  bpTarget: { systolic: number; diastolic: number };
}

export const DEFAULT_BP_TARGET = { systolic: 130, diastolic: 80 } as const;
export const MIN_ADHERENT_DAYS = 16;
export const MIN_TIME_IN_RANGE = 0.7;
const COHORT_DAYS = 90;

export interface PopulationSource {
  patients: readonly PopulationPatient[];
  /** Labels of the breakdown's groups (programs' names, conditions' text); unknown keys show the key. */
  labels: ReadonlyMap<string, string>;
  programLabels: ReadonlyMap<string, string>;
  blocks(patientId: string, metric: SummaryMetric): BlocksByYear | undefined;
}

export interface HistogramCell {
  from: number;
  to: number;
  patients: Cell;
}

export interface RateCell {
  month: string;
  /** Patients measured (the denominator). */
  measured: Cell;
  atTarget: Cell;
  /** atTarget / measured, withheld with a suppressed cell. */
  share: number | null;
}

export interface GroupFigures {
  key: string;
  label: string;
  patients: Cell;
  /** The metric over the last 30 days. */
  measured: Cell;
  median: number | null;
  q1: number | null;
  q3: number | null;
  histogram: HistogramCell[];
  trend: { month: string; measured: Cell; median: number | null; q1: number | null; q3: number | null }[];
  bpControl: RateCell[];
  glucoseControl: RateCell[];
  adherence: RateCell[];
}

export interface CohortFigures {
  programId: string;
  label: string;
  patients: Cell;
  medianBefore: number | null;
  medianAfter: number | null;
  medianChange: number | null;
}

export interface PopulationFigures {
  asOfMs: number;
  metric: PopulationMetric;
  groupBy: GroupBy;
  months: string[];
  included: Cell;
  groups: GroupFigures[];
  cohort: CohortFigures[];
}

const mean = (t: { n: number; sum: number }) => t.sum / t.n;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Per group, the patients' values; groups in a stable order (labelled first by label, then 'none'). */
function byGroup(patients: readonly PopulationPatient[], by: GroupBy): Map<string, PopulationPatient[]> {
  const out = new Map<string, PopulationPatient[]>();
  for (const p of patients) for (const k of groupKeysOf(p, by)) {
    const list = out.get(k);
    if (list) list.push(p);
    else out.set(k, [p]);
  }
  return out;
}

/** Hides, across groups, the count cells complementary suppression asks for. */
function partitionCells(counts: readonly number[]): Cell[] {
  const hide = counts.length > 1 ? suppressedIndices(counts) : new Set(counts.flatMap((n, i) => (n < 11 ? [i] : [])));
  return counts.map((n, i) => (hide.has(i) ? hidden : shown(n)));
}

function rateCell(month: string, measured: number, atTarget: number): RateCell {
  const hide = suppressedIndices([atTarget, measured - atTarget]);
  const m = countCell(measured);
  if (hide.size || m.suppressed) return { month, measured: m, atTarget: hidden, share: null };
  return { month, measured: m, atTarget: shown(atTarget), share: atTarget / measured };
}

/** The 7 (or `days`) days ending on the month's last day, or on the as-of day in its month. */
function windowEnd(span: MonthSpan, asOfDay: number): number {
  return Math.min(span.lastDay, asOfDay);
}

function groupFigures(key: string, label: string, members: readonly PopulationPatient[], src: PopulationSource, q: PopulationQuery, spans: readonly MonthSpan[]): Omit<GroupFigures, 'patients'> & { count: number; measuredCount: number } {
  const asOfDay = dayNumber(q.asOfMs);
  const recent: number[] = [];
  const perMonth: number[][] = spans.map(() => []);
  const bp = spans.map(() => ({ measured: 0, atTarget: 0 }));
  const glucose = spans.map(() => ({ measured: 0, atTarget: 0 }));
  const adherence = spans.map(() => ({ measured: 0, atTarget: 0 }));
  const wants = q.sections;
  for (const p of members) {
    const blocks = wants.has('distribution') ? src.blocks(p.id, q.metric) : undefined;
    const last30 = windowTotals(blocks, asOfDay - 29, asOfDay);
    if (last30.n) recent.push(mean(last30));
    const control = wants.has('control');
    const sys = control ? src.blocks(p.id, 'blood-pressure-systolic') : undefined;
    const dia = control ? src.blocks(p.id, 'blood-pressure-diastolic') : undefined;
    const glu = control ? src.blocks(p.id, 'glucose') : undefined;
    const any = wants.has('adherence') ? src.blocks(p.id, ANY_READING) : undefined;
    spans.forEach((span, i) => {
      if (span.firstDay > asOfDay) return;
      const end = windowEnd(span, asOfDay);
      const t = monthTotals(blocks?.get(span.year), span.month, span.firstDay, end);
      if (t) perMonth[i]!.push(mean(t));
      if (sys && dia) {
        const s = windowTotals(sys, end - 6, end);
        const d = windowTotals(dia, end - 6, end);
        if (s.n && d.n) {
          bp[i]!.measured++;
          const target = p.bpTarget ?? q.bpTarget;
          if (mean(s) < target.systolic && mean(d) < target.diastolic) bp[i]!.atTarget++;
        }
      }
      const g = monthTotals(glu?.get(span.year), span.month, span.firstDay, end);
      if (g?.bands) {
        glucose[i]!.measured++;
        if (g.bands[2]! / g.n >= MIN_TIME_IN_RANGE) glucose[i]!.atTarget++;
      }
      if (!wants.has('adherence')) return;
      const days = windowTotals(any, end - 29, end).days;
      if (days > 0 || p.programIds.length > 0) {
        adherence[i]!.measured++;
        if (days >= MIN_ADHERENT_DAYS) adherence[i]!.atTarget++;
      }
    });
  }
  const dist = distribution(recent);
  const section = <T>(name: PopulationSection, cells: T[]): T[] => (wants.has(name) ? cells : []);
  return {
    key,
    label,
    count: members.length,
    measuredCount: recent.length,
    measured: countCell(recent.length),
    median: dist.n ? r1(dist.median) : null,
    q1: dist.n ? r1(dist.q1) : null,
    q3: dist.n ? r1(dist.q3) : null,
    histogram: (() => {
      const bins = histogram(recent);
      const cells = partitionCells(bins.map((b) => b.count));
      return bins.map((b, i) => ({ from: b.from, to: b.to, patients: cells[i]! }));
    })(),
    trend: section(
      'distribution',
      spans.map((s, i) => {
        const d = distribution(perMonth[i]!);
        return { month: s.key, measured: countCell(d.n), median: d.n ? r1(d.median) : null, q1: d.n ? r1(d.q1) : null, q3: d.n ? r1(d.q3) : null };
      }),
    ),
    bpControl: section('control', spans.map((s, i) => rateCell(s.key, bp[i]!.measured, bp[i]!.atTarget))),
    glucoseControl: section('control', spans.map((s, i) => rateCell(s.key, glucose[i]!.measured, glucose[i]!.atTarget))),
    adherence: section('adherence', spans.map((s, i) => rateCell(s.key, adherence[i]!.measured, adherence[i]!.atTarget))),
  };
}

/** Withholds every statistic of a group whose count cell is hidden. */
function withheld(g: Omit<GroupFigures, 'patients'>, patients: Cell): GroupFigures {
  if (!patients.suppressed && !g.measured.suppressed) return { ...g, patients };
  const trend = g.trend.map((t) => ({ month: t.month, measured: hidden, median: null, q1: null, q3: null }));
  const none = (rs: RateCell[]) => rs.map((r) => ({ month: r.month, measured: hidden, atTarget: hidden, share: null }));
  const all = patients.suppressed;
  return {
    ...g,
    patients,
    measured: hidden,
    median: null,
    q1: null,
    q3: null,
    histogram: [],
    trend: all ? trend : g.trend,
    bpControl: all ? none(g.bpControl) : g.bpControl,
    glucoseControl: all ? none(g.glucoseControl) : g.glucoseControl,
    adherence: all ? none(g.adherence) : g.adherence,
  };
}

/** Each monthly statistic of a trend is withheld where its month's count is hidden across groups. */
function suppressTrendAcrossGroups(groups: GroupFigures[]): void {
  if (groups.length < 2) return;
  const months = Math.min(...groups.map((g) => g.trend.length));
  for (let i = 0; i < months; i++) {
    const counts = groups.map((g) => (g.trend[i]!.measured.suppressed ? 0 : (g.trend[i]!.measured as { value: number }).value));
    const hide = suppressedIndices(counts);
    for (const k of hide) groups[k]!.trend[i] = { month: groups[k]!.trend[i]!.month, measured: hidden, median: null, q1: null, q3: null };
  }
}

function cohortFigures(src: PopulationSource, q: PopulationQuery): CohortFigures[] {
  const asOfDay = dayNumber(q.asOfMs);
  const perProgram = new Map<string, { before: number[]; after: number[] }>();
  for (const p of src.patients) {
    const blocks = src.blocks(p.id, q.metric);
    if (!blocks) continue;
    for (const e of p.enrolments) {
      const start = dayNumber(e.startMs);
      if (start > asOfDay) continue;
      const before = windowTotals(blocks, start - COHORT_DAYS, start - 1);
      const after = windowTotals(blocks, start, Math.min(start + COHORT_DAYS - 1, asOfDay));
      if (!before.n || !after.n) continue;
      const entry = perProgram.get(e.programId) ?? { before: [], after: [] };
      entry.before.push(mean(before));
      entry.after.push(mean(after));
      perProgram.set(e.programId, entry);
    }
  }
  return [...perProgram.entries()]
    .map(([programId, v]) => {
      const cell = countCell(v.before.length);
      const label = src.programLabels.get(programId) ?? programId;
      if (cell.suppressed) return { programId, label, patients: cell, medianBefore: null, medianAfter: null, medianChange: null };
      return {
        programId,
        label,
        patients: cell,
        medianBefore: r1(distribution(v.before).median),
        medianAfter: r1(distribution(v.after).median),
        medianChange: r1(distribution(v.after.map((a, i) => a - v.before[i]!)).median),
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function populationFigures(src: PopulationSource, q: PopulationQuery): PopulationFigures {
  const spans = monthsEndingAt(q.asOfMs, q.months);
  const grouped = byGroup(src.patients, q.groupBy);
  const keys = [...grouped.keys()].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : (src.labels.get(a) ?? a).localeCompare(src.labels.get(b) ?? b)));
  const raw = keys.map((k) => groupFigures(k, src.labels.get(k) ?? k, grouped.get(k)!, src, q, spans));
  const patientCells = partitionCells(raw.map((g) => g.count));
  const measuredCells = partitionCells(raw.map((g) => g.measuredCount));
  const groups = raw.map(({ count: _c, measuredCount: _m, ...g }, i) => withheld({ ...g, measured: measuredCells[i]! }, patientCells[i]!));
  suppressTrendAcrossGroups(groups);
  const cohort = q.sections.has('distribution') ? cohortFigures(src, q) : [];
  return { asOfMs: q.asOfMs, metric: q.metric, groupBy: q.groupBy, months: spans.map((s) => s.key), included: countCell(src.patients.length), groups, cohort };
}
