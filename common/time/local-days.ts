/**
 * Calendar days and months in a named IANA time zone, computed with Intl only (no ambient
 * clock, no host zone): billing counts "days with readings" and "minutes in a calendar
 * month" as the clinic's wall calendar sees them, across daylight-saving changes.
 */

/** An ISO calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

export class TimeZoneError extends Error {
  override readonly name = 'TimeZoneError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new TimeZoneError(`unknown time zone "${zone}" (use an IANA name such as America/Chicago)`);
    }
    formatters.set(zone, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The zone's wall clock at instant `ms`. */
export function wallTime(ms: number, zone: string): WallTime {
  // UTC needs no zone data: Date's own fields, without Intl's formatter (the slow part).
  if ((zone === 'UTC' || zone === 'Etc/UTC') && Number.isFinite(ms)) {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const out: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** How far the zone's wall clock is ahead of UTC at instant `ms`, in ms. */
export function zoneOffsetMs(ms: number, zone: string): number {
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function parseDate(date: IsoDate): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date of the form YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new RangeError(`"${date}" is not a real date`);
  return [y, mo, d];
}

/** The calendar date in `zone` at instant `ms`. */
export function localDate(ms: number, zone: string): IsoDate {
  const w = wallTime(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The calendar month ('YYYY-MM') in `zone` at instant `ms`. */
export function localMonth(ms: number, zone: string): string {
  return localDate(ms, zone).slice(0, 7);
}

/** `date` plus `days` calendar days (days may be negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = parseDate(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole calendar days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  const [ay, am, ad] = parseDate(a);
  const [by, bm, bd] = parseDate(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
}

/**
 * The first instant of calendar day `date` in `zone`. Where a zone skips midnight (a DST
 * change at 00:00, e.g. America/Santiago), the day starts at the first wall time that exists.
 */
export function startOfLocalDay(date: IsoDate, zone: string): number {
  const key = `${zone}|${date}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return known;
  const start = computeStartOfLocalDay(date, zone);
  // Worklists ask for the same few dozen days for every patient; Intl is the slow part.
  if (dayStarts.size >= DAY_START_CACHE) dayStarts.clear();
  dayStarts.set(key, start);
  return start;
}

const DAY_START_CACHE = 20_000;
const dayStarts = new Map<string, number>();

function computeStartOfLocalDay(date: IsoDate, zone: string): number {
  const [y, m, d] = parseDate(date);
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Two passes settle the offset on either side of a transition.
  let guess = wallMidnight - zoneOffsetMs(wallMidnight, zone);
  guess = wallMidnight - zoneOffsetMs(guess, zone);
  if (localDate(guess, zone) !== date) {
    // Midnight does not exist that day: step forward to where the day begins.
    const before = guess;
    let lo = before;
    let hi = before + 3 * 3_600_000;
    while (localDate(lo, zone) === localDate(hi, zone)) hi += 3_600_000;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (localDate(mid, zone) < date) lo = mid;
      else hi = mid;
    }
    return hi - (hi % 1000);
  }
  // A wall time may occur twice (clocks back at midnight): take the earlier instant.
  const earlier = guess - 3_600_000;
  if (localDate(earlier, zone) === date && wallTime(earlier, zone).hour === 0 && wallTime(earlier, zone).minute === 0) return earlier;
  return guess;
}

/** The instants at which each of `count` consecutive local days starting at `first` begins, plus the end of the last. */
export function localDayBoundaries(first: IsoDate, count: number, zone: string): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(startOfLocalDay(addDays(first, i), zone));
  return out;
}
