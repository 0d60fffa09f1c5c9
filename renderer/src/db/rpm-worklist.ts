import type { IndexableType } from 'dexie';
import { localMonth } from '../../../common/time/local-days';
import {
  currentPeriod,
  DEFAULT_RPM_RULES,
  dayIndexOf,
  emptyStrip,
  markReadingDays,
  markReadingDaysSorted,
  minutesInMonth,
  parseRpmRules,
  PERIOD_DAYS,
  summarizeRpm,
  type MonitoringPeriod,
  type RpmRule,
  type RpmSummary,
} from '../../../common/billing/rpm';
import type { TimeLogEntry } from '../../../common/billing/time-log';
import { monitoringStartMs, type CareProgram, type Enrolment } from '../../../common/programs/program';
import type { PatientRow } from './database';
import type { CrmDb } from './crm-tables';
import { appendAudit, type WriteContext } from './journal';
import { seriesBlockMs, seriesKey } from './series/layout';
import type { SeriesBlockRow } from './series/rows';

/**
 * Metrics that may be stored as dense series blocks (wearables, waveforms). Point readings
 * of any metric are counted from db.observations; these are looked up in db.seriesBlocks.
 */
export const SERIES_METRICS = ['heart-rate', 'rr-interval', 'spo2', 'respiratory-rate', 'steps', 'energy-expended', 'ecg'] as const;

const DAY_MS = 86_400_000;

/** Marks the days of the period on which one stored series block holds samples. */
function markBlock(filled: boolean[], bounds: readonly number[], row: SeriesBlockRow): void {
  if (row.times) markReadingDaysSorted(filled, bounds, row.times);
  for (const seg of row.segments ?? []) {
    if (seg.values.length === 0) continue;
    const first = seg.startMs;
    const last = seg.startMs + ((seg.values.length - 1) * 1000) / seg.fs;
    // Regular sampling: every day between the first and last sample has samples (a segment
    // longer than a day is not written by SeriesStore, but may come from an import).
    const from = bounds[0]!;
    const to = bounds[bounds.length - 1]!;
    if (last < from || first >= to) continue;
    const a = first < from ? 0 : dayIndexOf(bounds, first);
    const b = last >= to ? bounds.length - 2 : dayIndexOf(bounds, last);
    for (let d = a; d <= b; d++) filled[d] = true;
  }
}

interface PatientWindow {
  patientId: string;
  period: MonitoringPeriod;
}

/**
 * Start times of the series blocks in many patients' periods, from index keys only: one
 * index walk per metric for all patients, instead of a request per patient and metric.
 */
async function seriesBlockStarts(db: CrmDb, windows: readonly PatientWindow[]): Promise<Map<string, { metric: string; startMs: number }[]>> {
  const out = new Map<string, { metric: string; startMs: number }[]>();
  if (windows.length === 0) return out;
  for (const metric of SERIES_METRICS) {
    const ranges = windows.map((w): [IndexableType, IndexableType] => [
      [w.patientId, metric, w.period.dayStartsMs[0]! - DAY_MS],
      [w.patientId, metric, w.period.dayStartsMs[w.period.dayStartsMs.length - 1]!],
    ]);
    const keys = (await db.seriesBlocks.where('[patientId+metric+startMs]').inAnyRange(ranges, { includeLowers: true, includeUppers: false }).keys()) as unknown as [string, string, number][];
    for (const [patientId, , startMs] of keys) {
      const list = out.get(patientId) ?? [];
      list.push({ metric, startMs });
      out.set(patientId, list);
    }
  }
  return out;
}

/**
 * Which days of each period have at least one reading: point observations (any metric,
 * from the [patientId+timeMs] index) and dense series blocks. A block that lies inside one
 * local day marks it from its index key alone; only blocks that straddle a local midnight
 * (a UTC-day block in a non-UTC zone) are read, and only when a day they could fill is
 * still empty.
 */
