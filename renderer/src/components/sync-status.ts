import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { PayloadOf } from '../../../common/contract/rpc';
import { useAppStore } from '../stores/app';
import type { EngineApi } from '../engine/api';

export type SyncStatusView = PayloadOf<EngineApi, 'sync.status'>;

/** The engine's sync status, live: read once on mount, then updated by every 'sync.status' event. */
export function useSyncStatus() {
  const app = useAppStore();
  const status = ref<SyncStatusView>();
  let off: (() => void) | undefined;
  let disposed = false;
  onMounted(async () => {
    try {
      const engine = await app.whenEngine();
      if (disposed) return;
      off = engine.on('sync.status', (s) => (status.value = s));
      status.value = await engine.call('sync.status', {});
    } catch {
      // The engine is not running (first run, or it failed): nothing to show yet.
    }
  });
  onBeforeUnmount(() => {
    disposed = true;
    off?.();
  });
  return { status, engine: () => app.whenEngine() };
}

export function syncStateLabel(s: SyncStatusView | undefined): string {
  if (!s) return 'Sync status unknown';
  switch (s.state) {
    case 'not-connected':
      return 'Not connected to the cloud';
    case 'syncing':
      return 'Syncing…';
    case 'offline':
      return 'Offline — changes are kept here';
    case 'error':
      return 'Sync problem';
    default:
      return 'Synced';
  }
}

export function formatWhen(iso: string | null): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  const mins = Math.round((Date.now() - d.getTime()) / 60_000);
  if (mins < 1) return 'just now';
  if (mins < 60) return `${mins} min ago`;
  return d.toLocaleString();
}
