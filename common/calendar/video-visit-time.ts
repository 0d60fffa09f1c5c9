import type { TimeLogInput } from '../billing/time-log';
import { localDate } from '../time/local-days';

/**
 * A video visit counts toward the patient's monitoring minutes (RPM/CCM management time is
 * counted per calendar month and needs an interactive contact): the time from joining to
 * ending the call becomes one 'video-visit' time-log entry, which staff can edit afterwards.
 */

/** TimeLogInput allows at most 240 minutes in one entry. */
export const MAX_VISIT_MINUTES = 240;

export class VideoVisitTimeError extends Error {
  override readonly name = 'VideoVisitTimeError';
}

export interface VideoVisitSpan {
  patientId: string;
  appointmentId: string;
  staffName: string;
  staffId?: string;
  joinedMs: number;
  endedMs: number;
  /** The clinic's zone: the service date is the local date the visit started. */
  zone: string;
}

/** Whole minutes of a call, at least one (a call that happened is a contact). */
export function visitMinutes(joinedMs: number, endedMs: number): number {
  if (!Number.isFinite(joinedMs) || !Number.isFinite(endedMs) || endedMs < joinedMs) throw new VideoVisitTimeError('the visit ended before it started');
  return Math.min(MAX_VISIT_MINUTES, Math.max(1, Math.round((endedMs - joinedMs) / 60_000)));
}

export function videoVisitTimeEntry(s: VideoVisitSpan): TimeLogInput {
  const minutes = visitMinutes(s.joinedMs, s.endedMs);
  const capped = (s.endedMs - s.joinedMs) / 60_000 > MAX_VISIT_MINUTES + 0.5;
  return {
    patientId: s.patientId,
    ...(s.staffId ? { staffId: s.staffId } : {}),
    staffName: s.staffName,
    minutes,
    date: localDate(s.joinedMs, s.zone),
    activity: 'video-visit',
    interactive: true,
    note: `Video visit (appointment ${s.appointmentId.slice(-8)})${capped ? `; the call lasted longer than ${MAX_VISIT_MINUTES} minutes, log the rest separately` : ''}`,
  };
}