async function readingDayStrips(db: CrmDb, windows: readonly PatientWindow[]): Promise<Map<string, boolean[]>> {
  const starts = await seriesBlockStarts(db, windows);
  const strips = new Map<string, boolean[]>();
  const toRead: { window: PatientWindow; key: string; firstDay: number; lastDay: number }[] = [];
  await Promise.all(
    windows.map(async (w) => {
      const bounds = w.period.dayStartsMs;
      const from = bounds[0]!;
      const to = bounds[bounds.length - 1]!;
      const filled = emptyStrip();
      strips.set(w.patientId, filled);
      // getAll of the rows is one request; walking index keys is a cursor step per reading (slower in Chromium).
      const readings = await db.observations.where('[patientId+timeMs]').between([w.patientId, from], [w.patientId, to], true, false).toArray();
      markReadingDays(filled, bounds, readings.map((o) => o.timeMs));
      for (const { metric, startMs } of starts.get(w.patientId) ?? []) {
        // Day-aligned starts are point blocks (a UTC day); others are 10-second waveform blocks.
        const span = startMs % DAY_MS === 0 ? seriesBlockMs('points') : seriesBlockMs('waveform');
        const end = startMs + span;
        if (end <= from || startMs >= to) continue;
        const a = dayIndexOf(bounds, Math.max(startMs, from));
        const b = dayIndexOf(bounds, Math.min(end, to) - 1);
        if (a === b && startMs >= from && end <= to) {
          // Stored blocks always hold samples, so the key alone proves a reading that day.
          filled[a] = true;
          continue;
        }
        toRead.push({ window: w, key: seriesKey(w.patientId, metric, startMs), firstDay: a, lastDay: b });
      }
    }),
  );
  // Only blocks that could still fill an empty day are read.
  const needed = toRead.filter(({ window: w, firstDay, lastDay }) => !strips.get(w.patientId)!.slice(firstDay, lastDay + 1).every(Boolean));
  if (needed.length) {
    const rows = await db.seriesBlocks.bulkGet(needed.map((n) => n.key));
    rows.forEach((row, i) => {
      const w = needed[i]!.window;
      if (row) markBlock(strips.get(w.patientId)!, w.period.dayStartsMs, row);
    });
  }
  return strips;
}

/** The days of one patient's period that have at least one reading (see readingDayStrips). */
export async function readingDayStrip(db: CrmDb, patientId: string, period: MonitoringPeriod): Promise<boolean[]> {
  return (await readingDayStrips(db, [{ patientId, period }])).get(patientId)!;
}

export interface RpmRow {
  patient: PatientRow;
  programs: CareProgram[];
  monitoringStartMs: number;
  /** Undefined while monitoring has not started yet (an enrolment dated in the future). */
  summary?: RpmSummary;
}

/** The RPM rule table in force on this workstation: the clinic's edited copy, else the defaults. */
export async function loadRpmRules(db: CrmDb): Promise<RpmRule[]> {
  const saved = await db.meta.get(RPM_RULES_KEY);
  if (!saved) return [...DEFAULT_RPM_RULES];
  try {
    return parseRpmRules(saved.value);
  } catch {
    // A stored table that no longer validates must not stop the worklist; the defaults apply.
    console.error('The saved RPM billing rule table is not valid; using the default rules.');
    return [...DEFAULT_RPM_RULES];
  }
}

const RPM_RULES_KEY = 'billing:rpm-rules';

/** Replaces the clinic's RPM rule table after validating it as a whole; audited. */
export async function saveRpmRules(db: CrmDb, ctx: WriteContext, input: unknown): Promise<RpmRule[]> {
  const rules = parseRpmRules(input);
  await db.transaction('rw', [db.meta, db.audit], async () => {
    const before = await db.meta.get(RPM_RULES_KEY);
    await db.meta.put({ key: RPM_RULES_KEY, value: rules });
    await appendAudit(db, ctx, { action: 'billing-rules.update', entity: 'billing-rules', entityId: 'rpm', changes: { rules: { before: before?.value, after: rules } } });
  });
  return rules;
}

