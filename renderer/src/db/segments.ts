import type { Table } from 'dexie';
import { z } from 'zod';
import type { AuditAction } from '../../../common/audit/chain';
import { localDate } from '../../../common/time/local-days';
import { currentConsents, type ConsentDecision, type ConsentPurpose } from '../../../common/consent/consent';
import { ageOn, CONTACT_CHANNELS, type ContactChannel } from '../../../common/patient/patient';
import type { SyncedRow } from '../../../common/sync/stamped';
import type { RiskThresholds } from '../engine/insights/risk-tier';
import { SegmentFilter } from '../engine/insights/segment-filter';
import { DAY_MS } from '../engine/signal/trends';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';
import type { WriteContext } from './journal';
import { assessPatients, type PatientRisk } from './risk-data';
import { insertRow, updateRow } from './synced-rows';

/**
 * Saved segments (issue 7, Segmentation): named filters over demographics, conditions,
 * programs, tags, readings and risk tier, synced like any CRM record, evaluated to patient
 * ids for message audiences and dashboard filters.
 */

export { SegmentFilter };

export const SegmentInput = z.object({
  name: z.string().trim().min(1, 'name the segment').max(80, 'keep the name under 80 characters'),
  description: z.string().trim().max(500, 'keep the description under 500 characters').optional().transform((v) => (v ? v : undefined)),
  filter: SegmentFilter,
});
export type SegmentInput = z.input<typeof SegmentInput>;

export interface Segment extends SyncedRow {
  name: string;
  description?: string;
  filter: SegmentFilter;
}

export type SegmentsDb = CrmDb & { segments: Table<Segment, string> };

export class SegmentError extends Error {
  override readonly name = 'SegmentError';
}

/** The app's database as a SegmentsDb, after checking that schema version 9 is in it. */
export function asSegmentsDb(db: CrmDb): SegmentsDb {
  if (!db.tables.some((t) => t.name === 'segments')) throw new SegmentError('The database has no segments table: register migration 009 (segments) in migrations/index.ts.');
  return db as SegmentsDb;
}

function parseInput(input: unknown): z.output<typeof SegmentInput> {
  const r = SegmentInput.safeParse(input);
  if (!r.success) throw new SegmentError(r.error.issues.map((i) => `${i.path.join('.') || 'segment'}: ${i.message}`).join('; '));
  return r.data;
}

const CREATE: AuditAction = 'segment.create';
const UPDATE: AuditAction = 'segment.update';

export async function createSegment(db: SegmentsDb, ctx: WriteContext, input: SegmentInput): Promise<Segment> {
  const v = parseInput(input);
  return db.transaction('rw', [db.segments, db.audit, db.outbox, db.meta], () =>
    insertRow<Segment>(db, ctx, db.segments, { name: v.name, filter: v.filter, ...(v.description ? { description: v.description } : {}) }, { action: CREATE, entity: 'segment' }),
  );
}

export async function updateSegment(db: SegmentsDb, ctx: WriteContext, id: string, input: SegmentInput): Promise<Segment> {
  const v = parseInput(input);
  return db.transaction('rw', [db.segments, db.audit, db.outbox, db.meta], async () => {
    const before = await db.segments.get(id);
    if (!before || before.deleted) throw new SegmentError('That segment does not exist.');
    // An absent description clears it (synced as undefined).
    return updateRow<Segment>(db, ctx, db.segments, before, { name: v.name, filter: v.filter, description: v.description }, { action: UPDATE, entity: 'segment' });
  });
}

export async function deleteSegment(db: SegmentsDb, ctx: WriteContext, id: string): Promise<void> {
  await db.transaction('rw', [db.segments, db.audit, db.outbox, db.meta], async () => {
    const before = await db.segments.get(id);
    if (!before || before.deleted) return;
    await updateRow<Segment>(db, ctx, db.segments, before, { deleted: true } as Partial<Segment>, { action: UPDATE, entity: 'segment', reason: 'deleted' });
  });
}

export async function listSegments(db: SegmentsDb): Promise<Segment[]> {
  return (await db.segments.orderBy('name').toArray()).filter((s) => !s.deleted);
}

