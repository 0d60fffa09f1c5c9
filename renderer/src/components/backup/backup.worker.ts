/// <reference lib="webworker" />
import { serveContract } from '../../../../common/contract/channel';
import { startWorker } from '../../engine/worker-bootstrap';
import { postMessageTransport } from '../../engine/worker-transport';
import { backupWorkerApi } from './backup-worker-api';
import { runBackup } from './run-backup';
import { BackupScheduleRunner } from './schedule-runner';

// The backup worker: reads and encrypts the whole database off the UI thread, and runs the daily schedule.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const { db, main } = await startWorker(scope);

const backup = async (passphrase: string, scheduled: boolean, folder?: string) => {
  try {
    const file = await runBackup(db, main, {
      passphrase,
      scheduled,
      ...(folder ? { folder } : {}),
      onProgress: (p) => service.emit('backup.progress', { scheduled, rowsDone: p.rowsDone, totalRows: p.totalRows, bytes: p.bytes }),
    });
    service.emit('backup.ended', { scheduled, ok: true });
    return file;
  } catch (err) {
    service.emit('backup.ended', { scheduled, ok: false });
    throw err;
  }
};
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
// One schedule check at a time across every window of this profile (browser mode may have several tabs).
const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
  let result!: T;
  await navigator.locks.request('careloop-backup-schedule', async () => {
    result = await work();
  });
  return result;
};
const schedule = new BackupScheduleRunner(main, (passphrase) => backup(passphrase, true), zone, Date.now, exclusive);

const service = serveContract(
  backupWorkerApi,
  {
    'backup.now': async ({ passphrase, folder }) => {
      const file = await backup(passphrase, false, folder);
      return { path: file.path, bytes: file.bytes, pruned: file.pruned };
    },
    'schedule.check': async () => ({ outcome: await schedule.check() }),
  },
  postMessageTransport(scope),
  { onInternalError: (method, err) => console.error(`[backup] ${method} failed: ${(err as Error).name}`) },
);
scope.postMessage({ kind: 'evt', name: 'backup.ready', payload: {} });
schedule.start();
