/**
 * Wall-clock date and time of an instant in an IANA time zone, through Intl (no Node, no DOM).
 * Reports by time of day (the glucose profile, morning and evening blood pressure) are about the
 * patient's day, not UTC's.
 */

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
}

export class TimeZoneError extends Error {
  override readonly name = 'TimeZoneError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      throw new TimeZoneError(`unknown time zone '${timeZone}'`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatterFor(timeZone).formatToParts(epochMs)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return { date: `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}`, minuteOfDay: hour * 60 + Number(parts.minute) };
}

/** Whole days from `from` to `to`, both YYYY-MM-DD (calendar arithmetic, no zone). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
