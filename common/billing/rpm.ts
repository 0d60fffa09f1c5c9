import { z } from 'zod';
import { addDays, daysBetween, localDate, localDayBoundaries, localMonth, type IsoDate } from '../time/local-days';

/**
 * US remote physiologic monitoring (RPM) billing rules, as one table of data a clinic can
 * update when CMS or the AMA change them; everything else in this module is arithmetic.
 *
 * Sources (checked with the search tool, November 2025 material):
 * - CY 2026 Medicare Physician Fee Schedule final rule, CMS-1832-F, 90 FR 49266
 *   (Federal Register, 5 November 2025, FR Doc 2025-19787), effective 1 January 2026:
 *   CMS finalised the two CPT codes the CPT Editorial Panel created for 2026:
 *   99445, device supply with daily recording or programmed alert transmission for 2–15
 *   days in a 30-day period (99454 keeps 16–30 days; the two are not billed together for
 *   the same 30 days), and 99470, treatment management, first 10 minutes in a calendar
 *   month with at least one real-time interactive communication (99457 keeps the first 20
 *   minutes; 99458 each additional 20 minutes).
 * - 99453/99454 and 99457 have been paid since CY 2019, 99458 since CY 2020.
 *
 * What could NOT be verified here and is therefore a clinic decision, not a fact in code:
 * - We read the final rule only through its Federal Register listing and secondary
 *   summaries (vendor and law-firm notes), not the RPM section's own text.
 * - Whether 99458 may be reported on top of 99470 alone (10–19 minutes never reach a
 *   "further 20 minutes", so in this table 99458 needs 40 minutes, i.e. after 99457).
 * - Payer rules other than Medicare (commercial plans may not recognise 99445/99470), and
 *   the one-a-month limit per practitioner when two practices monitor the same patient.
 * - That the device is an FDA medical device: the worklist counts every stored reading.
 * 99453 (set-up and education, once per episode) is not in the table: it is not a
 * threshold that a worklist tracks.
 */

export const RPM_KINDS = ['device-supply', 'management'] as const;
export type RpmKind = (typeof RPM_KINDS)[number];

export interface DeviceSupplyRule {
  code: string;
  description: string;
  kind: 'device-supply';
  /** Inclusive range of days with readings in the 30-day period. */
  minDays: number;
  maxDays: number;
  effectiveFrom: IsoDate;
  effectiveUntil?: IsoDate;
}

export interface ManagementRule {
  code: string;
  description: string;
  kind: 'management';
  /** Minutes in the calendar month at which the code is first met. */
  minMinutes: number;
  /** Exclusive upper bound: the code is reported only below it (99470 gives way to 99457 at 20). */
  belowMinutes?: number;
  /** Repeatable add-on: one more unit for every further this many minutes past `minMinutes`. */
  repeatEveryMinutes?: number;
  /** At least one real-time interactive communication with the patient or caregiver in the month. */
  requiresInteractive: boolean;
  effectiveFrom: IsoDate;
  effectiveUntil?: IsoDate;
}

export type RpmRule = DeviceSupplyRule | ManagementRule;

/** Days in one device-supply period: the period starts at enrolment or device start and rolls every 30 days. */
export const PERIOD_DAYS = 30;

export const DEFAULT_RPM_RULES: readonly RpmRule[] = [
  { code: '99454', kind: 'device-supply', description: 'Device supply, daily recording or programmed alerts, 16–30 days in 30', minDays: 16, maxDays: 30, effectiveFrom: '2019-01-01' },
  { code: '99445', kind: 'device-supply', description: 'Device supply, daily recording or programmed alerts, 2–15 days in 30', minDays: 2, maxDays: 15, effectiveFrom: '2026-01-01' },
  { code: '99470', kind: 'management', description: 'Treatment management, first 10 minutes in a calendar month', minMinutes: 10, belowMinutes: 20, requiresInteractive: true, effectiveFrom: '2026-01-01' },
  { code: '99457', kind: 'management', description: 'Treatment management, first 20 minutes in a calendar month', minMinutes: 20, requiresInteractive: true, effectiveFrom: '2019-01-01' },
  { code: '99458', kind: 'management', description: 'Treatment management, each additional 20 minutes', minMinutes: 40, repeatEveryMinutes: 20, requiresInteractive: true, effectiveFrom: '2020-01-01' },
];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use the form YYYY-MM-DD');
const code = z.string().trim().regex(/^[0-9A-Z]{5}$/, 'a CPT/HCPCS code is five letters or digits');
const description = z.string().trim().min(1, 'describe the code').max(200);