export interface EvaluateOptions {
  nowMs: number;
  zone: string;
  /** At most this many ids (sorted by name); default 10,000. */
  limit?: number;
  thresholds?: Readonly<RiskThresholds>;
  /** Tiers already computed (the dashboard's), so they are not assessed twice. */
  risks?: ReadonlyMap<string, PatientRisk>;
  /** Archived patients too (a message audience lists them as skipped); default: active only. */
  includeArchived?: boolean;
}

export interface SegmentResult {
  patientIds: string[];
  /** How many patients matched in all (may exceed the limit). */
  total: number;
  /** More patients matched than the limit. */
  truncated: boolean;
}

const CONCURRENCY = 200;

/** Runs `f` over items with bounded concurrency, keeping the ones it accepts. */
async function keepWhere<T>(items: readonly T[], f: (x: T) => Promise<boolean>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    const batch = items.slice(i, i + CONCURRENCY);
    const ok = await Promise.all(batch.map(f));
    batch.forEach((x, j) => ok[j] && out.push(x));
  }
  return out;
}

/** Active patients a filter starts from: the programs' enrolments when it names programs (index), else every active patient. */
async function candidates(db: CrmDb, f: SegmentFilter, includeArchived: boolean): Promise<PatientRow[]> {
  const statuses = includeArchived ? ['active', 'archived'] : ['active'];
  if (f.programIds?.length) {
    const enrolled = await db.enrolments.where('[status+programId]').anyOf(f.programIds.map((p) => ['active', p])).toArray();
    const ids = [...new Set(enrolled.filter((e) => !e.deleted).map((e) => e.patientId))];
    return (await db.patients.bulkGet(ids)).filter((p): p is PatientRow => !!p && !p.deleted && statuses.includes(p.status));
  }
  const rows: PatientRow[] = [];
  for (const status of statuses) rows.push(...(await db.patients.where('[status+sortName]').between([status, ''], [status, '\uffff'], true, true).toArray()));
  return rows.filter((p) => !p.deleted);
}

function matchesRecord(p: PatientRow, f: SegmentFilter, today: string): boolean {
  if (f.ageMin !== undefined || f.ageMax !== undefined) {
    const age = ageOn(p.birthDate, today);
    if (f.ageMin !== undefined && age < f.ageMin) return false;
    if (f.ageMax !== undefined && age > f.ageMax) return false;
  }
  if (f.sexes?.length && !f.sexes.includes(p.sex)) return false;
  if (f.conditions?.length) {
    const wanted = f.conditions.map((c) => c.toLowerCase());
    const has = (p.conditions ?? []).some((c) => wanted.some((w) => c.display.toLowerCase().includes(w) || (c.code ?? '').toLowerCase().startsWith(w)));
    if (!has) return false;
  }
  if (f.tags?.length) {
    const tags = new Set((p.tags ?? []).map((t) => t.toLowerCase()));
    if (!f.tags.some((t) => tags.has(t.toLowerCase()))) return false;
  }
  return true;
}

