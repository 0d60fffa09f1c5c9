import type { MessageTransport } from '../../common/contract/channel';
import { checkIpcSender, type IpcSenderInfo } from './ipc-guard';

/** The parts of an Electron IpcMainEvent the guard needs (kept structural so it is testable without Electron). */
export interface IpcEventLike {
  sender: { id: number; mainFrame: unknown };
  senderFrame: { url: string } | null | undefined;
}

/**
 * The contract's transport over Electron IPC. Incoming messages pass the sender guard
 * before the contract sees them; refusals are reported (without the payload) and dropped.
 */
export function createIpcTransport(options: {
  trusted(): { webContentsId: number | undefined; origins: readonly string[] };
  sendToRenderer(message: unknown): void;
  onRefused(reason: string): void;
}): { transport: MessageTransport; receive(event: IpcEventLike, message: unknown): void } {
  const listeners = new Set<(message: unknown) => void>();
  return {
    transport: {
      send: options.sendToRenderer,
      onMessage(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    receive(event, message) {
      const sender: IpcSenderInfo = {
        webContentsId: event.sender.id,
        frameUrl: event.senderFrame?.url ?? null,
        isMainFrame: !!event.senderFrame && event.senderFrame === event.sender.mainFrame,
      };
      const verdict = checkIpcSender(sender, options.trusted());
      if (!verdict.ok) {
        options.onRefused(verdict.reason);
        return;
      }
      for (const l of listeners) l(message);
    },
  };
}
