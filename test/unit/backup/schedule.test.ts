import { describe, expect, it } from 'vitest';
import { BackupScheduleError, RETRY_AFTER_MS, backupFileName, checkSchedule, filesToPrune, isBackupDue, latestSlot, nextSlot, slotOn, type BackupSchedule } from '../../../common/backup/schedule';

const LONDON = 'Europe/London';
const daily: BackupSchedule = { enabled: true, timeOfDay: '02:30', keep: 3 };
const at = (iso: string) => Date.parse(iso);

describe('the daily backup schedule', () => {
  it('places the slot at the local wall time, in winter and in summer', () => {
    expect(slotOn('2026-01-15', '02:30', LONDON)).toBe(at('2026-01-15T02:30:00Z'));
    expect(slotOn('2026-07-15', '02:30', LONDON)).toBe(at('2026-07-15T01:30:00Z'));
    expect(slotOn('2026-07-15', '18:00', 'America/Chicago')).toBe(at('2026-07-15T23:00:00Z'));
  });

  it('is due once the time of day has come and no backup ran since', () => {
    const before = at('2026-11-25T02:00:00Z');
    const after = at('2026-11-25T02:31:00Z');
    const yesterday = { atMs: at('2026-11-24T02:30:05Z'), ok: true };
    expect(isBackupDue(before, daily, yesterday, LONDON)).toBe(false);
    expect(isBackupDue(after, daily, yesterday, LONDON)).toBe(true);
    expect(isBackupDue(after, daily, { atMs: at('2026-11-25T02:30:01Z'), ok: true }, LONDON)).toBe(false);
    expect(isBackupDue(after, { ...daily, enabled: false }, yesterday, LONDON)).toBe(false);
  });

  it('catches up a missed day at start with one backup, not one per missed day', () => {
    const lastWeek = { atMs: at('2026-11-18T02:30:00Z'), ok: true };
    const start = at('2026-11-25T09:00:00Z');
    expect(isBackupDue(start, daily, lastWeek, LONDON)).toBe(true);
    expect(isBackupDue(start + 60_000, daily, { atMs: start, ok: true }, LONDON)).toBe(false);
    // Opened before today's time: yesterday's missed slot is still owed.
    expect(isBackupDue(at('2026-11-25T01:00:00Z'), daily, lastWeek, LONDON)).toBe(true);
    expect(isBackupDue(at('2026-11-25T01:00:00Z'), daily, undefined, LONDON)).toBe(true);
  });

  it('retries a failed scheduled backup after a pause, not in a loop', () => {
    const failed = { atMs: at('2026-11-25T02:30:00Z'), ok: false };
    expect(isBackupDue(failed.atMs + 60_000, daily, failed, LONDON)).toBe(false);
    expect(isBackupDue(failed.atMs + RETRY_AFTER_MS, daily, failed, LONDON)).toBe(true);
  });

  it('knows the latest and next slots around midnight', () => {
    const now = at('2026-11-25T00:10:00Z');
    expect(latestSlot(now, '23:00', LONDON)).toBe(at('2026-11-24T23:00:00Z'));
    expect(nextSlot(now, '23:00', LONDON)).toBe(at('2026-11-25T23:00:00Z'));
    expect(nextSlot(now, '00:05', LONDON)).toBe(at('2026-11-26T00:05:00Z'));
  });

  it('keeps the newest N of its own files and never touches other files', () => {
    const names = [1, 2, 3, 4, 5].map((d) => backupFileName(at(`2026-11-0${d}T02:30:00Z`)));
    expect(names[0]).toBe('careloop-backup-20261101T023000Z.clbk');
    const folder = ['notes.txt', names[3]!, names[0]!, 'careloop-backup-manual.clbk', names[4]!, names[1]!, names[2]!];
    expect(filesToPrune(folder, 3)).toEqual([names[0], names[1]]);
    expect(filesToPrune(folder, 10)).toEqual([]);
    expect(() => filesToPrune(folder, 0)).toThrow(BackupScheduleError);
  });

  it('refuses a malformed time or keep count with a clear error', () => {
    expect(() => checkSchedule({ ...daily, timeOfDay: '25:00' })).toThrow(/HH:MM/);
    expect(() => checkSchedule({ ...daily, timeOfDay: '2:30' })).toThrow(BackupScheduleError);
    expect(() => checkSchedule({ ...daily, keep: 0 })).toThrow(/keep/);
    expect(checkSchedule(daily)).toEqual(daily);
  });
});
