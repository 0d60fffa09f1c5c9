import { decodeHlc, isHlcStamp } from '../sync/hlc';

/**
 * The iCalendar SEQUENCE of an appointment (RFC 5545 §3.8.7.4: it grows with every
 * significant revision), derived from the row itself so that the workstation's download,
 * the server's feed and the invitations agree without a stored counter: the seconds since
 * 2024-01-01 of the latest change to a field a calendar shows. A later change always has
 * a later clock stamp, so the number only grows; it fits the INTEGER of RFC 5545 until 2092.
 */

/** Fields whose change a calendar must pick up (time, who, where, whether it happens). */
export const SIGNIFICANT_FIELDS = ['startMs', 'endMs', 'status', 'staffId', 'roomId', 'modality', 'videoUrl', 'deleted'] as const;

const EPOCH_MS = Date.UTC(2024, 0, 1);

export function sequenceOf(stamps: Readonly<Record<string, string | undefined>>): number {
  let latest = 0;
  for (const field of SIGNIFICANT_FIELDS) {
    const stamp = stamps[field];
    if (isHlcStamp(stamp)) latest = Math.max(latest, decodeHlc(stamp).wallMs);
  }
  return Math.max(0, Math.floor((latest - EPOCH_MS) / 1000));
}
