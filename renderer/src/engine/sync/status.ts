/** What the UI shows about sync: one snapshot, sent again whenever it changes. */
export interface SyncStatus {
  state: 'not-connected' | 'idle' | 'syncing' | 'offline' | 'error';
  serverUrl: string | null;
  workstationName: string | null;
  lastSyncedAt: string | null;
  pendingChanges: number;
  /** Changes the server refused as malformed, set aside so the rest could sync. */
  rejectedChanges: number;
  /** Set while a sync runs; `total` is known once the server told its latest version. */
  progress: { phase: 'push' | 'pull'; done: number; total: number | null } | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export const LAST_SYNCED_KEY = 'sync:lastSyncedAt';
