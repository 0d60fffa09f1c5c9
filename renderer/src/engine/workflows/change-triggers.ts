import type { Table } from 'dexie';
import type { AuditAction, AuditEntry } from '../../../../common/audit/chain';
import type { Enrolment } from '../../../../common/programs/program';
import type { Appointment } from '../../../../common/schedule/appointment';
import type { SyncedRow } from '../../../../common/sync/stamped';
import type { WorkflowDb } from './store';

/**
 * Appointments and enrolments are written on the UI thread, the workflows run in the engine
 * worker. Instead of a message between the two (lost when the worker is not running, or when
 * the app closes between the write and the message), the engine follows the audit chain,
 * which every such write appends to in its own transaction: a cursor kept in `meta` says up
 * to which audit entry the changes have been handed to the workflows. After a restart the
 * engine continues from the cursor, so a change made while the engine was down still
 * arrives; the cursor moves past a change only after the runner has taken it. Should the
 * app stop between the two, the change is handed over again and the runner's run keys
 * (one run per workflow and event) keep it from acting twice.
 */

export const TRIGGER_CURSOR_KEY = 'workflow-triggers:audit-seq';

const APPOINTMENT_ACTIONS: ReadonlySet<AuditAction> = new Set(['appointment.book', 'appointment.reschedule', 'appointment.status']);
const ENROLMENT_ACTIONS: ReadonlySet<AuditAction> = new Set(['program.enrol']);
const PAGE = 500;

/** What the feed hands changes to: the WorkflowRunner. */
export interface ChangeTriggerTarget {
  onAppointmentChanged(a: Appointment): Promise<unknown>;
  onEnrolment(e: Enrolment): Promise<unknown>;
}

export class ChangeTriggerFeed {
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;

  constructor(
    private readonly db: WorkflowDb,
    private readonly target: ChangeTriggerTarget,
  ) {}

  /**
   * Places the cursor at the end of the audit chain if it has none yet, so a clinic's history
   * from before this feed existed is not replayed as new bookings. Idempotent.
   */
  async start(): Promise<number> {
    const saved = await this.db.meta.get(TRIGGER_CURSOR_KEY);
    if (typeof saved?.value === 'number') return saved.value;
    return this.db.transaction('rw', [this.db.meta, this.db.audit], async () => {
      const again = await this.db.meta.get(TRIGGER_CURSOR_KEY);
      if (typeof again?.value === 'number') return again.value;
      const last = ((await this.db.audit.orderBy('seq').lastKey()) as number | undefined) ?? 0;
      await this.db.meta.put({ key: TRIGGER_CURSOR_KEY, value: last });
      return last;
    });
  }

  /**
   * Hands every appointment and enrolment change after the cursor to the runner, oldest
   * first, and resolves with how many it handed over. Calls made while a pass runs share one
   * follow-up pass, so a burst of writes costs two passes, not one per write.
   */
  drain(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => 0)
      .then(() => {
        this.queued = undefined;
        return this.drain();
      });
    return this.queued;
  }

  private async pass(): Promise<number> {
    let cursor = await this.start();
    let delivered = 0;
    for (;;) {
      const page = await this.db.audit.where('seq').above(cursor).limit(PAGE).toArray();
      if (!page.length) break;
      const wanted = await this.wantedKinds();
      for (const entry of page) {
        const handed = await this.deliver(entry, wanted);
        cursor = entry.seq;
        if (handed) {
          delivered++;
          await this.save(cursor);
        }
      }
      await this.save(cursor);
    }
    return delivered;
  }

  /**
   * Which changes an enabled workflow listens to now. Without one, changes pass by unhanded
   * (the runner would find nothing to run either), so loading a demo clinic's thousands of
   * bookings costs a read of the audit chain, not a runner call per booking.
   */
  private async wantedKinds(): Promise<{ appointments: boolean; enrolments: boolean }> {
    const kinds = new Set((await this.db.workflows.toArray()).filter((w) => !w.deleted && w.definition.enabled).map((w) => w.definition.trigger.kind));
    return { appointments: kinds.has('appointment-booked') || kinds.has('appointment-missed'), enrolments: kinds.has('enrolment') };
  }

  private async deliver(entry: AuditEntry, wanted: { appointments: boolean; enrolments: boolean }): Promise<boolean> {
    if (wanted.appointments && APPOINTMENT_ACTIONS.has(entry.action)) {
      const a = await asOfChange(this.db, this.db.appointments, entry);
      if (a) await this.target.onAppointmentChanged(a);
      return !!a;
    }
    if (wanted.enrolments && ENROLMENT_ACTIONS.has(entry.action)) {
      const e = await asOfChange(this.db, this.db.enrolments, entry);
      if (e) await this.target.onEnrolment(e);
      return !!e;
    }
    return false;
  }

  private async save(cursor: number): Promise<void> {
    await this.db.meta.put({ key: TRIGGER_CURSOR_KEY, value: cursor });
  }
}

/**
 * The row as this change left it: today's row with every later audited change to it undone
 * (newest first, back to its "before" values). A booking cancelled before the engine saw it
 * still arrives as a booking, then as a cancellation, so each change is judged on what it was.
 */
async function asOfChange<T extends SyncedRow>(db: WorkflowDb, table: Table<T, string>, entry: AuditEntry): Promise<T | undefined> {
  const row = await table.get(entry.entityId);
  if (!row) return undefined;
  const later = (await db.audit.where('[entity+entityId]').equals([entry.entity, entry.entityId]).toArray()).filter((x) => x.seq > entry.seq).sort((a, b) => b.seq - a.seq);
  const state = { ...row } as unknown as Record<string, unknown>;
  for (const x of later) for (const [field, change] of Object.entries(x.changes ?? {})) state[field] = change.before;
  return state as unknown as T;
}
