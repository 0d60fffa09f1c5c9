import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The audit log is a hash chain: each entry's hash covers its own content and the hash of
 * the entry before it, so an altered, removed or reordered entry breaks every hash after
 * it. Hashing is synchronous so it can run inside an IndexedDB transaction (an await on
 * crypto.subtle would let the transaction commit half-way).
 */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditAction =
  | 'patient.create'
  | 'patient.update'
  | 'patient.archive'
  | 'patient.restore'
  | 'patient.view'
  | 'clinic.setup'
  | 'demo.load'
  | 'appointment.book'
  | 'appointment.reschedule'
  | 'appointment.status'
  | 'staff.create'
  | 'room.create'
  | 'appointment-type.create'
  | 'consent.change'
  | 'message.queue'
  | 'message.log'
  | 'message.withhold'
  | 'template.create'
  | 'task.create'
  | 'task.update'
  | 'task.status'
  | 'time-log.add'
  | 'time-log.remove'
  | 'program.create'
  | 'program.enrol'
  | 'program.end'
  | 'note.add'
  | 'billing-rules.update'
  | 'device.pair'
  | 'device.unpair'
  | 'device.download'
  | 'rule.create'
  | 'rule.update'
  | 'alert.open'
  | 'alert.refire'
  | 'alert.condition-cleared'
  | 'alert.acknowledge'
  | 'alert.resolve'
  | 'alert.snooze'
  | 'alert.wake'
  | 'alert.escalate'
  | 'workflow.create'
  | 'workflow.update'
  | 'workflow.run'
  | 'workflow.undo'
  | 'sync.adopt-clinic'
  | 'segment.create'
  | 'segment.update'
  | 'user.create'
  | 'user.update'
  | 'user.password-reset'
  | 'user.disable'
  | 'user.enable'
  | 'session.sign-in'
  | 'session.sign-in-failed'
  | 'session.lock'
  | 'session.unlock'
  | 'session.unlock-failed'
  | 'session.locked-out'
  | 'session.sign-out'
  | 'security-settings.update'
  | 'patient.break-glass'
  | 'break-glass.review'
  | 'export'
  | 'import'
  | 'print'
  | 'share'
  | 'share.package'
  | 'disclosure.refuse'
  | 'reading.refuse'
  | 'reading.add'
  | 'patient.restrict'
  | 'patient.restriction-lift'
  | 'patient.erase'
  | 'patient.erase-refuse'
  | 'settings.retention'
  | 'settings.video'
  | 'calendar-feed.issue'
  | 'calendar-feed.revoke'
  | 'audit.export';

export interface AuditContent {
  id: string;
  at: string;
  actor: string;
  workstation: string;
  action: AuditAction;
  entity: string;
  entityId: string;
  patientId?: string;
  /** Per changed field: value before and after (undefined before on create). */
  changes?: Record<string, { before: unknown; after: unknown }>;
  reason?: string;
}

export interface AuditEntry extends AuditContent {
  /** Position in this workstation's chain, from 1. */
  seq: number;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const encoder = new TextEncoder();

export function auditHash(content: AuditContent, seq: number, prevHash: string): string {
  return bytesToHex(sha256(encoder.encode(`${prevHash}\n${seq}\n${canonicalJson(content)}`)));
}

export function sealAuditEntry(content: AuditContent, seq: number, prevHash: string): AuditEntry {
  return { ...content, seq, prevHash, hash: auditHash(content, seq, prevHash) };
}

export type ChainVerdict =
  | { intact: true; entries: number }
  | { intact: false; entries: number; firstBadSeq: number; problem: 'altered' | 'removed' | 'reordered' | 'broken-link' };

function contentOf(e: AuditEntry): AuditContent {
  const { seq: _seq, prevHash: _prev, hash: _hash, ...content } = e;
  return content;
}

/** An entry's hash computed from the stored entry (its content, seq and prevHash), as auditHash gives it. */
export type AuditEntryHash = (entry: AuditEntry) => string;

/**
 * Checks a chain in order, a slice at a time (the audit screen shows progress); names the
 * first entry that was altered, removed or reordered. verifyAuditChain runs it in one go.
 */
export class AuditChainCheck {
  private prevHash = GENESIS_HASH;
  private next = 0;
  private verdict: ChainVerdict | undefined;

  constructor(
    private readonly entries: readonly AuditEntry[],
    private readonly entryHash: AuditEntryHash,
  ) {}

  /** Entries checked so far. */
  get checked(): number {
    return this.next;
  }

  /** Checks up to `count` more entries; returns the verdict once there is one. */
  step(count = Number.POSITIVE_INFINITY): ChainVerdict | undefined {
    const { entries } = this;
    const end = Math.min(entries.length, this.next + count);
    while (this.verdict === undefined && this.next < end) {
      const e = entries[this.next]!;
      const expectedSeq = this.next + 1;
      if (e.seq !== expectedSeq) {
        const later = entries.some((x) => x.seq === expectedSeq);
        this.verdict = { intact: false, entries: entries.length, firstBadSeq: expectedSeq, problem: later || e.seq < expectedSeq ? 'reordered' : 'removed' };
      } else if (e.prevHash !== this.prevHash) {
        this.verdict = { intact: false, entries: entries.length, firstBadSeq: e.seq, problem: 'broken-link' };
      } else if (this.entryHash(e) !== e.hash) {
        this.verdict = { intact: false, entries: entries.length, firstBadSeq: e.seq, problem: 'altered' };
      } else {
        this.prevHash = e.hash;
        this.next++;
      }
    }
    if (this.verdict === undefined && this.next >= entries.length) this.verdict = { intact: true, entries: entries.length };
    return this.verdict;
  }
}

/**
 * Checks a chain in order; names the first entry that was altered, removed or reordered.
 * `hash` is auditHash or any function giving the same digests (an AuditEntryHash, e.g. the
 * fast one in fast-hash.ts, skips copying each entry's content out first).
 */
export function verifyAuditChain(entries: readonly AuditEntry[], hash: typeof auditHash | { entryHash: AuditEntryHash } = auditHash): ChainVerdict {
  const entryHash = typeof hash === 'function' ? (e: AuditEntry) => hash(contentOf(e), e.seq, e.prevHash) : hash.entryHash;
  return new AuditChainCheck(entries, entryHash).step()!;
}
