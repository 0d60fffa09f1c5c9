import { z } from 'zod';

/**
 * Workflows are records staff edit (issue 7, "the care loop"): a trigger, conditions that
 * must all hold for the patient, and actions. Environment-free: validated here, decided in
 * decide.ts, executed by the runner.
 */

export const METRICS = [
  'heart-rate',
  'blood-pressure-systolic',
  'blood-pressure-diastolic',
  'blood-pressure-mean',
  'spo2',
  'pulse-rate',
  'glucose',
  'body-temperature',
  'body-weight',
  'respiratory-rate',
  'steps',
] as const;
export type WorkflowMetric = (typeof METRICS)[number];

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RISK_TIERS = ['high', 'medium', 'low'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Channels a workflow may message a patient on; 'preferred' is the patient's own choice. */
export const WORKFLOW_CHANNELS = ['preferred', 'sms', 'email', 'portal', 'in-app'] as const;
export type WorkflowChannel = (typeof WORKFLOW_CHANNELS)[number];

export const STAFF_ROLES = ['physician', 'nurse', 'care-coordinator', 'front-desk'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const name = (what: string, max = 120) => z.string().trim().min(1, `enter ${what}`).max(max, `${what} must be at most ${max} characters`);
const wholeBetween = (min: number, max: number, what: string) =>
  z.number({ error: `enter ${what}` }).int(`${what} must be a whole number`).min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour times like 08:00');

/** A reading is on target when it is below `below` and above `above` (either may be left out). */
export const Target = z
  .object({ metric: z.enum(METRICS), below: z.number().optional(), above: z.number().optional() })
  .refine((t) => t.below !== undefined || t.above !== undefined, 'give a lower or an upper limit')
  .refine((t) => t.below === undefined || t.above === undefined || t.above < t.below, 'the lower limit must be below the upper limit');
export type Target = z.output<typeof Target>;

/** A reading trips the trigger when it is at or above `atOrAbove`, or at or below `atOrBelow`. */
export const ReadingLimit = z
  .object({ metric: z.enum(METRICS), atOrAbove: z.number().optional(), atOrBelow: z.number().optional() })
  .refine((t) => t.atOrAbove !== undefined || t.atOrBelow !== undefined, 'give a limit at or above, or at or below');
export type ReadingLimit = z.output<typeof ReadingLimit>;

export const Trigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('alert-opened'), priorities: z.array(z.enum(PRIORITIES)).min(1, 'choose at least one priority'), ruleIds: z.array(z.string().min(1)).optional() }),
  z.object({ kind: z.literal('reading-received'), limit: ReadingLimit }),
  z.object({ kind: z.literal('appointment-booked') }),
  z.object({ kind: z.literal('appointment-upcoming'), hoursBefore: wholeBetween(1, 336, 'the hours before') }),
  z.object({ kind: z.literal('appointment-missed') }),
  z.object({ kind: z.literal('no-reading'), days: wholeBetween(1, 60, 'the number of days') }),
  z.object({ kind: z.literal('enrolment'), programKeys: z.array(z.string().min(1)).optional() }),
  z.object({ kind: z.literal('birthday') }),
  z.object({ kind: z.literal('goal-met'), targets: z.array(Target).min(1, 'give at least one target'), days: wholeBetween(3, 28, 'the number of days') }),
  z.object({ kind: z.literal('medication-schedule'), times: z.array(clockTime).min(1, 'give at least one time').max(6, 'at most 6 times a day') }),
]);
export type Trigger = z.output<typeof Trigger>;
export type TriggerKind = Trigger['kind'];

export const Condition = z.discriminatedUnion('kind', [
  /** Matches a condition's display text (case-insensitive, contains) or its code exactly. */
  z.object({ kind: z.literal('has-condition'), text: name('a condition', 120) }),
  z.object({ kind: z.literal('has-tag'), tag: name('a tag', 40) }),
  z.object({ kind: z.literal('in-program'), programKey: name('a program', 60) }),
  z.object({ kind: z.literal('has-consent'), purpose: z.enum(['sms', 'email', 'portal', 'in-app', 'monitoring']) }),
  z.object({ kind: z.literal('risk-tier'), tiers: z.array(z.enum(RISK_TIERS)).min(1, 'choose at least one tier') }),
  z.object({ kind: z.literal('has-medications') }),
]);
export type Condition = z.output<typeof Condition>;

export const Action = z.discriminatedUnion('kind', [
  /** `template` is a message template's name (templates are looked up by name, like care programs do). */
  z.object({ kind: z.literal('send-message'), template: name('a template name'), channel: z.enum(WORKFLOW_CHANNELS).default('preferred') }),
  z.object({ kind: z.literal('notify-care-team'), text: name('what to tell the care team', 500) }),
  z.object({
    kind: z.literal('create-task'),
    title: name('a task title', 160),
    /** Preferred role within the patient's care team; the first matching member is assigned. */
    role: z.enum(STAFF_ROLES).optional(),
    dueInHours: wholeBetween(0, 24 * 30, 'the hours until due'),
    priority: z.enum(PRIORITIES).default('medium'),
  }),
  z.object({ kind: z.literal('book-follow-up'), withinDays: wholeBetween(1, 30, 'the number of days'), appointmentType: name('an appointment type', 80).default('Remote monitoring review') }),
  z.object({ kind: z.literal('set-risk-tier'), tier: z.enum(RISK_TIERS) }),
]);
export type Action = z.output<typeof Action>;
export type ActionKind = Action['kind'];

