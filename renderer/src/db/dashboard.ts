import { isRestricted } from '../../../common/consent/rights';
import { ACTIVE_TASK_STATUSES, type TaskPriority } from '../../../common/tasks/task';
import { displayName } from '../../../common/patient/patient';
import type { CareProgram } from '../../../common/programs/program';
import { DEFAULT_RISK_THRESHOLDS, tierRank, type AlertPriority, type RiskReason, type RiskThresholds, type RiskTier } from '../engine/insights/risk-tier';
import { DAY_MS } from '../engine/signal/trends';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';
import { assessPatients, readingsByPatient } from './risk-data';
import { consentFor, evaluateSegment, type SegmentFilter } from './segments';

/**
 * The population dashboard (issue 7): patients by risk tier and program, adherence, open
 * alerts by priority, overdue follow-ups and a clinic BP trend. Patients whose latest
 * analytics consent is withdrawn, and patients whose processing is restricted (GDPR Art. 18),
 * are left out of every figure (issue 9); those with no decision recorded are counted.
 */

export interface DashboardOptions {
  nowMs: number;
  zone: string;
  /** A segment's filter: figures cover only the patients it selects. */
  filter?: SegmentFilter;
  /** Rows in the risk list (highest tiers first); default 100. */
  listLimit?: number;
  thresholds?: Readonly<RiskThresholds>;
}

export interface RiskListRow {
  patientId: string;
  name: string;
  mrn: string;
  tier: RiskTier;
  reasons: RiskReason[];
}

export interface TrendWeek {
  /** End of the 7-day window (epoch ms, included). */
  endMs: number;
  /** Monitored patients with a systolic reading that week. */
  measured: number;
  /** Of them, with a mean systolic below the target. */
  atTarget: number;
  /** atTarget / measured; null when no one was measured. */
  share: number | null;
}

export interface DashboardData {
  nowMs: number;
  patients: number;
  /** Left out because they withdrew analytics consent. */
  withdrawnAnalytics: number;
  /** Left out because their processing is restricted. */
  restricted: number;
  byTier: Record<RiskTier, number>;
  byProgram: { programId: string | null; name: string; patients: number }[];
  /** Monitored patients by days with readings in the last 30. */
  adherence: { label: string; from: number; to: number; patients: number }[];
  openAlerts: Record<AlertPriority, number>;
  overdueTasks: Record<TaskPriority, number> & { total: number };
  trend: TrendWeek[];
  riskList: RiskListRow[];
  /** The segment matched more patients than could be counted. */
  truncated: boolean;
}

export const ADHERENCE_BANDS = [
  { label: '0 days', from: 0, to: 0 },
  { label: '1–7', from: 1, to: 7 },
  { label: '8–15', from: 8, to: 15 },
  { label: '16–19', from: 16, to: 19 },
  { label: '20–30', from: 20, to: 30 },
] as const;

const TREND_WEEKS = 12;
const MAX_PATIENTS = 20_000;

async function population(db: CrmDb, o: DashboardOptions): Promise<{ rows: PatientRow[]; truncated: boolean }> {
  if (o.filter) {
    const r = await evaluateSegment(db, o.filter, { nowMs: o.nowMs, zone: o.zone, limit: MAX_PATIENTS, ...(o.thresholds ? { thresholds: o.thresholds } : {}) });
    const rows = (await db.patients.bulkGet(r.patientIds)).filter((p): p is PatientRow => !!p);
    return { rows, truncated: r.truncated };
  }
  const rows = await db.patients.where('[status+sortName]').between(['active', ''], ['active', '\uffff'], true, true).toArray();
  return { rows: rows.filter((p) => !p.deleted), truncated: false };
}

/** Share of monitored patients at BP target per week over the last 12 weeks, from their systolic readings. */
async function clinicTrend(db: CrmDb, ids: readonly string[], nowMs: number, target: number): Promise<TrendWeek[]> {
  const weeks: { endMs: number; measured: number; atTarget: number }[] = [];
  for (let w = TREND_WEEKS - 1; w >= 0; w--) weeks.push({ endMs: nowMs - w * 7 * DAY_MS, measured: 0, atTarget: 0 });
  const fromMs = nowMs - TREND_WEEKS * 7 * DAY_MS + 1;
  for (let i = 0; i < ids.length; i += 250) {
    const readings = await readingsByPatient(db, ids.slice(i, i + 250), fromMs, nowMs + 1, 'blood-pressure-systolic');
    for (const list of readings.values()) {
      const sum = new Float64Array(TREND_WEEKS);
      const n = new Uint32Array(TREND_WEEKS);
      for (const r of list) {
        // Windows are (end − 7 days, end], as in trends.ts: a reading exactly 7 days back belongs to the week before.
        const back = nowMs - r.timeMs;
        const idx = back <= 0 ? TREND_WEEKS - 1 : TREND_WEEKS - Math.ceil(back / (7 * DAY_MS));
        if (idx < 0 || idx >= TREND_WEEKS || !Number.isFinite(r.value)) continue;
        sum[idx]! += r.value;
        n[idx]!++;
      }
      for (let k = 0; k < TREND_WEEKS; k++) {
        if (n[k] === 0) continue;
        weeks[k]!.measured++;
        if (sum[k]! / n[k]! < target) weeks[k]!.atTarget++;
      }
    }
  }
  return weeks.map((w) => ({ ...w, share: w.measured ? w.atTarget / w.measured : null }));
}

