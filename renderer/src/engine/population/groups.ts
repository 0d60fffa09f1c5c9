import type { RiskTier } from '../insights/risk-tier';

/** How population figures are broken down. */
export const GROUP_BYS = ['all', 'program', 'condition', 'age-band', 'risk-tier'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const AGE_BANDS = ['<18', '18–39', '40–49', '50–59', '60–69', '70–79', '80–89', '90+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBand(age: number): AgeBand {
  if (age < 18) return '<18';
  if (age < 40) return '18–39';
  if (age >= 90) return '90+';
  return AGE_BANDS[Math.floor(age / 10) - 2]!;
}

/** What the breakdowns need of one included patient (no names, no identifiers). */
export interface PopulationPatient {
  id: string;
  ageBand: AgeBand;
  /** Programs of the patient's active enrolments. */
  programIds: readonly string[];
  /** Condition keys (ICD-10 category, else the folded display text). */
  conditionKeys: readonly string[];
  tier?: RiskTier;
  /** Active enrolments, for the before/after comparison. */
  enrolments: readonly { programId: string; startMs: number }[];
  /** The patient's home blood-pressure target (their programs' strictest); else the query's. */
  bpTarget?: { systolic: number; diastolic: number };
}

export interface GroupLabel {
  key: string;
  label: string;
}

export const NO_GROUP = 'none';

/** The groups a patient counts in under a breakdown. */
export function groupKeysOf(p: PopulationPatient, by: GroupBy): readonly string[] {
  switch (by) {
    case 'all':
      return ['all'];
    case 'program':
      return p.programIds.length ? p.programIds : [NO_GROUP];
    case 'condition':
      return p.conditionKeys.length ? p.conditionKeys : [NO_GROUP];
    case 'age-band':
      return [p.ageBand];
    case 'risk-tier':
      return [p.tier ?? 'unknown'];
  }
}

/** A condition's group key: its ICD-10 category (three characters) when coded, else its folded text. */
export function conditionKey(c: { display: string; code?: string | undefined }): GroupLabel {
  const code = c.code?.trim().toUpperCase();
  if (code && /^[A-Z]\d{2}/.test(code)) return { key: code.slice(0, 3), label: c.display };
  return { key: c.display.trim().toLowerCase(), label: c.display };
}
