import { z } from 'zod';
import { SEXES } from '../../../../common/patient/patient';
import { RISK_TIERS } from './risk-tier';

/**
 * A saved segment's filter (issue 7, Segmentation): demographics, conditions, programs, tags,
 * risk tier and readings. Every part narrows; within a list, any entry matches.
 */

const text = z.string().trim().min(1).max(80);

export const SegmentFilter = z
  .object({
    /** Age in whole years, both ends included. */
    ageMin: z.number().int().min(0).max(130).optional(),
    ageMax: z.number().int().min(0).max(130).optional(),
    sexes: z.array(z.enum(SEXES)).max(4).optional(),
    /** Any of these, matched case-insensitively against a condition's text or code start. */
    conditions: z.array(text).max(20).optional(),
    /** Any of these care programs (ids), in an active enrolment. */
    programIds: z.array(z.string().min(1)).max(20).optional(),
    /** Any of these tags. */
    tags: z.array(text).max(20).optional(),
    riskTiers: z.array(z.enum(RISK_TIERS)).max(4).optional(),
    /** No point reading in the last N days. */
    noReadingForDays: z.number().int().min(1).max(365).optional(),
    /** Latest systolic pressure above this many mmHg. */
    latestSystolicAbove: z.number().min(40).max(300).optional(),
  })
  .strict()
  .refine((f) => f.ageMin === undefined || f.ageMax === undefined || f.ageMin <= f.ageMax, { message: 'the lowest age must not be above the highest', path: ['ageMax'] });
export type SegmentFilter = z.output<typeof SegmentFilter>;
