import type { Collection } from 'dexie';
import type { AuditEntry } from '../../../../common/audit/chain';
import type { CareLoopDb } from '../../db/database';

/** What the audit screen filters by; empty fields match everything. */
export interface AuditFilter {
  actor?: string;
  patientId?: string;
  action?: string;
  /** ISO instants, from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  hasMore: boolean;
}

function clean(filter: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  for (const key of ['actor', 'patientId', 'action', 'from', 'to'] as const) {
    const v = filter[key]?.trim();
    if (v) out[key] = v;
  }
  return out;
}

function matches(e: AuditEntry, f: AuditFilter): boolean {
  return (
    (f.actor === undefined || e.actor === f.actor) &&
    (f.patientId === undefined || e.patientId === f.patientId) &&
    (f.action === undefined || e.action === f.action) &&
    (f.from === undefined || e.at >= f.from) &&
    (f.to === undefined || e.at < f.to)
  );
}

/**
 * The filtered entries, newest first, read through one of the audit table's indexes
 * (migration 001: patientId, actor, action, at) — the most selective one the filter names —
 * so a page over a log of 100,000+ entries reads about a page of rows, not the log. The
 * other criteria are checked on the rows that index yields.
 */
function filtered(db: CareLoopDb, filter: AuditFilter): Collection<AuditEntry, number> {
  const f = clean(filter);
  let c: Collection<AuditEntry, number>;
  if (f.patientId !== undefined) c = db.audit.where('patientId').equals(f.patientId);
  else if (f.actor !== undefined) c = db.audit.where('actor').equals(f.actor);
  else if (f.action !== undefined) c = db.audit.where('action').equals(f.action);
  else if (f.from !== undefined || f.to !== undefined) c = db.audit.where('at').between(f.from ?? '', f.to ?? '\uffff', true, false);
  else c = db.audit.orderBy('seq');
  c = c.reverse();
  const rest = { ...f };
  if (f.patientId !== undefined) delete rest.patientId;
  else if (f.actor !== undefined) delete rest.actor;
  else if (f.action !== undefined) delete rest.action;
  return Object.keys(rest).length ? c.filter((e) => matches(e, rest)) : c;
}

/** One page of the filtered log. Reading the audit log may be refused (PermissionDeniedError from the data layer). */
export async function auditPage(db: CareLoopDb, filter: AuditFilter, offset: number, limit = 100): Promise<AuditPage> {
  const rows = await filtered(db, filter).offset(offset).limit(limit + 1).toArray();
  return { entries: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** Every filtered entry in chain order (oldest first), for the export. */
export async function auditEntriesFor(db: CareLoopDb, filter: AuditFilter): Promise<AuditEntry[]> {
  const rows = await filtered(db, filter).toArray();
  return rows.sort((a, b) => a.seq - b.seq);
}

/** The people and actions that occur in the log, from the indexes alone (for the filter menus). */
export async function auditChoices(db: CareLoopDb): Promise<{ actors: string[]; actions: string[] }> {
  const [actors, actions] = await Promise.all([db.audit.orderBy('actor').uniqueKeys(), db.audit.orderBy('action').uniqueKeys()]);
  return { actors: actors.map(String), actions: actions.map(String) };
}

/** The data layer refuses reading the audit log to roles without that permission (issue 9's matrix). */
export function isPermissionDenied(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { inner?: unknown }).inner ?? e.cause) {
    if (e.name === 'PermissionDeniedError') return true;
  }
  return false;
}

/** A local calendar date from a date input ("2026-11-25") as the ISO instant its day starts at here. */
export function localDayStartIso(date: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}