/** Billing pictures now (period strip, minutes this month, codes met and next) for patients by monitoring start. */
async function rpmSummaries(db: CrmDb, starts: ReadonlyMap<string, number>, o: { nowMs: number; zone: string; rules: readonly RpmRule[] }): Promise<Map<string, RpmSummary>> {
  const windows: PatientWindow[] = [];
  for (const [patientId, startMs] of starts) {
    if (startMs > o.nowMs) continue;
    try {
      windows.push({ patientId, period: currentPeriod(startMs, o.nowMs, o.zone) });
    } catch {
      // Not started yet in the clinic's calendar: no period to count.
    }
  }
  const month = localMonth(o.nowMs, o.zone);
  const [strips, entries] = await Promise.all([
    readingDayStrips(db, windows),
    // The whole clinic's month is one read; few rows per patient.
    db.timeLog.where('date').between(`${month}-01`, `${month}-31`, true, true).toArray(),
  ]);
  const byPatient = new Map<string, TimeLogEntry[]>();
  for (const e of entries) {
    if (e.deleted || !starts.has(e.patientId)) continue;
    const list = byPatient.get(e.patientId) ?? [];
    list.push(e);
    byPatient.set(e.patientId, list);
  }
  const out = new Map<string, RpmSummary>();
  for (const w of windows) {
    out.set(w.patientId, summarizeRpm(o.rules, w.period, strips.get(w.patientId)!, minutesInMonth(byPatient.get(w.patientId) ?? [], o.nowMs, o.zone), o.nowMs, o.zone));
  }
  return out;
}

/** One patient's billing picture now; undefined before monitoring starts. */
export async function rpmSummaryFor(db: CrmDb, patientId: string, startMs: number, o: { nowMs: number; zone: string; rules: readonly RpmRule[] }): Promise<RpmSummary | undefined> {
  return (await rpmSummaries(db, new Map([[patientId, startMs]]), o)).get(patientId);
}

/**
 * The remote-monitoring worklist: every patient with an active enrolment, with days with
 * readings in their current 30-day period, minutes this calendar month and the codes met.
 * Sorted by what is closest to slipping: fewest days with readings first; not yet started last.
 */
export async function rpmWorklist(db: CrmDb, o: { nowMs: number; zone: string; rules?: readonly RpmRule[] }): Promise<RpmRow[]> {
  // One read transaction for the whole list: thousands of small reads would otherwise each open their own.
  return db.transaction('r', [db.meta, db.enrolments, db.patients, db.carePrograms, db.observations, db.seriesBlocks, db.timeLog], () => buildRpmWorklist(db, o));
}

async function buildRpmWorklist(db: CrmDb, o: { nowMs: number; zone: string; rules?: readonly RpmRule[] }): Promise<RpmRow[]> {
  const rules = o.rules ?? (await loadRpmRules(db));
  const active = (await db.enrolments.where('status').equals('active').toArray()).filter((e) => !e.deleted);
  const byPatient = new Map<string, Enrolment[]>();
  for (const e of active) {
    const list = byPatient.get(e.patientId) ?? [];
    list.push(e);
    byPatient.set(e.patientId, list);
  }
  const ids = [...byPatient.keys()];
  const [patients, programs] = await Promise.all([db.patients.bulkGet(ids), db.carePrograms.bulkGet([...new Set(active.map((e) => e.programId))])]);
  const programById = new Map(programs.filter((p): p is CareProgram => !!p).map((p) => [p.id, p]));
  const listed = patients.filter((p): p is PatientRow => !!p && !p.deleted && p.status === 'active');
  const starts = new Map(listed.map((p) => [p.id, monitoringStartMs(byPatient.get(p.id)!)!]));
  const summaries = await rpmSummaries(db, starts, { nowMs: o.nowMs, zone: o.zone, rules });
  const rows: RpmRow[] = listed.map((patient) => {
    const summary = summaries.get(patient.id);
    return {
      patient,
      programs: byPatient.get(patient.id)!.map((e) => programById.get(e.programId)).filter((p): p is CareProgram => !!p),
      monitoringStartMs: starts.get(patient.id)!,
      ...(summary ? { summary } : {}),
    };
  });
  return rows
    .sort((a, b) => (a.summary?.daysWithReadings ?? PERIOD_DAYS + 1) - (b.summary?.daysWithReadings ?? PERIOD_DAYS + 1) || a.patient.sortName.localeCompare(b.patient.sortName));
}
