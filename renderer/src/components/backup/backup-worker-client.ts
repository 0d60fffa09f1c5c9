import { connectContract, type ContractClient } from '../../../../common/contract/channel';
import { requestMainPortForWorker } from '../../bridge/main-bridge';
import type { EngineInit } from '../../engine/main-link';
import { postMessageTransport } from '../../engine/worker-transport';
import { backupWorkerApi, type BackupWorkerApi } from './backup-worker-api';

export type BackupWorkerClient = ContractClient<BackupWorkerApi>;

let started: Promise<BackupWorkerClient> | undefined;

/** The backup worker, started once per window (its schedule runs from then on while CareLoop is open). */
export function backupWorker(): Promise<BackupWorkerClient> {
  started ??= (async () => {
    const worker = new Worker(new URL('./backup.worker.ts', import.meta.url), { type: 'module', name: 'careloop-backup' });
    const client = connectContract(backupWorkerApi, postMessageTransport(worker), { timeoutMs: 6 * 3_600_000 });
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (e: MessageEvent) => {
        const data = e.data as { kind?: string; name?: string };
        if (data?.kind === 'evt' && data.name === 'backup.ready') {
          worker.removeEventListener('message', onReady);
          resolve();
        }
      };
      worker.addEventListener('message', onReady);
      worker.addEventListener('error', (e) => reject(new Error(`the backup worker failed to start: ${e.message}`)), { once: true });
    });
    const port = await requestMainPortForWorker();
    const init: EngineInit = port ? { kind: 'engine.init', port } : { kind: 'engine.init' };
    worker.postMessage(init, port ? [port] : []);
    await ready;
    return client;
  })();
  started.catch(() => (started = undefined));
  return started;
}
