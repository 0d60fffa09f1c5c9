import { z } from 'zod';
import type { SyncedRow } from '../sync/stamped';

export const TIME_ACTIVITIES = ['data-review', 'interactive-call', 'video-visit', 'care-plan'] as const;
export type TimeActivity = (typeof TIME_ACTIVITIES)[number];

export const TIME_ACTIVITY_LABEL: Record<TimeActivity, string> = {
  'data-review': 'Review of data',
  'interactive-call': 'Interactive call',
  'video-visit': 'Video visit',
  'care-plan': 'Care plan',
};

/** Activities that are a real-time conversation with the patient or caregiver by nature. */
const ALWAYS_INTERACTIVE: ReadonlySet<TimeActivity> = new Set(['interactive-call', 'video-visit']);

/**
 * Staff time spent on a patient's remote monitoring. Management codes count minutes per
 * calendar month and need at least one interactive contact, so each entry says whether it
 * was one. `date` is the service date in the clinic's calendar (not an instant), which is
 * what a claim reports.
 */
export interface TimeLogEntry extends SyncedRow {
  patientId: string;
  staffId?: string;
  staffName: string;
  minutes: number;
  date: string;
  activity: TimeActivity;
  interactive: boolean;
  note?: string;
}

export const TimeLogInput = z
  .object({
    patientId: z.string().min(1, 'choose a patient'),
    staffId: z.string().optional().transform((v) => (v ? v : undefined)),
    staffName: z.string().trim().min(1, 'say who spent the time').max(120),
    minutes: z
      .number({ error: 'enter the minutes spent' })
      .int('whole minutes only')
      .min(1, 'at least 1 minute')
      .max(240, 'at most 240 minutes in one entry; log longer work as several entries'),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use the form YYYY-MM-DD')
      .refine((s) => {
        const d = new Date(`${s}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
      }, 'is not a real date'),
    activity: z.enum(TIME_ACTIVITIES, { error: 'choose what the time was spent on' }),
    /** Defaults from the activity: calls and video visits are interactive. */
    interactive: z.boolean().optional(),
    note: z.string().trim().max(500, 'at most 500 characters').optional().transform((v) => (v ? v : undefined)),
  })
  .transform((t) => ({ ...t, interactive: t.interactive ?? ALWAYS_INTERACTIVE.has(t.activity) }))
  .superRefine((t, ctx) => {
    if (t.activity === 'data-review' && t.interactive) {
      ctx.addIssue({ code: 'custom', path: ['interactive'], message: 'a review of data is not a real-time contact; log the call separately' });
    }
    if (ALWAYS_INTERACTIVE.has(t.activity) && !t.interactive) {
      ctx.addIssue({ code: 'custom', path: ['interactive'], message: 'calls and video visits are interactive contacts' });
    }
  });
export type TimeLogInput = z.input<typeof TimeLogInput>;
