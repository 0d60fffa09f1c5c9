/**
 * The population summaries' calendar: UTC days, months and years. Summaries are kept as
 * readings are stored, before anyone asks in which zone to show them, so they are bucketed
 * by UTC day; a clinic far from UTC sees an evening reading on the next day, which moves
 * a day count or a 7-day window by one day at most and does not change a month's mean.
 */

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) of a time in epoch ms. */
export function dayNumber(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

const yearStarts = new Map<number, number>();

/** Day number of 1 January of a year (memoised: population figures ask millions of times). */
export function yearStartDay(year: number): number {
  let d = yearStarts.get(year);
  if (d === undefined) yearStarts.set(year, (d = Date.UTC(year, 0, 1) / DAY_MS));
  return d;
}

export function daysInYear(year: number): number {
  return yearStartDay(year + 1) - yearStartDay(year);
}

/** Year and 0-based day of the year of a day number. */
export function yearAndDay(day: number): { year: number; dayOfYear: number } {
  let year = 1970 + Math.floor(day / 365.2425);
  while (yearStartDay(year) > day) year--;
  while (yearStartDay(year + 1) <= day) year++;
  return { year, dayOfYear: day - yearStartDay(year) };
}

/** A calendar month as 'YYYY-MM'. */
export type MonthKey = string;

export interface MonthSpan {
  key: MonthKey;
  year: number;
  /** 0-based */
  month: number;
  /** First day number (included). */
  firstDay: number;
  /** Last day number (included). */
  lastDay: number;
}

export function monthSpan(year: number, month: number): MonthSpan {
  const first = new Date(Date.UTC(year, month, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return { key: `${y}-${String(m + 1).padStart(2, '0')}`, year: y, month: m, firstDay: Date.UTC(y, m, 1) / DAY_MS, lastDay: Date.UTC(y, m + 1, 1) / DAY_MS - 1 };
}

/** The `count` calendar months ending with the month of `asOfMs`, oldest first. */
export function monthsEndingAt(asOfMs: number, count: number): MonthSpan[] {
  const d = new Date(asOfMs);
  const out: MonthSpan[] = [];
  for (let k = count - 1; k >= 0; k--) out.push(monthSpan(d.getUTCFullYear(), d.getUTCMonth() - k));
  return out;
}

/** 0-based month of a 0-based day of a year. */
export function monthOfDay(year: number, dayOfYear: number): number {
  return new Date((yearStartDay(year) + dayOfYear) * DAY_MS).getUTCMonth();
}
