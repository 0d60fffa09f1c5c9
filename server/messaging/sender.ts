import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../../common/ids';
import type { FieldMap, JsonValue } from '../../common/sync/protocol';
import type { ServerContext } from '../context';
import { applyInTransaction } from '../sync/apply-changes';
import { withholdReasons } from './consent-check';
import type { EmailInvitation, EmailTransport } from './email';
import { invitationForMessage } from './invitation';
import type { SmsProvider } from './sms';

export type { EmailTransport } from './email';

const BATCH = 50;
const MAX_REASON = 300;

export interface SendRound {
  sent: number;
  failed: number;
  /** Not sent because consent was withdrawn or the record restricted or erased since it was queued (present when any). */
  withheld?: number;
}

interface Queued {
  clinic_id: string;
  row_id: string;
  fields: FieldMap;
}

const text = (fields: FieldMap, name: string): string | undefined => {
  const v = fields[name]?.value;
  return typeof v === 'string' && v.trim() ? v : undefined;
};

/**
 * Sends messages that workstations queued (synced `messages` rows with status 'queued')
 * and records the outcome — 'sent' with sentMs, or 'failed' with the reason — as the
 * server's own change, stamped after the status it replaces, so it syncs back to every
 * workstation. Each message is first claimed in message_deliveries, so several servers
 * never send the same message twice.
 */
export class OutboundSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SendRound> | undefined;

  constructor(
    private readonly ctx: ServerContext,
    private readonly channels: { email?: EmailTransport; sms?: SmsProvider; log: FastifyBaseLogger },
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      void this.runOnce().catch((err: unknown) => this.channels.log.error({ err: { message: err instanceof Error ? err.message : 'unknown' } }, 'outbound sender failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    this.channels.email?.close();
  }

  /** One round: sends what is queued now (one round at a time). */
  runOnce(): Promise<SendRound> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<SendRound> {
    const channels = [this.channels.email ? 'email' : undefined, this.channels.sms ? 'sms' : undefined].filter((c): c is string => !!c);
    if (!channels.length) return { sent: 0, failed: 0 };
    const queued = await this.ctx.db.query<Queued>(
      `SELECT s.clinic_id::text, s.row_id, s.fields FROM sync_rows s
       WHERE s.table_name = 'messages' AND s.fields -> 'status' ->> 'value' = 'queued'
         AND s.fields -> 'channel' ->> 'value' = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.clinic_id = s.clinic_id AND d.message_id = s.row_id)
       LIMIT $2`,
      [channels, BATCH],
    );
    const round: SendRound = { sent: 0, failed: 0 };
    const withhold = new Map<string, string>();
    for (const clinicId of new Set(queued.map((m) => m.clinic_id))) {
      const batch = queued.filter((m) => m.clinic_id === clinicId).map((m) => ({ messageId: m.row_id, patientId: text(m.fields, 'patientId'), channel: text(m.fields, 'channel') }));
      for (const [id, why] of await withholdReasons(this.ctx.db, clinicId, batch)) withhold.set(`${clinicId}/${id}`, why);
    }
    for (const m of queued) {
      if (m.fields.deleted?.value === true) continue;
      const claimed = await this.ctx.db.query("INSERT INTO message_deliveries (clinic_id, message_id, state) VALUES ($1, $2, 'sending') ON CONFLICT DO NOTHING RETURNING message_id", [m.clinic_id, m.row_id]);
      if (!claimed.length) continue;
      const why = withhold.get(`${m.clinic_id}/${m.row_id}`);
      if (why) {
        await this.record(m, why, 'withheld');
        round.withheld = (round.withheld ?? 0) + 1;
        this.channels.log.info({ clinicId: m.clinic_id, messageId: m.row_id, outcome: 'withheld' }, 'outbound message');
        continue;
      }
      const failure = await this.deliver(m);
      await this.record(m, failure);
      if (failure) round.failed++;
      else round.sent++;
      this.channels.log.info({ clinicId: m.clinic_id, messageId: m.row_id, outcome: failure ? 'failed' : 'sent' }, 'outbound message');
    }
    return round;
  }

  /** Sends one message; returns the reason it failed, or undefined when sent. */
  private async deliver(m: Queued): Promise<string | undefined> {
    const { fields } = m;
    const to = text(fields, 'to');
    const body = text(fields, 'body') ?? '';
    if (!to) return 'no address to send to';
    try {
      if (text(fields, 'channel') === 'email') {
        const invitation = await this.invitationFor(m);
        await this.channels.email!.send({ to, subject: text(fields, 'subject') ?? '', text: body, ...(invitation ? { invitation } : {}) });
      } else {
        await this.channels.sms!.send({ to, body });
      }
      return undefined;
    } catch (err) {
      return (err instanceof Error ? err.message : String(err)).slice(0, MAX_REASON) || 'the provider refused the message';
    }
  }

  /** The appointment invitation for an email; an email still goes without one when it cannot be built. */
  private async invitationFor(m: Queued): Promise<EmailInvitation | undefined> {
    const organizerEmail = this.channels.email?.fromAddress;
    if (!organizerEmail) return undefined;
    try {
      return await invitationForMessage(this.ctx.db, m.clinic_id, m.fields, { organizerEmail, nowMs: Date.now() });
    } catch (err) {
      this.channels.log.warn({ clinicId: m.clinic_id, messageId: m.row_id, err: { type: err instanceof Error ? err.name : 'unknown' } }, 'calendar invitation not attached');
      return undefined;
    }
  }

  private async record(m: Queued, failure: string | undefined, as: 'failed' | 'withheld' = 'failed'): Promise<void> {
    const { clock } = this.ctx;
    const seen = m.fields.status?.stamp;
    if (seen) clock.receive(seen);
    const stamp = clock.tick();
    const set = (value: JsonValue) => ({ value, stamp });
    const fields: FieldMap = failure ? { status: set(as), error: set(failure) } : { status: set('sent'), sentMs: set(Date.now()) };
    await this.ctx.db.transaction(async (tx) => {
      await applyInTransaction(tx, m.clinic_id, [{ changeId: newId(), table: 'messages', rowId: m.row_id, fields }]);
      // A withheld message counts as not delivered here: schema 1 allows only sending, sent and failed.
      await tx.query('UPDATE message_deliveries SET state = $3, finished_at = now() WHERE clinic_id = $1 AND message_id = $2', [m.clinic_id, m.row_id, failure ? 'failed' : 'sent']);
    });
  }
}
