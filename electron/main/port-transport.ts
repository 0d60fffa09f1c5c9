import type { MessagePortMain } from 'electron';
import type { MessageTransport } from '../../common/contract/channel';

/** The contract over an Electron MessagePortMain (the engine worker's own channel). */
export function messagePortMainTransport(port: MessagePortMain): MessageTransport {
  port.start();
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (e: { data: unknown }) => listener(e.data);
      port.on('message', handler);
      return () => port.off('message', handler);
    },
  };
}
