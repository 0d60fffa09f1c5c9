import { z } from 'zod';
import type { SyncedRow } from '../sync/stamped';

/** Channels a patient can be reached on; consent per channel comes with the privacy issue. */
export const CONTACT_CHANNELS = ['sms', 'email', 'phone', 'portal', 'in-app'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/** Tobacco smoking as the risk scores read it: current smokers count as smokers (issue 11). */
export const SMOKING_STATUSES = ['never', 'former', 'current'] as const;
export type SmokingStatus = (typeof SMOKING_STATUSES)[number];

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => trimmed(max).optional().transform((v) => (v ? v : undefined));

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use the form YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real date');

export const Identifier = z.object({
  system: trimmed(40).min(1, 'name the identifier type'),
  value: trimmed(64).min(1, 'enter the identifier'),
});

export const Condition = z.object({
  display: trimmed(120).min(1, 'name the condition'),
  /** SNOMED CT or ICD-10 code where known. */
  code: optionalText(20),
  onset: isoDate.optional(),
});

export const Medication = z.object({
  name: trimmed(120).min(1, 'name the medication'),
  dose: optionalText(80),
});

export const Allergy = z.object({
  substance: trimmed(120).min(1, 'name the substance'),
  reaction: optionalText(120),
  severity: z.enum(['mild', 'moderate', 'severe']).optional(),
});

export const CareTeamMember = z.object({
  name: trimmed(120).min(1, 'enter a name'),
  role: trimmed(60).min(1, 'enter a role'),
});

export const Address = z.object({
  line: optionalText(200),
  city: optionalText(80),
  region: optionalText(80),
  postalCode: optionalText(20),
  country: optionalText(60),
});

/** E.164-ish: digits with optional leading +, spaces, dashes and brackets allowed on input. */
const phone = z
  .string()
  .trim()
  .max(32)
  .refine((s) => s === '' || /^\+?[\d\s\-().]{6,}$/.test(s), 'enter a phone number of digits, optionally starting with +')
  .refine((s) => s === '' || s.replace(/\D/g, '').length >= 6, 'a phone number needs at least 6 digits')
  .optional()
  .transform((v) => (v ? v : undefined));

const email = z
  .string()
  .trim()
  .max(254)
  .refine((s) => s === '' || z.email().safeParse(s).success, 'enter an email address like name@example.org')
  .optional()
  .transform((v) => (v ? v.toLowerCase() : undefined));

/** What staff enter for a patient; validated as a whole so nothing half-valid is ever saved. */
export const PatientInput = z
  .object({
    givenName: trimmed(80).min(1, 'enter the given name'),
    familyName: trimmed(80).min(1, 'enter the family name'),
    preferredName: optionalText(80),
    birthDate: isoDate.refine((s) => s <= new Date().toISOString().slice(0, 10), 'cannot be in the future')
      .refine((s) => s >= '1900-01-01', 'must be after 1900'),
    sex: z.enum(SEXES, { error: 'choose female, male, other or unknown' }),
    mrn: trimmed(32)
      .min(1, 'enter the medical record number')
      .regex(/^[A-Za-z0-9\-_/.]+$/, 'letters, digits and - _ / . only'),
    identifiers: z.array(Identifier).max(10).default([]),
    phone,
    email,
    address: Address.prefault({}),
    preferredLanguage: trimmed(35)
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'use a language tag like en, es or pt-BR')
      .default('en'),
    preferredChannel: z.enum(CONTACT_CHANNELS).default('sms'),
    conditions: z.array(Condition).max(50).default([]),
    medications: z.array(Medication).max(50).default([]),
    allergies: z.array(Allergy).max(50).default([]),
    tags: z.array(trimmed(40).min(1)).max(20).default([]),
    careTeam: z.array(CareTeamMember).max(20).default([]),
    /** Not asked: empty. */
    smokingStatus: z
      .union([z.literal(''), z.enum(SMOKING_STATUSES)], { error: 'choose never, former or current smoker' })
      .transform((v) => (v ? v : undefined))
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.preferredChannel === 'email' && !p.email) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'email is the preferred channel, so enter an email address' });
    }
    if ((p.preferredChannel === 'sms' || p.preferredChannel === 'phone') && !p.phone) {
      ctx.addIssue({ code: 'custom', path: ['phone'], message: `${p.preferredChannel === 'sms' ? 'SMS' : 'phone'} is the preferred channel, so enter a phone number` });
    }
  });

export type PatientInput = z.input<typeof PatientInput>;
export type PatientFields = z.output<typeof PatientInput>;

export type PatientStatus = 'active' | 'archived';

export interface Patient extends SyncedRow, PatientFields {
  status: PatientStatus;
  /** Lower-cased words and digits that patient search matches by prefix (derived, not synced). */
  searchTokens: string[];
}

export type FieldErrors = Partial<Record<string, string>>;

/** Flattens validation issues into one message per field path ('email', 'conditions.0.display'). */
export function fieldErrors(err: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const key = issue.path.join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** Age in whole years on `today` (YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function displayName(p: Pick<Patient, 'givenName' | 'familyName' | 'preferredName'>): string {
  return `${p.familyName}, ${p.preferredName ? `${p.givenName} (${p.preferredName})` : p.givenName}`;
}