export const WorkflowDefinition = z.object({
  /** Stable short name ('appointment-reminder'), unique in the clinic. */
  key: z.string().regex(/^[a-z0-9-]{2,60}$/, 'use 2 to 60 lower-case letters, digits and dashes'),
  name: name('a name'),
  /** Why the clinic runs it: shown to staff beside the switch. */
  rationale: z.string().trim().max(500, 'the rationale must be at most 500 characters').default(''),
  enabled: z.boolean().default(true),
  /** Wait this long after the trigger before acting (a run is scheduled, then done on a tick). */
  delayMinutes: wholeBetween(0, 7 * 24 * 60, 'the delay in minutes').default(0),
  trigger: Trigger,
  conditions: z.array(Condition).max(10, 'at most 10 conditions').default([]),
  actions: z.array(Action).min(1, 'add at least one action').max(10, 'at most 10 actions'),
});
export type WorkflowDefinition = z.output<typeof WorkflowDefinition>;
export type WorkflowInput = z.input<typeof WorkflowDefinition>;

/** A definition failed validation; `fields` has one message per path ('actions.0.template'). */
export class WorkflowValidationError extends Error {
  override readonly name = 'WorkflowValidationError';
  constructor(readonly fields: Record<string, string>) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

export function parseWorkflow(input: unknown): WorkflowDefinition {
  const parsed = WorkflowDefinition.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || '_'] ??= issue.message;
  throw new WorkflowValidationError(fields);
}

/** The tag that stores a patient's risk tier ('risk:high'): tags are audited patient fields. */
export const RISK_TAG_PREFIX = 'risk:';

export function riskTierOf(tags: readonly string[]): RiskTier | undefined {
  const tag = tags.find((t) => t.startsWith(RISK_TAG_PREFIX));
  const tier = tag?.slice(RISK_TAG_PREFIX.length);
  return (RISK_TIERS as readonly string[]).includes(tier ?? '') ? (tier as RiskTier) : undefined;
}

export function withRiskTier(tags: readonly string[], tier: RiskTier | undefined): string[] {
  const rest = tags.filter((t) => !t.startsWith(RISK_TAG_PREFIX));
  return tier ? [...rest, `${RISK_TAG_PREFIX}${tier}`] : rest;
}

/** One line a person reads, e.g. in the workflows list: what starts the workflow. */
export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'alert-opened':
      return `An alert of ${t.priorities.join(' or ')} priority opens${t.ruleIds?.length ? ` (rules ${t.ruleIds.join(', ')})` : ''}`;
    case 'reading-received':
      return `A ${t.limit.metric} reading ${[t.limit.atOrAbove !== undefined ? `at or above ${t.limit.atOrAbove}` : '', t.limit.atOrBelow !== undefined ? `at or below ${t.limit.atOrBelow}` : ''].filter(Boolean).join(' or ')} arrives`;
    case 'appointment-booked':
      return 'An appointment is booked';
    case 'appointment-upcoming':
      return `An appointment is ${t.hoursBefore} hours away`;
    case 'appointment-missed':
      return 'An appointment is marked no-show';
    case 'no-reading':
      return `No reading for ${t.days} days`;
    case 'enrolment':
      return `The patient is enrolled${t.programKeys?.length ? ` in ${t.programKeys.join(' or ')}` : ' in any program'}`;
    case 'birthday':
      return "The patient's birthday";
    case 'goal-met':
      return `Every day for ${t.days} days with readings, all on target (${t.targets.map((x) => `${x.metric} ${describeTarget(x)}`).join('; ')})`;
    case 'medication-schedule':
      return `Medication times ${t.times.join(', ')}`;
  }
}

function describeTarget(t: Target): string {
  return [t.above !== undefined ? `above ${t.above}` : '', t.below !== undefined ? `below ${t.below}` : ''].filter(Boolean).join(' and ');
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'send-message':
      return `Send “${a.template}” on ${a.channel === 'preferred' ? "the patient's preferred channel" : a.channel}`;
    case 'notify-care-team':
      return 'Notify the care team';
    case 'create-task':
      return `Task “${a.title}” (${a.priority}, due in ${a.dueInHours} h${a.role ? `, for the ${a.role}` : ''})`;
    case 'book-follow-up':
      return `Book a ${a.appointmentType} within ${a.withinDays} days`;
    case 'set-risk-tier':
      return `Set risk tier to ${a.tier}`;
  }
}
