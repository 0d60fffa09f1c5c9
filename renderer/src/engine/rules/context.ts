import type { Applicability, Criterion } from './rule';
import type { Consciousness } from './news2';

/**
 * What the engine needs to know about a patient to decide which rules apply and how:
 * taken from the patient record (conditions, tags) and the care plan (programs, oxygen).
 */
export interface PatientRuleContext {
  patientId: string;
  conditions: { display: string; code?: string | undefined }[];
  tags: string[];
  /** Remote-monitoring programs the patient is enrolled in (e.g. 'heart-failure-rpm'). */
  programs: string[];
  /** On prescribed supplemental oxygen at home (NEWS2 air or oxygen). */
  onOxygen?: boolean;
  /** Last recorded ACVPU level, when staff record one. */
  consciousness?: Consciousness;
  /** Explicit SpO2 scale from the care plan; otherwise a NEWS2 rule's scale2For criteria decide. */
  spo2Scale?: 1 | 2;
  /** Start of monitoring (epoch ms): the baseline for missing-data rules before any reading arrives. */
  monitoringSinceMs?: number;
}

/** A patient with no record details: every rule for 'all' patients applies. */
export function emptyContext(patientId: string): PatientRuleContext {
  return { patientId, conditions: [], tags: [], programs: [] };
}

const fold = (s: string) => s.trim().toLowerCase();

/**
 * A condition criterion matches a condition whose display text contains it (case-insensitive)
 * or whose code starts with it ('I50' matches 'I50.9', heart failure unspecified).
 */
export function matchesCriterion(ctx: PatientRuleContext, c: Criterion): boolean {
  const v = fold(c.value);
  switch (c.kind) {
    case 'condition':
      return ctx.conditions.some((d) => fold(d.display).includes(v) || (d.code !== undefined && fold(d.code).startsWith(v)));
    case 'tag':
      return ctx.tags.some((t) => fold(t) === v);
    case 'program':
      return ctx.programs.some((p) => fold(p) === v);
  }
}

export function matchesAny(ctx: PatientRuleContext, criteria: readonly Criterion[]): boolean {
  return criteria.some((c) => matchesCriterion(ctx, c));
}

export function applies(a: Applicability, ctx: PatientRuleContext): boolean {
  const included = a.patients === 'all' || matchesAny(ctx, a.patients);
  return included && !matchesAny(ctx, a.except);
}