const DeviceSupplyRuleSchema = z
  .object({
    code,
    description,
    kind: z.literal('device-supply'),
    minDays: z.number().int().min(1, 'at least 1 day').max(PERIOD_DAYS, `at most ${PERIOD_DAYS} days`),
    maxDays: z.number().int().min(1, 'at least 1 day').max(PERIOD_DAYS, `at most ${PERIOD_DAYS} days`),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.optional(),
  })
  .refine((r) => r.minDays <= r.maxDays, { path: ['maxDays'], message: 'must not be below the minimum days' });

const ManagementRuleSchema = z
  .object({
    code,
    description,
    kind: z.literal('management'),
    minMinutes: z.number().int().min(1, 'at least 1 minute').max(600),
    belowMinutes: z.number().int().max(600).optional(),
    repeatEveryMinutes: z.number().int().min(1, 'at least 1 minute').max(600).optional(),
    requiresInteractive: z.boolean(),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.optional(),
  })
  .refine((r) => r.belowMinutes === undefined || r.belowMinutes > r.minMinutes, { path: ['belowMinutes'], message: 'must be above the minimum minutes' });

/** A clinic's edited rule table is validated as a whole before it replaces the default. */
export const RpmRuleTableSchema = z
  .array(z.discriminatedUnion('kind', [DeviceSupplyRuleSchema, ManagementRuleSchema]))
  .min(1, 'the table needs at least one code')
  .superRefine((rules, ctx) => {
    rules.forEach((r, i) => {
      if (r.effectiveUntil && r.effectiveUntil < r.effectiveFrom) ctx.addIssue({ code: 'custom', path: [i, 'effectiveUntil'], message: 'ends before it starts' });
      if (rules.findIndex((o) => o.code === r.code) !== i) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `${r.code} appears twice` });
    });
  });

export class RpmRuleTableError extends Error {
  override readonly name = 'RpmRuleTableError';
  constructor(readonly problems: string[]) {
    super(`The billing rule table is not valid: ${problems.join('; ')}`);
  }
}

export function parseRpmRules(input: unknown): RpmRule[] {
  const parsed = RpmRuleTableSchema.safeParse(input);
  if (!parsed.success) throw new RpmRuleTableError(parsed.error.issues.map((i) => `${i.path.join('.') || 'table'}: ${i.message}`));
  return parsed.data;
}

/** Rules in force on `date`. */
export function rulesInForce(rules: readonly RpmRule[], date: IsoDate): RpmRule[] {
  return rules.filter((r) => r.effectiveFrom <= date && (!r.effectiveUntil || date <= r.effectiveUntil));
}

/** One 30-day device-supply period, in the clinic's calendar. */
export interface MonitoringPeriod {
  /** 0 for the first period after the monitoring start. */
  index: number;
  firstDay: IsoDate;
  /** The period's last day (inclusive). */
  lastDay: IsoDate;
  /** Which of the 30 days `asOf` falls on (0-based). */
  dayIndex: number;
  /** PERIOD_DAYS + 1 instants: where each day starts, then where the period ends. */
  dayStartsMs: number[];
}

export class MonitoringPeriodError extends Error {
  override readonly name = 'MonitoringPeriodError';
}

/**
 * The 30-day period that contains `asOfMs`, counting whole calendar days in `zone` from the
 * day monitoring started (that day is day 1 of the first period).
 */
export function currentPeriod(monitoringStartMs: number, asOfMs: number, zone: string): MonitoringPeriod {
  if (!Number.isFinite(monitoringStartMs) || !Number.isFinite(asOfMs)) throw new MonitoringPeriodError('monitoring start and the current time must be instants');
  const startDay = localDate(monitoringStartMs, zone);
  const today = localDate(asOfMs, zone);
  const elapsed = daysBetween(startDay, today);
  if (elapsed < 0) throw new MonitoringPeriodError('monitoring has not started yet');
  const index = Math.floor(elapsed / PERIOD_DAYS);
  const firstDay = addDays(startDay, index * PERIOD_DAYS);
  return {
    index,
    firstDay,
    lastDay: addDays(firstDay, PERIOD_DAYS - 1),
    dayIndex: elapsed - index * PERIOD_DAYS,
    dayStartsMs: localDayBoundaries(firstDay, PERIOD_DAYS, zone),
  };
}

