import type { MessageTransport } from '../../../common/contract/channel';

/** Anything with postMessage and message events: a Worker, the worker's own global scope, a MessagePort. */
export interface PostMessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function postMessageTransport(endpoint: PostMessageEndpoint): MessageTransport {
  return {
    send: (message) => endpoint.postMessage(message),
    onMessage(listener) {
      const handler = (event: MessageEvent) => listener(event.data);
      endpoint.addEventListener('message', handler);
      return () => endpoint.removeEventListener('message', handler);
    },
  };
}
