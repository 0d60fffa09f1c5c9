import { connectContract, type ContractClient } from '../../../common/contract/channel';
import { mainApi, type MainApi } from '../../../common/contract/main-api';
import { hostRpcUrl, webSocketTransport } from '../bridge/ws-transport';
import { postMessageTransport } from './worker-transport';

/** The message the UI thread sends the worker at start: its channel to the main process. */
export interface EngineInit {
  kind: 'engine.init';
  /** Electron: a MessagePort to the main process. Browser mode: absent, the worker dials the host. */
  port?: MessagePort;
}

export function isEngineInit(data: unknown): data is EngineInit {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'engine.init';
}

/** The engine worker's own client of the main-process contract (device downloads, live streams). */
export function connectMainFromWorker(init: EngineInit, location: { protocol: string; host: string }): ContractClient<MainApi> {
  if (init.port) {
    init.port.start();
    return connectContract(mainApi, postMessageTransport(init.port), { timeoutMs: 60_000 });
  }
  const holder: { client?: ContractClient<MainApi> } = {};
  const transport = webSocketTransport(hostRpcUrl(location), () => undefined, () =>
    holder.client?.failPending('disconnected', 'lost the connection to the CareLoop host'),
  );
  holder.client = connectContract(mainApi, transport, { timeoutMs: 60_000 });
  return holder.client;
}
