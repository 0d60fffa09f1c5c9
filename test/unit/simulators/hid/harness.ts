import type { DeviceDriver } from '../../../../electron/devices/session/driver';
import { runDownload, type DownloadResult } from '../../../../electron/devices/session/run-download';
import { DeviceError, type DeviceReading } from '../../../../electron/devices/session/types';

/** The engine's store reduced to its contract: readings by id, plus the high-water mark. */
export class MemoryStore {
  readonly rows = new Map<string, DeviceReading>();
  highWater: number | null = null;

  readonly store = async (readings: DeviceReading[], highWater: number | null) => {
    let added = 0;
    let duplicates = 0;
    for (const r of readings) {
      if (this.rows.has(r.id)) duplicates++;
      else {
        this.rows.set(r.id, r);
        added++;
      }
    }
    this.highWater = highWater;
    return { added, duplicates };
  };
}

export interface DownloadSetup {
  hostUtcMs?: number;
  timeZone?: string;
  setClockIfSkewed?: boolean;
}

/** 2026-04-01 09:30 UTC: the simulators' default meter time, so no skew unless a test asks. */
export const HOST_NOW = Date.UTC(2026, 3, 1, 9, 30);

export function download<L>(driver: DeviceDriver<L>, link: L, store: MemoryStore, setup: DownloadSetup = {}): Promise<DownloadResult> {
  return runDownload({
    driver,
    openLink: async () => link,
    closeLink: async () => undefined,
    highWater: store.highWater,
    hostUtcMs: () => setup.hostUtcMs ?? HOST_NOW,
    timeZone: setup.timeZone ?? 'UTC',
    store: store.store,
    setClockIfSkewed: setup.setClockIfSkewed ?? false,
    timeoutMs: 1000,
    retries: 2,
  });
}

export async function deviceErrorOf(p: Promise<unknown>): Promise<DeviceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeviceError) return err;
    throw err;
  }
  throw new Error('expected the download to fail');
}