/** Everything the dashboard shows, for the whole clinic or one segment. */
export async function computeDashboard(db: CrmDb, o: DashboardOptions): Promise<DashboardData> {
  const thresholds = o.thresholds ?? DEFAULT_RISK_THRESHOLDS;
  const { rows: all, truncated } = await population(db, o);
  const analytics = await consentFor(db, all.map((p) => p.id), 'analytics');
  const consenting = all.filter((p) => analytics.get(p.id)?.status !== 'withdrawn');
  const rows = consenting.filter((p) => !isRestricted(p));
  const included = new Set(rows.map((p) => p.id));
  const risks = await assessPatients(db, rows, { nowMs: o.nowMs, zone: o.zone, thresholds });

  const byTier: Record<RiskTier, number> = { high: 0, rising: 0, moderate: 0, low: 0 };
  const openAlerts: Record<AlertPriority, number> = { high: 0, medium: 0, low: 0 };
  const adherence = ADHERENCE_BANDS.map((b) => ({ ...b, patients: 0 }));
  for (const r of risks.values()) {
    byTier[r.assessment.tier]++;
    for (const p of r.openAlerts) openAlerts[p]++;
    if (r.daysWithReadings !== undefined) {
      const band = adherence.find((b) => r.daysWithReadings! >= b.from && r.daysWithReadings! <= b.to);
      if (band) band.patients++;
    }
  }

  const enrolments = (await db.enrolments.where('status').equals('active').toArray()).filter((e) => !e.deleted && included.has(e.patientId));
  const programs = (await db.carePrograms.bulkGet([...new Set(enrolments.map((e) => e.programId))])).filter((p): p is CareProgram => !!p);
  const perProgram = new Map<string, Set<string>>();
  for (const e of enrolments) perProgram.set(e.programId, (perProgram.get(e.programId) ?? new Set()).add(e.patientId));
  const enrolled = new Set(enrolments.map((e) => e.patientId));
  const byProgram: DashboardData['byProgram'] = programs
    .map((p) => ({ programId: p.id as string | null, name: p.name, patients: perProgram.get(p.id)?.size ?? 0 }))
    .sort((a, b) => b.patients - a.patients || a.name.localeCompare(b.name));
  byProgram.push({ programId: null, name: 'No program', patients: rows.filter((p) => !enrolled.has(p.id)).length });

  const overdueTasks = { high: 0, medium: 0, low: 0, total: 0 };
  for (const status of ACTIVE_TASK_STATUSES) {
    const tasks = await db.tasks.where('[status+dueMs]').between([status, -Infinity], [status, o.nowMs], true, false).toArray();
    for (const t of tasks) {
      if (t.deleted) continue;
      // Tasks about no patient count only on the clinic-wide view.
      if (t.patientId ? !included.has(t.patientId) : !!o.filter) continue;
      overdueTasks[t.priority]++;
      overdueTasks.total++;
    }
  }

  const monitoredIds = rows.filter((p) => risks.get(p.id)?.monitored).map((p) => p.id);
  const trend = await clinicTrend(db, monitoredIds, o.nowMs, thresholds.systolicTarget);

  const riskList: RiskListRow[] = rows
    .map((p) => ({ p, r: risks.get(p.id)! }))
    .filter(({ r }) => r.assessment.tier !== 'low')
    .sort((a, b) => tierRank(a.r.assessment.tier) - tierRank(b.r.assessment.tier) || b.r.assessment.reasons.length - a.r.assessment.reasons.length || a.p.sortName.localeCompare(b.p.sortName))
    .slice(0, o.listLimit ?? 100)
    .map(({ p, r }) => ({ patientId: p.id, name: displayName(p), mrn: p.mrn, tier: r.assessment.tier, reasons: r.assessment.reasons }));

  return { nowMs: o.nowMs, patients: rows.length, withdrawnAnalytics: all.length - consenting.length, restricted: consenting.length - rows.length, byTier, byProgram, adherence, openAlerts, overdueTasks, trend, riskList, truncated };
}