/** Which day of `dayStartsMs` (ascending boundaries) holds instant t, or -1 outside them. */
export function dayIndexOf(dayStartsMs: readonly number[], t: number): number {
  if (!(t >= dayStartsMs[0]!) || t >= dayStartsMs[dayStartsMs.length - 1]!) return -1;
  let lo = 0;
  let hi = dayStartsMs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (dayStartsMs[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Marks the days (of a period's boundaries) that hold at least one of `times` (any order).
 * `filled` is updated in place so several sources (point readings, dense series) add up.
 */
export function markReadingDays(filled: boolean[], dayStartsMs: readonly number[], times: Iterable<number>): boolean[] {
  for (const t of times) {
    const i = dayIndexOf(dayStartsMs, t);
    if (i >= 0) filled[i] = true;
  }
  return filled;
}

/** Same as markReadingDays for times sorted ascending (a series block): one search per day, not per sample. */
export function markReadingDaysSorted(filled: boolean[], dayStartsMs: readonly number[], sortedTimes: ArrayLike<number>): boolean[] {
  const n = sortedTimes.length;
  if (n === 0) return filled;
  for (let day = 0; day < dayStartsMs.length - 1; day++) {
    if (filled[day]) continue;
    const from = dayStartsMs[day]!;
    const to = dayStartsMs[day + 1]!;
    // First sample at or after the day's start.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedTimes[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && sortedTimes[lo]! < to) filled[day] = true;
  }
  return filled;
}

export function emptyStrip(): boolean[] {
  return new Array<boolean>(PERIOD_DAYS).fill(false);
}

/** Days with readings in the current period, from reading times (any order): the period, its strip and the count. */
export function daysWithReadings(monitoringStartMs: number, asOfMs: number, zone: string, readingTimes: Iterable<number>): { period: MonitoringPeriod; strip: boolean[]; count: number } {
  const period = currentPeriod(monitoringStartMs, asOfMs, zone);
  const strip = markReadingDays(emptyStrip(), period.dayStartsMs, readingTimes);
  return { period, strip, count: strip.filter(Boolean).length };
}

/** What the time log needs for billing: the service date (clinic calendar) and whether it was a real-time contact. */
export interface BillableTime {
  date: IsoDate;
  minutes: number;
  interactive: boolean;
}

export interface MonthMinutes {
  month: string;
  minutes: number;
  interactiveContacts: number;
}

/** Minutes and interactive contacts logged in the calendar month (in `zone`) that contains `asOfMs`. */
export function minutesInMonth(entries: Iterable<BillableTime>, asOfMs: number, zone: string): MonthMinutes {
  const month = localMonth(asOfMs, zone);
  let minutes = 0;
  let interactiveContacts = 0;
  for (const e of entries) {
    if (e.date.slice(0, 7) !== month) continue;
    minutes += e.minutes;
    if (e.interactive) interactiveContacts++;
  }
  return { month, minutes, interactiveContacts };
}

export interface CodeMet {
  code: string;
  kind: RpmKind;
  /** Units to report (2 for 99458 at 60 minutes). */
  units: number;
}

export interface NextThreshold {
  code: string;
  kind: RpmKind;
  /** Days or minutes still needed. */
  remaining: number;
  unit: 'days' | 'minutes';
  /** A device-supply threshold that the days left in the period can no longer reach. */
  reachable: boolean;
  /** Reads as "3 more days" or "7 more minutes". */
  text: string;
}

export interface RpmStanding {
  met: CodeMet[];
  /** The nearest code not yet met, per kind (device supply, management). */
  next: NextThreshold[];
  /** Minutes are logged but no interactive contact yet, so no management code can be met. */
  needsInteractiveContact: boolean;
}

export interface RpmActivity {
  /** Days with readings so far in the current 30-day period. */
  daysWithReadings: number;
  /** Days left in the period after today (0 on its last day). */
  daysLeftInPeriod: number;
  minutesThisMonth: number;
  interactiveContacts: number;
  /** The date the standing is for (selects the rules in force). */
  asOf: IsoDate;
}

const plural = (n: number, one: string) => `${n} more ${one}${n === 1 ? '' : 's'}`;

function managementUnits(r: ManagementRule, minutes: number): number {
  if (minutes < r.minMinutes) return 0;
  if (r.belowMinutes !== undefined && minutes >= r.belowMinutes) return 0;
  return r.repeatEveryMinutes ? 1 + Math.floor((minutes - r.minMinutes) / r.repeatEveryMinutes) : 1;
}

/** Which codes are met, and how far the patient is from the next one of each kind. */
export function evaluateRpm(rules: readonly RpmRule[], a: RpmActivity): RpmStanding {
  const live = rulesInForce(rules, a.asOf);
  const met: CodeMet[] = [];
  const next: NextThreshold[] = [];

  const devices = live.filter((r): r is DeviceSupplyRule => r.kind === 'device-supply').sort((x, y) => x.minDays - y.minDays);
  for (const r of devices) if (a.daysWithReadings >= r.minDays && a.daysWithReadings <= r.maxDays) met.push({ code: r.code, kind: r.kind, units: 1 });
  const nextDevice = devices.find((r) => r.minDays > a.daysWithReadings);
  if (nextDevice) {
    const remaining = nextDevice.minDays - a.daysWithReadings;
    next.push({ code: nextDevice.code, kind: 'device-supply', remaining, unit: 'days', reachable: remaining <= a.daysLeftInPeriod, text: plural(remaining, 'day') });
  }

  const mgmt = live.filter((r): r is ManagementRule => r.kind === 'management').sort((x, y) => x.minMinutes - y.minMinutes);
  const interactiveOk = (r: ManagementRule) => !r.requiresInteractive || a.interactiveContacts > 0;
  for (const r of mgmt) {
    const units = interactiveOk(r) ? managementUnits(r, a.minutesThisMonth) : 0;
    if (units > 0) met.push({ code: r.code, kind: r.kind, units });
  }
  // The next management threshold: the lowest minute mark above what is logged.
  let best: { code: string; at: number } | undefined;
  for (const r of mgmt) {
    let at = r.minMinutes;
    if (r.repeatEveryMinutes && a.minutesThisMonth >= r.minMinutes) at = r.minMinutes + (Math.floor((a.minutesThisMonth - r.minMinutes) / r.repeatEveryMinutes) + 1) * r.repeatEveryMinutes;
    if (at <= a.minutesThisMonth) continue;
    if (r.belowMinutes !== undefined && a.minutesThisMonth >= r.belowMinutes) continue;
    if (!best || at < best.at) best = { code: r.code, at };
  }
  if (best) {
    const remaining = best.at - a.minutesThisMonth;
    next.push({ code: best.code, kind: 'management', remaining, unit: 'minutes', reachable: true, text: plural(remaining, 'minute') });
  }
  const needsInteractiveContact = a.interactiveContacts === 0 && mgmt.some((r) => r.requiresInteractive && a.minutesThisMonth >= r.minMinutes);
  return { met, next, needsInteractiveContact };
}

/** The whole billing picture for one patient from raw inputs: period, strip, minutes and codes. */
export interface RpmSummary {
  period: MonitoringPeriod;
  /** One entry per day of the period: a reading was stored that day. */
  strip: boolean[];
  daysWithReadings: number;
  month: MonthMinutes;
  standing: RpmStanding;
}

export function summarizeRpm(rules: readonly RpmRule[], period: MonitoringPeriod, strip: readonly boolean[], month: MonthMinutes, asOfMs: number, zone: string): RpmSummary {
  if (strip.length !== PERIOD_DAYS) throw new RangeError(`a reading strip has ${PERIOD_DAYS} days, not ${strip.length}`);
  const daysWithReadings = strip.filter(Boolean).length;
  const standing = evaluateRpm(rules, {
    daysWithReadings,
    daysLeftInPeriod: PERIOD_DAYS - 1 - period.dayIndex,
    minutesThisMonth: month.minutes,
    interactiveContacts: month.interactiveContacts,
    asOf: localDate(asOfMs, zone),
  });
  return { period, strip: [...strip], daysWithReadings, month, standing };
}
