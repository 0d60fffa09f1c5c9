import { z } from 'zod';

/**
 * What a patient can consent to. Messaging consent is per channel; monitoring gates storing
 * device data; sharing and analytics gate disclosures and population figures.
 */
export const CONSENT_PURPOSES = ['monitoring', 'sms', 'email', 'phone', 'portal', 'in-app', 'sharing', 'analytics'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const CONSENT_METHODS = ['written', 'verbal', 'electronic'] as const;

/**
 * One consent decision. Decisions are immutable and append-only: the current state of a
 * purpose is its latest decision, and the history is the record of who recorded what, when
 * and how (GDPR Art. 7(1) demonstrability, 7(3) withdrawal).
 */
export interface ConsentDecision {
  id: string;
  clinicId: string;
  patientId: string;
  purpose: ConsentPurpose;
  status: 'given' | 'withdrawn';
  recordedMs: number;
  recordedBy: string;
  method: (typeof CONSENT_METHODS)[number];
  /** Reference to the signed form or recording, where there is one. */
  document?: string;
  note?: string;
}

export const ConsentInput = z.object({
  patientId: z.string().min(1),
  purpose: z.enum(CONSENT_PURPOSES),
  status: z.enum(['given', 'withdrawn']),
  method: z.enum(CONSENT_METHODS, { error: 'say how consent was given or withdrawn' }),
  document: z.string().trim().max(200).optional().transform((v) => (v ? v : undefined)),
  note: z.string().trim().max(500).optional().transform((v) => (v ? v : undefined)),
});
export type ConsentInput = z.input<typeof ConsentInput>;

export type ConsentState = Partial<Record<ConsentPurpose, ConsentDecision>>;

/** The latest decision per purpose; ties (same ms) are settled by id so every workstation agrees. */
export function currentConsents(decisions: readonly ConsentDecision[]): ConsentState {
  const out: ConsentState = {};
  for (const d of decisions) {
    const cur = out[d.purpose];
    if (!cur || d.recordedMs > cur.recordedMs || (d.recordedMs === cur.recordedMs && d.id > cur.id)) out[d.purpose] = d;
  }
  return out;
}

export function hasConsent(state: ConsentState, purpose: ConsentPurpose): boolean {
  return state[purpose]?.status === 'given';
}
