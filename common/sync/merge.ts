import { canonicalJson } from '../audit/chain';
import type { HlcStamp } from './hlc';
import { isFieldName, isImmutableTable, type FieldMap, type FieldValue, type JsonValue } from './protocol';

/**
 * Per-field last-writer-wins merge by hybrid logical clock (DESIGN.md decision 4).
 *
 * Each field keeps the value with the greatest stamp. Stamps of different writers never
 * tie (the node id is part of the stamp); if two writes nevertheless carry the same stamp
 * with different values, the greater canonical JSON wins, so every replica picks the same
 * one. This makes each field a join-semilattice: merging is commutative, associative and
 * idempotent, so any order, duplication or re-delivery of the same changes converges.
 * Fields the receiver does not know are merged like any other and kept.
 */

/** A value that lost: overwritten by a newer write, or arriving older than the one kept. */
export interface OverwrittenValue {
  field: string;
  lost: FieldValue;
  kept: FieldValue;
}

export interface MergeOutcome {
  fields: FieldMap;
  /** Fields whose stored value or stamp this merge changed. */
  changed: string[];
  overwritten: OverwrittenValue[];
}

export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** Orders two writes of one field: > 0 when `a` wins over `b`. */
export function compareWrites(a: FieldValue, b: FieldValue): number {
  if (a.stamp !== b.stamp) return a.stamp > b.stamp ? 1 : -1;
  const ja = canonicalJson(a.value);
  const jb = canonicalJson(b.value);
  return ja === jb ? 0 : ja > jb ? 1 : -1;
}

function sameValue(a: JsonValue, b: JsonValue): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function checkNames(incoming: FieldMap): void {
  for (const name of Object.keys(incoming)) if (!isFieldName(name)) throw new MergeError(`not a field name: ${name.slice(0, 64)}`);
}

/** Merges a mutable row: per field, the greater write wins. */
export function mergeMutable(current: FieldMap | undefined, incoming: FieldMap): MergeOutcome {
  checkNames(incoming);
  const fields: FieldMap = { ...current };
  const changed: string[] = [];
  const overwritten: OverwrittenValue[] = [];
  for (const [name, write] of Object.entries(incoming)) {
    const held = current?.[name];
    if (!held) {
      fields[name] = { value: write.value, stamp: write.stamp };
      changed.push(name);
      continue;
    }
    const order = compareWrites(write, held);
    if (order > 0) {
      fields[name] = { value: write.value, stamp: write.stamp };
      changed.push(name);
      if (!sameValue(write.value, held.value)) overwritten.push({ field: name, lost: held, kept: write });
    } else if (order < 0 && !sameValue(write.value, held.value)) {
      overwritten.push({ field: name, lost: write, kept: held });
    }
  }
  return { fields, changed, overwritten };
}

/**
 * Merges an immutable row (observations, device sessions, audit, consent decisions): the
 * first write wins and a repeat is a duplicate. A repeat that differs is reported, never applied.
 */
export function mergeImmutable(current: FieldMap | undefined, incoming: FieldMap): MergeOutcome {
  checkNames(incoming);
  if (!current) return { fields: { ...incoming }, changed: Object.keys(incoming), overwritten: [] };
  const overwritten: OverwrittenValue[] = [];
  for (const [name, write] of Object.entries(incoming)) {
    const held = current[name];
    if (held && !sameValue(write.value, held.value)) overwritten.push({ field: name, lost: write, kept: held });
  }
  return { fields: current, changed: [], overwritten };
}

export function mergeRow(table: string, current: FieldMap | undefined, incoming: FieldMap): MergeOutcome {
  return isImmutableTable(table) ? mergeImmutable(current, incoming) : mergeMutable(current, incoming);
}

/** A record as a workstation stores it: values inline plus one stamp per synced field. */
export type StampedRecord = Record<string, unknown> & { stamps?: Record<string, HlcStamp> };

/** The stamped fields of a stored record, for merging. */
export function recordFields(record: StampedRecord): FieldMap {
  const out: FieldMap = {};
  for (const [name, stamp] of Object.entries(record.stamps ?? {})) {
    if (isFieldName(name)) out[name] = { value: (record[name] ?? null) as JsonValue, stamp };
  }
  return out;
}

/**
 * Applies pulled fields to a workstation's stored record (or creates it), keeping values
 * the record holds without a stamp (its id, clinic, local index fields). Returns the
 * record to write and what the merge did.
 */
export function mergeIntoRecord(table: string, record: StampedRecord | undefined, incoming: FieldMap): MergeOutcome & { record: StampedRecord } {
  const outcome = mergeRow(table, record ? recordFields(record) : undefined, incoming);
  if (record && outcome.changed.length === 0) return { ...outcome, record };
  const next: StampedRecord = { ...record };
  const stamps: Record<string, HlcStamp> = { ...record?.stamps };
  for (const name of outcome.changed) {
    const f = outcome.fields[name]!;
    next[name] = f.value;
    stamps[name] = f.stamp;
  }
  next.stamps = stamps;
  return { ...outcome, record: next };
}
