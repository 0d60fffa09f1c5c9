import { connectContract, type ContractClient } from '../../../common/contract/channel';
import { engineApi, type EngineApi } from './api';
import { postMessageTransport } from './worker-transport';

export type EngineClient = ContractClient<EngineApi>;

/** Starts the engine worker and resolves once it has opened the database. */
export function startEngine(): Promise<EngineClient> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'careloop-engine' });
  const client = connectContract(engineApi, postMessageTransport(worker));
  return new Promise((resolve, reject) => {
    const onReady = (e: MessageEvent) => {
      const data = e.data as { kind?: string; name?: string };
      if (data?.kind === 'evt' && data.name === 'engine.ready') {
        worker.removeEventListener('message', onReady);
        resolve(client);
      }
    };
    worker.addEventListener('message', onReady);
    worker.addEventListener('error', (e) => reject(new Error(`engine worker failed to start: ${e.message}`)), { once: true });
  });
}
