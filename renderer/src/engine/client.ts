import { connectContract, type ContractClient } from '../../../common/contract/channel';
import { requestMainPortForWorker } from '../bridge/main-bridge';
import { engineApi, type EngineApi } from './api';
import type { EngineInit } from './main-link';
import { postMessageTransport } from './worker-transport';

export type EngineClient = ContractClient<EngineApi>;

/** Starts the engine worker, hands it its channel to the main process, and resolves once it is ready. */
export async function startEngine(): Promise<EngineClient> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'careloop-engine' });
  const client = connectContract(engineApi, postMessageTransport(worker));
  const ready = new Promise<void>((resolve, reject) => {
    const onReady = (e: MessageEvent) => {
      const data = e.data as { kind?: string; name?: string };
      if (data?.kind === 'evt' && data.name === 'engine.ready') {
        worker.removeEventListener('message', onReady);
        resolve();
      }
    };
    worker.addEventListener('message', onReady);
    worker.addEventListener('error', (e) => reject(new Error(`engine worker failed to start: ${e.message}`)), { once: true });
  });
  const port = await requestMainPortForWorker();
  const init: EngineInit = port ? { kind: 'engine.init', port } : { kind: 'engine.init' };
  worker.postMessage(init, port ? [port] : []);
  await ready;
  return client;
}
