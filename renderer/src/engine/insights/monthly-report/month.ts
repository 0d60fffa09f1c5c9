import { markReadingDays } from '../../../../../common/billing/rpm';
import { addDays, daysBetween, localDayBoundaries, localMonth, TimeZoneError, type IsoDate } from '../../../../../common/time/local-days';

/**
 * The calendar month a monthly report covers, in the clinic's zone: management minutes are
 * counted per calendar month (common/billing/rpm.ts), so the report's month is the clinic's
 * wall calendar's, with its daylight-saving days of 23 or 25 hours.
 */

export class MonthlyReportInputError extends Error {
  override readonly name = 'MonthlyReportInputError';
}

export interface ReportMonth {
  /** 'YYYY-MM'. */
  month: string;
  zone: string;
  firstDay: IsoDate;
  lastDay: IsoDate;
  days: number;
  /** days + 1 instants: where each local day starts, then where the month ends. */
  dayStartsMs: number[];
  startMs: number;
  /** Exclusive. */
  endMs: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function reportMonth(month: string, zone: string): ReportMonth {
  const m = MONTH.exec(month);
  if (!m) throw new MonthlyReportInputError(`"${month}" is not a month of the form YYYY-MM`);
  const firstDay = `${month}-01`;
  const days = daysBetween(firstDay, `${shiftMonth(month, 1)}-01`);
  let dayStartsMs: number[];
  try {
    dayStartsMs = localDayBoundaries(firstDay, days, zone);
  } catch (err) {
    if (err instanceof TimeZoneError) throw new MonthlyReportInputError(err.message);
    throw err;
  }
  return { month, zone, firstDay, lastDay: addDays(firstDay, days - 1), days, dayStartsMs, startMs: dayStartsMs[0]!, endMs: dayStartsMs[days]! };
}

/** The month `delta` months after `month` (before, when negative). */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new MonthlyReportInputError(`"${month}" is not a month of the form YYYY-MM`);
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last calendar month that has ended at `nowMs` in `zone`: what a monthly report is usually for. */
export function lastFullMonth(nowMs: number, zone: string): string {
  return shiftMonth(localMonth(nowMs, zone), -1);
}

/** One flag per day of the month: at least one of `times` fell on that local day. */
export function readingDaysOf(month: ReportMonth, times: Iterable<number>): boolean[] {
  return markReadingDays(new Array<boolean>(month.days).fill(false), month.dayStartsMs, times);
}
