import type { MessageTransport } from '../../../common/contract/channel';

/**
 * Browser mode's transport: a WebSocket back to the Node host that served the page (used
 * by the UI thread and by the engine worker alike). Messages sent while (re)connecting wait
 * in a queue; a dropped connection is retried with backoff.
 */
export function webSocketTransport(url: string, onStatus: (connected: boolean) => void, onDrop: () => void): MessageTransport {
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

export function hostRpcUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/rpc`;
}
