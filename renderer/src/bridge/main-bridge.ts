import { connectContract, type ContractClient, type MessageTransport } from '../../../common/contract/channel';
import { mainApi, type MainApi } from '../../../common/contract/main-api';

export type MainClient = ContractClient<MainApi>;

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    careloopBridge?: MessageTransport;
  }
}

/**
 * Browser mode's transport: a WebSocket back to the Node host that served the page.
 * Messages sent while (re)connecting wait in a queue; a dropped connection is retried
 * with backoff and in-flight calls fail with a typed 'disconnected' error.
 */
function webSocketTransport(url: string, onStatus: (connected: boolean) => void, onDrop: () => void): MessageTransport {
  const listeners = new Set<(m: unknown) => void>();
  const queue: string[] = [];
  let socket: WebSocket | undefined;
  let retryMs = 250;
  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      onStatus(true);
      for (const m of queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (e) => {
      let data: unknown;
      try {
        data = JSON.parse(String(e.data));
      } catch {
        return;
      }
      for (const l of listeners) l(data);
    };
    ws.onclose = () => {
      onStatus(false);
      onDrop();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();
  return {
    send(message) {
      const text = JSON.stringify(message);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function connectMain(onStatus: (connected: boolean) => void = () => {}): MainClient {
  if (window.careloopBridge) {
    onStatus(true);
    return connectContract(mainApi, window.careloopBridge, { timeoutMs: 30_000 });
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;
  const holder: { client?: MainClient } = {};
  const transport = webSocketTransport(url, onStatus, () =>
    holder.client?.failPending('disconnected', 'lost the connection to the CareLoop host'),
  );
  holder.client = connectContract(mainApi, transport, { timeoutMs: 30_000 });
  return holder.client;
}
