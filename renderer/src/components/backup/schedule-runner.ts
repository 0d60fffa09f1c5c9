import { isBackupDue } from '../../../../common/backup/schedule';
import type { BackupHost } from './host-file';

export type ScheduleCheck = 'disabled' | 'not-due' | 'no-passphrase' | 'ran' | 'failed' | 'busy';

/**
 * Runs the daily backup while CareLoop is open: a check every minute (and one at start, which
 * catches up a day missed while the app was closed) asks the host for the schedule and the
 * last scheduled run, and backs up when isBackupDue says so. One backup at a time.
 */
export class BackupScheduleRunner {
  private running = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: BackupHost,
    private readonly backup: (passphrase: string) => Promise<unknown>,
    private readonly zone: string,
    private readonly now: () => number = Date.now,
    /**
     * Runs `work` while no other window's runner does (browser mode may have several tabs
     * open, each with its runner); the worker passes a Web Lock. Unguarded by default.
     */
    private readonly exclusive: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
  ) {}

  async check(): Promise<ScheduleCheck> {
    if (this.running) return 'busy';
    this.running = true;
    try {
      return await this.exclusive(() => this.checkAlone());
    } finally {
      this.running = false;
    }
  }

  private async checkAlone(): Promise<ScheduleCheck> {
    const settings = await this.host.call('backup.settings', {});
    if (!settings.schedule.enabled) return 'disabled';
    const last = settings.lastScheduledRun ?? undefined;
    if (!isBackupDue(this.now(), settings.schedule, last, this.zone)) return 'not-due';
    const { passphrase } = await this.host.call('backup.schedulePassphrase', {});
    if (passphrase === null) {
      await this.host.call('backup.recordRun', { atMs: this.now(), ok: false, scheduled: true, message: 'no passphrase is kept for scheduled backups' });
      return 'no-passphrase';
    }
    try {
      await this.backup(passphrase);
      return 'ran';
    } catch {
      // The run recorded its own failure with the host; the schedule retries later.
      return 'failed';
    }
  }

  start(intervalMs = 60_000): void {
    if (this.timer !== undefined) return;
    const tick = () => void this.check().catch(() => undefined);
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
