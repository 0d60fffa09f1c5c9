import type { HlcStamp } from './hlc';

/**
 * Fields every synced, mutable row carries. `stamps` holds one clock stamp per field
 * (the stamp of the write that set it), which is what makes per-field last-writer-wins
 * merging possible; `deleted` is a tombstone, never a physical delete.
 */
export interface SyncedRow {
  id: string;
  clinicId: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
  stamps: Record<string, HlcStamp>;
}

export const SYNC_META_FIELDS = ['id', 'clinicId', 'stamps'] as const;

/** Sets `stamps[field]` for each field in `changed`, returning a new stamps map. */
export function stampFields(
  previous: Record<string, HlcStamp>,
  changed: readonly string[],
  stamp: HlcStamp,
): Record<string, HlcStamp> {
  const next = { ...previous };
  for (const field of changed) next[field] = stamp;
  return next;
}

/** Field names whose values differ between two versions of a row (deep, JSON semantics). */
export function changedFields<T extends object>(before: T | undefined, after: T): string[] {
  const out: string[] = [];
  const a = (before ?? {}) as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if ((SYNC_META_FIELDS as readonly string[]).includes(k) || k === 'updatedAt') continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(k);
  }
  return out.sort();
}
