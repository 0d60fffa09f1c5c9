import type { SyncedRow } from '../../../common/sync/stamped';
import type { Alert } from '../engine/rules/lifecycle';
import type { EngineState } from '../engine/rules/evaluate';
import type { RuleDefinition } from '../engine/rules/rule';

/** An alert as stored and synced: the lifecycle's fields under a UUIDv7 row id, with the episode key. */
export type StoredAlert = Omit<Alert, 'id'> &
  SyncedRow & {
    /** The engine's deterministic key of the episode: `<ruleId>|<patientId>|<opened at ms>`. */
    alertKey: string;
    ruleName: string;
  };

/** A rule as staff edit it: the definition, versioned, synced like any record. */
export type StoredRule = SyncedRow & { definition: RuleDefinition };

/** The engine's evaluation state of one patient (local, rebuilt by replay when missing). */
export interface RuleStateRow {
  patientId: string;
  state: EngineState['patients'][string];
}

/** The lifecycle's view of a stored alert (its id is the row id). */
export function toLifecycleAlert(a: StoredAlert): Alert {
  return {
    id: a.id,
    patientId: a.patientId,
    ruleId: a.ruleId,
    ruleVersion: a.ruleVersion,
    priority: a.priority,
    status: a.status,
    openedAtMs: a.openedAtMs,
    readingIds: a.readingIds,
    values: a.values,
    assignee: a.assignee,
    escalationLevel: a.escalationLevel,
    awaitingSinceMs: a.awaitingSinceMs,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAtMs: a.acknowledgedAtMs,
    snoozedUntilMs: a.snoozedUntilMs,
    snoozeReason: a.snoozeReason,
    resolvedBy: a.resolvedBy,
    resolvedAtMs: a.resolvedAtMs,
    resolutionNote: a.resolutionNote,
    conditionCleared: a.conditionCleared,
    refireCount: a.refireCount,
    lastRefireAtMs: a.lastRefireAtMs,
  };
}

export const ACTIVE_STATUSES = ['open', 'acknowledged', 'snoozed', 'escalated'] as const;
