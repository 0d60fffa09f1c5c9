import { TimeZoneError, daysBetween, wallTime } from '../../../../common/time/local-days';

/**
 * Wall-clock date and time of an instant in an IANA time zone. Reports by time of day (the
 * glucose profile, morning and evening blood pressure) are about the patient's day, not UTC's.
 */
export { TimeZoneError, daysBetween };

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const w = wallTime(epochMs, timeZone);
  return { date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`, minuteOfDay: w.hour * 60 + w.minute };
}