/** The patients a segment's filter selects now, sorted by name, at most `limit`. */
export async function evaluateSegment(db: CrmDb, filterInput: SegmentFilter, o: EvaluateOptions): Promise<SegmentResult> {
  const parsed = SegmentFilter.safeParse(filterInput);
  if (!parsed.success) throw new SegmentError(parsed.error.issues.map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`).join('; '));
  const f = parsed.data;
  const limit = o.limit ?? 10_000;
  if (!Number.isInteger(limit) || limit < 1) throw new SegmentError('limit must be a positive whole number');
  const today = localDate(o.nowMs, o.zone);
  let rows = (await candidates(db, f, o.includeArchived ?? false)).filter((p) => matchesRecord(p, f, today));
  if (f.noReadingForDays !== undefined) {
    const from = o.nowMs - f.noReadingForDays * DAY_MS;
    rows = await keepWhere(rows, async (p) => (await db.observations.where('[patientId+timeMs]').between([p.id, from], [p.id, o.nowMs], false, true).limit(1).count()) === 0);
  }
  if (f.latestSystolicAbove !== undefined) {
    const above = f.latestSystolicAbove;
    rows = await keepWhere(rows, async (p) => {
      const last = await db.observations.where('[patientId+metric+timeMs]').between([p.id, 'blood-pressure-systolic', -Infinity], [p.id, 'blood-pressure-systolic', o.nowMs], true, true).last();
      return !!last && last.value > above;
    });
  }
  if (f.riskTiers?.length) {
    const tiers = new Set(f.riskTiers);
    const missing = rows.filter((p) => !o.risks?.has(p.id));
    const assessed = missing.length ? await assessPatients(db, missing, { nowMs: o.nowMs, zone: o.zone, ...(o.thresholds ? { thresholds: o.thresholds } : {}) }) : new Map<string, PatientRisk>();
    rows = rows.filter((p) => {
      const r = o.risks?.get(p.id) ?? assessed.get(p.id);
      return !!r && tiers.has(r.assessment.tier);
    });
  }
  rows.sort((a, b) => a.sortName.localeCompare(b.sortName));
  return { patientIds: rows.slice(0, limit).map((p) => p.id), total: rows.length, truncated: rows.length > limit };
}

/** The latest consent decision of each patient for one purpose (from the [patientId+purpose] index). */
export async function consentFor(db: CrmDb, patientIds: readonly string[], purpose: ConsentPurpose): Promise<Map<string, ConsentDecision>> {
  const out = new Map<string, ConsentDecision>();
  if (patientIds.length === 0) return out;
  const rows = await db.consents.where('[patientId+purpose]').anyOf(patientIds.map((id) => [id, purpose])).toArray();
  const byPatient = new Map<string, ConsentDecision[]>();
  for (const d of rows) byPatient.set(d.patientId, [...(byPatient.get(d.patientId) ?? []), d]);
  for (const [id, list] of byPatient) {
    const d = currentConsents(list)[purpose];
    if (d) out.set(id, d);
  }
  return out;
}

/**
 * A segment as a message audience: the patients it selects who have consent for the channel
 * now (no recorded consent means no message, as in the inbox).
 */
export async function segmentAudience(db: CrmDb, filter: SegmentFilter, channel: ContactChannel, o: EvaluateOptions): Promise<PatientRow[]> {
  if (!CONTACT_CHANNELS.includes(channel)) throw new SegmentError(`unknown channel ${String(channel)}`);
  const { patientIds } = await evaluateSegment(db, filter, o);
  const consent = await consentFor(db, patientIds, channel);
  const allowed = patientIds.filter((id) => consent.get(id)?.status === 'given');
  return (await db.patients.bulkGet(allowed)).filter((p): p is PatientRow => !!p);
}

/**
 * The segment editor's fields as typed (numbers as text, lists as comma-separated text or
 * checked boxes), and their validation into a SegmentInput with a message per field.
 */
export interface SegmentFormFields {
  name: string;
  description: string;
  ageMin: string;
  ageMax: string;
  sexes: string[];
  /** Comma-separated: "hypertension, I50". */
  conditions: string;
  programIds: string[];
  /** Comma-separated. */
  tags: string;
  riskTiers: string[];
  noReadingForDays: string;
  latestSystolicAbove: string;
}
export type SegmentFormErrors = Partial<Record<keyof SegmentFormFields, string>>;

export function emptySegmentForm(): SegmentFormFields {
  return { name: '', description: '', ageMin: '', ageMax: '', sexes: [], conditions: '', programIds: [], tags: '', riskTiers: [], noReadingForDays: '', latestSystolicAbove: '' };
}

export function segmentToForm(s: Pick<Segment, 'name' | 'description' | 'filter'>): SegmentFormFields {
  const f = s.filter;
  const num = (v: number | undefined) => (v === undefined ? '' : String(v));
  return {
    name: s.name,
    description: s.description ?? '',
    ageMin: num(f.ageMin),
    ageMax: num(f.ageMax),
    sexes: [...(f.sexes ?? [])],
    conditions: (f.conditions ?? []).join(', '),
    programIds: [...(f.programIds ?? [])],
    tags: (f.tags ?? []).join(', '),
    riskTiers: [...(f.riskTiers ?? [])],
    noReadingForDays: num(f.noReadingForDays),
    latestSystolicAbove: num(f.latestSystolicAbove),
  };
}

/** Entries of a comma-separated list, trimmed, without blanks or repeats (case-insensitive). */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const v = part.trim();
    if (v && !seen.has(v.toLowerCase())) {
      seen.add(v.toLowerCase());
      out.push(v);
    }
  }
  return out;
}

type NumberRule = { min: number; max: number; whole: boolean; what: string };
const NUMBER_RULES: Record<'ageMin' | 'ageMax' | 'noReadingForDays' | 'latestSystolicAbove', NumberRule> = {
  ageMin: { min: 0, max: 130, whole: true, what: 'an age in whole years' },
  ageMax: { min: 0, max: 130, whole: true, what: 'an age in whole years' },
  noReadingForDays: { min: 1, max: 365, whole: true, what: 'a whole number of days' },
  latestSystolicAbove: { min: 40, max: 300, whole: false, what: 'a pressure in mmHg' },
};

function parseNumber(text: string, r: NumberRule): { value?: number; error?: string } {
  const t = text.trim();
  if (!t) return {};
  const v = Number(t);
  if (!/^-?\d+(\.\d+)?$/.test(t) || !Number.isFinite(v) || (r.whole && !Number.isInteger(v))) return { error: `enter ${r.what}` };
  if (v < r.min || v > r.max) return { error: `enter a value from ${r.min} to ${r.max}` };
  return { value: v };
}

export interface ParsedSegmentForm {
  errors: SegmentFormErrors;
  /** The filter, when its fields are valid (the name may still be missing): enough for a preview. */
  filter?: SegmentFilter;
  /** The whole segment, when every field is valid. */
  input?: z.output<typeof SegmentInput>;
}

/** Validates the editor's fields; every problem is reported at its field. */
export function parseSegmentForm(form: SegmentFormFields): ParsedSegmentForm {
  const errors: SegmentFormErrors = {};
  const filter: Record<string, unknown> = {};
  for (const key of Object.keys(NUMBER_RULES) as (keyof typeof NUMBER_RULES)[]) {
    const r = parseNumber(form[key], NUMBER_RULES[key]);
    if (r.error) errors[key] = r.error;
    else if (r.value !== undefined) filter[key] = r.value;
  }
  const conditions = splitList(form.conditions);
  const tags = splitList(form.tags);
  if (conditions.some((c) => c.length > 80)) errors.conditions = 'keep each condition under 80 characters';
  else if (conditions.length > 20) errors.conditions = 'at most 20 conditions';
  if (tags.some((t) => t.length > 80)) errors.tags = 'keep each tag under 80 characters';
  else if (tags.length > 20) errors.tags = 'at most 20 tags';
  if (form.programIds.length > 20) errors.programIds = 'at most 20 programs';
  if (conditions.length) filter.conditions = conditions;
  if (tags.length) filter.tags = tags;
  if (form.sexes.length) filter.sexes = [...new Set(form.sexes)];
  if (form.programIds.length) filter.programIds = [...new Set(form.programIds)];
  if (form.riskTiers.length) filter.riskTiers = [...new Set(form.riskTiers)];
  const parsedFilter = SegmentFilter.safeParse(filter);
  if (!parsedFilter.success) {
    for (const issue of parsedFilter.error.issues) {
      const key = String(issue.path[0] ?? 'conditions') as keyof SegmentFormFields;
      errors[key] ??= issue.message;
    }
  }
  const filterOk = parsedFilter.success && Object.keys(errors).length === 0;
  const whole = SegmentInput.safeParse({ name: form.name, description: form.description, filter: parsedFilter.success ? parsedFilter.data : filter });
  if (!whole.success) {
    for (const issue of whole.error.issues) {
      const key = issue.path[0];
      if (key === 'name' || key === 'description') errors[key] ??= issue.message;
    }
  }
  return {
    errors,
    ...(filterOk ? { filter: parsedFilter.data } : {}),
    ...(whole.success && Object.keys(errors).length === 0 ? { input: whole.data } : {}),
  };
}
