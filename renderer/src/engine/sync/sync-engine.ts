import type { CareLoopDb } from '../../db/database';
import { adoptClinic } from './adopt-clinic';
import { anchorAuditHead, type AnchorMemo } from './anchor-audit';
import { cloudErrorCode, isTransient, type CloudPort } from './cloud-port';
import { pullAll } from './pull-all';
import { pushOutbox, rejectedChanges } from './push-outbox';
import { LAST_SYNCED_KEY, type SyncStatus } from './status';

export interface SyncEngineOptions {
  /** Time between syncs while all is well. */
  intervalMs?: number;
  /** First retry delay after a failure; doubles per failure up to maxBackoffMs, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  pullLimit?: number;
  random?: () => number;
  /** Progress events are sent at most this often. */
  progressEveryMs?: number;
  /** What each pulled page wrote, per table (readings from other desks or device ingest go through the rules). */
  onApplied?: (written: Record<string, Record<string, unknown>[]>) => Promise<void>;
}

/** The delay before retry number `failures` (1-based): exponential, capped, with "equal jitter" so many desks do not retry in step. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function describe(err: unknown): string {
  const code = cloudErrorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? message : `Sync failed: ${message}`.slice(0, 300);
}

/**
 * The workstation's sync loop in the engine worker: push the outbox, then pull and apply
 * everything new, on a timer, when the network comes back, and on demand. One run at a
 * time; a request during a run is answered by a run right after it.
 */
export class SyncEngine {
  private readonly intervalMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly progressEveryMs: number;
  private running: Promise<SyncStatus> | undefined;
  private again = false;
  private busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private started = false;
  private lastError: string | null = null;
  private offline = false;
  private progress: SyncStatus['progress'] = null;
  private nextAttemptAt: number | null = null;
  private lastProgressEmit = 0;
  private anchored: AnchorMemo | undefined;
  private readonly onOnline = () => {
    this.failures = 0;
    void this.syncNow();
  };

  constructor(
    private readonly db: CareLoopDb,
    private readonly cloud: CloudPort,
    private readonly emit: (status: SyncStatus) => void,
    private readonly options: SyncEngineOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 15_000;
    this.backoffMs = options.backoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.random = options.random ?? Math.random;
    this.progressEveryMs = options.progressEveryMs ?? 250;
  }

  /** Runs the loop: a first sync after `firstDelayMs`, then on the timer and on 'online'. */
  start(firstDelayMs = 2_000): void {
    if (this.started) return;
    this.started = true;
    globalThis.addEventListener?.('online', this.onOnline);
    this.schedule(firstDelayMs);
  }

  stop(): void {
    this.started = false;
    globalThis.removeEventListener?.('online', this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async status(): Promise<SyncStatus> {
    const cloud = await this.cloud.status().catch(() => undefined);
    const lastSynced = (await this.db.meta.get(LAST_SYNCED_KEY))?.value;
    const enrolled = cloud?.enrolled ?? false;
    return {
      state: cloud && !enrolled ? 'not-connected' : this.busy ? 'syncing' : this.offline || !cloud ? 'offline' : this.lastError ? 'error' : 'idle',
      serverUrl: cloud?.serverUrl ?? null,
      workstationName: cloud?.workstationName ?? null,
      lastSyncedAt: typeof lastSynced === 'string' ? lastSynced : null,
      pendingChanges: await this.db.outbox.count(),
      rejectedChanges: (await rejectedChanges(this.db)).length,
      progress: this.progress,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt ? new Date(this.nextAttemptAt).toISOString() : null,
    };
  }

  /** Enrols this workstation, joins the server's clinic and runs the first sync. */
  async connect(serverUrl: string, enrolmentCode: string, workstationName: string): Promise<SyncStatus> {
    const cloud = await this.cloud.enrol(serverUrl, enrolmentCode, workstationName);
    if (cloud.clinicId) await adoptClinic(this.db, cloud.clinicId);
    this.failures = 0;
    this.lastError = null;
    return this.syncNow();
  }

  async forget(): Promise<SyncStatus> {
    await this.cloud.forget();
    this.lastError = null;
    return this.publish();
  }

  /** Runs a sync now, or right after the one running. Never rejects: the outcome is in the status. */
  syncNow(): Promise<SyncStatus> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.runLoop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runLoop(): Promise<SyncStatus> {
    let status: SyncStatus;
    do {
      this.again = false;
      status = await this.runOnce();
    } while (this.again);
    return status;
  }

  private async runOnce(): Promise<SyncStatus> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = null;
    this.busy = true;
    let retryIn = this.intervalMs;
    try {
      const cloud = await this.cloud.status();
      if (!cloud.enrolled || !cloud.clinicId) {
        this.lastError = null;
        this.offline = false;
        return await this.finish(this.intervalMs);
      }
      await this.publish();
      await adoptClinic(this.db, cloud.clinicId);
      let total: number | null = null;
      const pushed = await pushOutbox(this.db, this.cloud, (done, remaining) => this.report({ phase: 'push', done, total: done + remaining }));
      total = pushed.version;
      await pullAll(this.db, this.cloud, cloud.clinicId, {
        ...(this.options.pullLimit ? { limit: this.options.pullLimit } : {}),
        ...(this.options.onApplied ? { onApplied: this.options.onApplied } : {}),
        onPage: (cursor) => this.report({ phase: 'pull', done: cursor, total: total !== null && total >= cursor ? total : null }),
      });
      await this.db.meta.put({ key: LAST_SYNCED_KEY, value: new Date().toISOString() });
      this.failures = 0;
      this.lastError = null;
      this.offline = false;
      if (cloud.workstationId) {
        this.anchored = await anchorAuditHead(this.db, this.cloud, cloud.workstationId, this.anchored);
        this.lastError = this.anchored?.refusal ?? null;
      }
    } catch (err) {
      this.failures++;
      this.offline = isTransient(err);
      this.lastError = this.offline ? null : describe(err);
      retryIn = backoffDelay(this.failures, this.backoffMs, this.maxBackoffMs, this.random);
      if (!this.offline) console.error(`[sync] failed: ${cloudErrorCode(err) ?? (err as Error).name}`);
    }
    return this.finish(retryIn);
  }

  private async finish(nextInMs: number): Promise<SyncStatus> {
    this.progress = null;
    this.busy = false;
    if (this.started) this.schedule(nextInMs);
    return this.publish();
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.nextAttemptAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, delayMs);
  }

  private report(progress: NonNullable<SyncStatus['progress']>): void {
    this.progress = progress;
    const now = Date.now();
    if (now - this.lastProgressEmit < this.progressEveryMs) return;
    this.lastProgressEmit = now;
    void this.publish();
  }

  private async publish(): Promise<SyncStatus> {
    const status = await this.status();
    this.emit(status);
    return status;
  }
}
