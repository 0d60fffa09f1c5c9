import type { WebSocket } from 'ws';
import type { MessageTransport } from '../../common/contract/channel';

/** Largest message the host accepts from a browser: the contract carries commands, not bulk data. */
export const MAX_WS_MESSAGE_BYTES = 1024 * 1024;

export function webSocketTransport(socket: WebSocket): MessageTransport {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    onMessage(listener) {
      const handler = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          return; // not JSON: ignored, like any other message that is not part of the protocol
        }
        listener(parsed);
      };
      socket.on('message', handler);
      return () => socket.off('message', handler);
    },
  };
}
