import { z } from 'zod';
import { RISK_TIERS } from './risk-tier';
import { SegmentFilter } from './segment-filter';

const tierCounts = z.object({ high: z.number(), rising: z.number(), moderate: z.number(), low: z.number() });
const priorityCounts = z.object({ high: z.number(), medium: z.number(), low: z.number() });

export const RiskReasonSchema = z.object({
  code: z.string(),
  tier: z.enum(['high', 'rising', 'moderate']),
  value: z.number(),
  limit: z.number(),
  text: z.string(),
});

export const DashboardSchema = z.object({
  nowMs: z.number(),
  patients: z.number(),
  withdrawnAnalytics: z.number(),
  restricted: z.number(),
  byTier: tierCounts,
  byProgram: z.array(z.object({ programId: z.string().nullable(), name: z.string(), patients: z.number() })),
  adherence: z.array(z.object({ label: z.string(), from: z.number(), to: z.number(), patients: z.number() })),
  openAlerts: priorityCounts,
  overdueTasks: priorityCounts.extend({ total: z.number() }),
  trend: z.array(z.object({ endMs: z.number(), measured: z.number(), atTarget: z.number(), share: z.number().nullable() })),
  riskList: z.array(z.object({ patientId: z.string(), name: z.string(), mrn: z.string(), tier: z.enum(RISK_TIERS), reasons: z.array(RiskReasonSchema) })),
  truncated: z.boolean(),
});

/** The engine's dashboard method: the population figures are computed in the worker, off the UI thread. */
export const dashboardMethods = {
  'dashboard.compute': {
    params: z
      .object({
        /** The clinic's IANA time zone (adherence counts its calendar days). */
        zone: z.string().min(1).max(64),
        filter: SegmentFilter.optional(),
        listLimit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: DashboardSchema,
  },
};
