import type { RecordType } from './permissions';

/**
 * The record type of every stored table, by the table's name — the same names on the
 * workstation (Dexie tables) and in synced changes (the server's `table_name`). A table
 * missing here is refused to every signed-in user (fail closed): a new table must be added.
 */
export const TABLE_RECORD_TYPES: Readonly<Record<string, RecordType>> = {
  patients: 'patient',
  observations: 'observation',
  seriesBlocks: 'observation',
  rollups: 'observation',
  // Per-patient population summaries of readings (issue 11).
  populationYears: 'observation',
  populationCache: 'observation',
  devices: 'device',
  deviceSessions: 'device',
  alerts: 'alert',
  // The engine's per-patient rule evaluation state belongs with the alerts it produces.
  ruleStates: 'alert',
  rules: 'alert-rule',
  appointments: 'appointment',
  staff: 'schedule-resource',
  rooms: 'schedule-resource',
  appointmentTypes: 'schedule-resource',
  messages: 'message',
  messageTemplates: 'message-template',
  tasks: 'task',
  timeLog: 'time-log',
  carePrograms: 'program',
  enrolments: 'enrolment',
  clinicalNotes: 'note',
  consents: 'consent',
  segments: 'segment',
  workflows: 'workflow',
  workflowRuns: 'workflow',
  users: 'user',
  securitySettings: 'settings',
  breakGlass: 'break-glass-event',
  audit: 'audit',
};

/**
 * Bookkeeping of the data layer itself: key/value state (clocks, cursors, the workstation
 * record) and the sync outbox. They are written only beside a write that was itself checked.
 */
export const INFRASTRUCTURE_TABLES: readonly string[] = ['meta', 'outbox'];

/** Meta keys that hold clinic settings (e.g. 'billing:rpm-rules'): writing them is managing settings. */
export const SETTINGS_META_KEY_PREFIXES: readonly string[] = ['billing:', 'settings:'];

export function recordTypeOfTable(table: string): RecordType | undefined {
  return Object.hasOwn(TABLE_RECORD_TYPES, table) ? TABLE_RECORD_TYPES[table] : undefined;
}

export function isSettingsMetaKey(key: unknown): boolean {
  return typeof key === 'string' && SETTINGS_META_KEY_PREFIXES.some((p) => key.startsWith(p));
}
