import { z } from 'zod';
import { hasConsent, type ConsentState } from './consent';

/**
 * Patient rights under the GDPR that change what CareLoop may do with a record:
 * restriction of processing (Art. 18) and erasure (Art. 17). Both are recorded with a
 * ground from a fixed list rather than free text, so that the record of the decision (the
 * patient row, the audit entry, the server's tombstone) never carries patient data.
 */

/** Art. 18(1)(a)–(d), and a retention duty that refused erasure (Art. 17(3)(b)/(c)). */
export const RESTRICTION_GROUNDS = ['accuracy-contested', 'unlawful-processing', 'legal-claims', 'objection-pending', 'retention-duty'] as const;
export type RestrictionGround = (typeof RESTRICTION_GROUNDS)[number];

export const RESTRICTION_GROUND_LABELS: Readonly<Record<RestrictionGround, string>> = {
  'accuracy-contested': 'The patient contests the accuracy of the data',
  'unlawful-processing': 'Processing is unlawful and the patient asks for restriction instead of erasure',
  'legal-claims': 'The patient needs the data kept for legal claims',
  'objection-pending': 'The patient objected; verification pending',
  'retention-duty': 'Erasure refused because of a retention duty',
};

/** Art. 17(1)(a)–(f). */
export const ERASURE_GROUNDS = ['no-longer-necessary', 'consent-withdrawn', 'objection', 'unlawful-processing', 'legal-obligation', 'child-information-society'] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];

export const ERASURE_GROUND_LABELS: Readonly<Record<ErasureGround, string>> = {
  'no-longer-necessary': 'No longer necessary for the purpose collected',
  'consent-withdrawn': 'Consent withdrawn and no other legal ground',
  objection: 'The patient objected and no overriding legitimate grounds',
  'unlawful-processing': 'Processed unlawfully',
  'legal-obligation': 'Erasure required by law',
  'child-information-society': 'Collected from a child for an online service',
};

/** The restriction flag as stored on the patient row (a synced field, `restriction`). */
export interface ProcessingRestriction {
  ground: RestrictionGround;
  /** Who restricted it (staff name, as in the audit log). */
  by: string;
  atMs: number;
}

export const RestrictionInput = z.object({
  patientId: z.string().min(1),
  ground: z.enum(RESTRICTION_GROUNDS, { error: 'choose why processing is restricted' }),
});
export type RestrictionInput = z.input<typeof RestrictionInput>;

export const ErasureInput = z.object({
  patientId: z.string().min(1),
  ground: z.enum(ERASURE_GROUNDS, { error: 'choose the ground for erasure' }),
});
export type ErasureInput = z.input<typeof ErasureInput>;

/** Fields a patient tombstone keeps after erasure: nothing that identifies the person. */
export const ERASURE_FIELD = 'erasedMs';
export const ERASURE_GROUND_FIELD = 'erasureGround';
export const TOMBSTONE_FIELDS: ReadonlySet<string> = new Set(['clinicId', 'deleted', 'status', 'createdAt', ERASURE_FIELD, ERASURE_GROUND_FIELD]);

/** What every part of the app that acts on a patient reads from the row: restricted or not. */
export function restrictionOf(patient: object | undefined): ProcessingRestriction | undefined {
  const r = (patient as { restriction?: Partial<ProcessingRestriction> | null } | undefined)?.restriction;
  if (!r || typeof r !== 'object' || typeof r.ground !== 'string') return undefined;
  return r as ProcessingRestriction;
}

export function isRestricted(patient: object | undefined): boolean {
  return restrictionOf(patient) !== undefined;
}

export function isErased(patient: object | undefined): boolean {
  return typeof (patient as Record<string, unknown> | undefined)?.[ERASURE_FIELD] === 'number';
}

/** Clinical records are kept this long by default (many jurisdictions ask 10 years after the last entry). */
export const DEFAULT_RETENTION_YEARS = 10;
export const RetentionYears = z.number().int('whole years').min(0).max(100);

const YEAR_MS = 365.25 * 86_400_000;

/**
 * The retention duty that blocks erasure (Art. 17(3)(b)/(c)): the latest clinical record is
 * younger than the clinic's retention period. Returns the date until which it must be kept.
 */
export function retentionBlocksUntil(latestClinicalMs: number | undefined, nowMs: number, retentionYears: number): number | undefined {
  if (latestClinicalMs === undefined) return undefined;
  const until = latestClinicalMs + retentionYears * YEAR_MS;
  return until > nowMs ? until : undefined;
}

/**
 * Why a disclosure to another provider is refused, or undefined when it may go ahead. Under
 * restriction (Art. 18(2)) data may still be disclosed with the patient's consent, which is
 * exactly what this requires, so restriction adds no further condition here.
 */
export function sharingRefusal(state: ConsentState): string | undefined {
  if (hasConsent(state, 'sharing')) return undefined;
  return state.sharing?.status === 'withdrawn'
    ? 'The patient has withdrawn consent to sharing with other providers.'
    : 'The patient has not consented to sharing with other providers.';
}
