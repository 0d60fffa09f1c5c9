import { connectContract, type ContractClient, type MessageTransport } from '../../../common/contract/channel';
import { mainApi, type MainApi } from '../../../common/contract/main-api';
import { hostRpcUrl, webSocketTransport } from './ws-transport';

export type MainClient = ContractClient<MainApi>;

/** What the Electron preload exposes; absent in browser mode. */
export interface PreloadBridge extends MessageTransport {
  /** Asks the main process for a dedicated MessagePort (delivered by window message) for the engine worker. */
  requestPort(): void;
}

declare global {
  interface Window {
    careloopBridge?: PreloadBridge;
  }
}

export function connectMain(onStatus: (connected: boolean) => void = () => {}): MainClient {
  if (window.careloopBridge) {
    onStatus(true);
    return connectContract(mainApi, window.careloopBridge, { timeoutMs: 30_000 });
  }
  const holder: { client?: MainClient } = {};
  const transport = webSocketTransport(hostRpcUrl(location), onStatus, () =>
    holder.client?.failPending('disconnected', 'lost the connection to the CareLoop host'),
  );
  holder.client = connectContract(mainApi, transport, { timeoutMs: 30_000 });
  return holder.client;
}

/**
 * A channel to the main process for the engine worker: in Electron a MessagePort from the
 * preload (transferred to the worker), in browser mode nothing — the worker opens its own
 * WebSocket to the host.
 */
export function requestMainPortForWorker(): Promise<MessagePort | null> {
  const bridge = window.careloopBridge;
  if (!bridge) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== window || (e.data as { careloop?: string })?.careloop !== 'main-port' || !e.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(e.ports[0]);
    };
    window.addEventListener('message', onMessage);
    bridge.requestPort();
  });
}
