import { addDays, localDate, startOfLocalDay, zoneOffsetMs } from '../time/local-days';

/**
 * The daily backup schedule (issue #9): when a backup is due, how a missed day is caught up
 * at start, and which old backup files a "keep the last N" setting removes. Pure: the caller
 * passes the clock, the time zone and the files it found.
 */
export interface BackupSchedule {
  enabled: boolean;
  /** Local wall time of the daily backup, "HH:MM" (24 h). */
  timeOfDay: string;
  /** How many scheduled backup files to keep in the folder; older ones are removed. */
  keep: number;
}

/** What the last scheduled attempt did. */
export interface BackupRunRecord {
  /** When the attempt started (ms since the epoch). */
  atMs: number;
  ok: boolean;
}

export class BackupScheduleError extends Error {
  override readonly name = 'BackupScheduleError';
}

/** A failed scheduled backup is tried again after this long, not in a tight loop. */
export const RETRY_AFTER_MS = 30 * 60_000;
export const MAX_KEEP = 365;

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseTimeOfDay(text: string): { hour: number; minute: number } {
  const m = TIME_OF_DAY.exec(text);
  if (!m) throw new BackupScheduleError(`time of day must be HH:MM (24 hours), not "${text}"`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function checkSchedule(schedule: BackupSchedule): BackupSchedule {
  parseTimeOfDay(schedule.timeOfDay);
  if (!Number.isInteger(schedule.keep) || schedule.keep < 1 || schedule.keep > MAX_KEEP) throw new BackupScheduleError(`keep must be a whole number from 1 to ${MAX_KEEP}`);
  return schedule;
}

/** The instant of `timeOfDay` on local calendar day `date` in `zone` (a wall time skipped by DST falls an hour later). */
export function slotOn(date: string, timeOfDay: string, zone: string): number {
  const { hour, minute } = parseTimeOfDay(timeOfDay);
  const dayStart = startOfLocalDay(date, zone);
  const guess = dayStart + (hour * 60 + minute) * 60_000;
  // Across a DST change earlier that day the wall clock moved: correct by the offset difference.
  return guess - (zoneOffsetMs(guess, zone) - zoneOffsetMs(dayStart, zone));
}

/** The most recent scheduled instant at or before now: today's if its time has come, else yesterday's. */
export function latestSlot(nowMs: number, timeOfDay: string, zone: string): number {
  const today = localDate(nowMs, zone);
  const slot = slotOn(today, timeOfDay, zone);
  return slot <= nowMs ? slot : slotOn(addDays(today, -1), timeOfDay, zone);
}

/** The next scheduled instant after now. */
export function nextSlot(nowMs: number, timeOfDay: string, zone: string): number {
  const today = localDate(nowMs, zone);
  const slot = slotOn(today, timeOfDay, zone);
  return slot > nowMs ? slot : slotOn(addDays(today, 1), timeOfDay, zone);
}

/**
 * Whether a scheduled backup should run now. Due when no attempt was made since the latest
 * slot — which also covers a day missed while CareLoop was closed: the first check after
 * start runs one backup (one, not one per missed day). After a failed attempt since that
 * slot, due again once RETRY_AFTER_MS has passed.
 */
export function isBackupDue(nowMs: number, schedule: BackupSchedule, last: BackupRunRecord | undefined, zone: string): boolean {
  if (!schedule.enabled) return false;
  const slot = latestSlot(nowMs, schedule.timeOfDay, zone);
  if (!last || last.atMs < slot) return true;
  return !last.ok && nowMs - last.atMs >= RETRY_AFTER_MS;
}

/** Scheduled backup files are named by their UTC start time, so names sort in time order. */
const SCHEDULED_FILE = /^careloop-backup-(\d{8}T\d{6}Z)\.clbk$/;

/** "20261125T163000Z": a UTC time that sorts as text. */
export function utcStamp(atMs: number): string {
  const iso = new Date(atMs).toISOString(); // 2026-11-25T16:30:00.000Z
  return `${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 19).replaceAll(':', '')}Z`;
}

export function backupFileName(atMs: number): string {
  return `careloop-backup-${utcStamp(atMs)}.clbk`;
}

export function isBackupFileName(name: string): boolean {
  return SCHEDULED_FILE.test(name);
}

/**
 * The backup files to delete so that the newest `keep` remain. Only names this schedule
 * writes are considered: anything else in the folder is never touched.
 */
export function filesToPrune(names: readonly string[], keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new BackupScheduleError('keep must be at least 1');
  const ours = names.filter(isBackupFileName).sort();
  return ours.slice(0, Math.max(0, ours.length - keep));
}
