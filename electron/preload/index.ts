import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_MESSAGE, IPC_PORT, IPC_REQUEST } from '../main/ipc-channel';

/**
 * The whole surface the renderer gets: a message pipe that carries the typed contract
 * (common/contract), and a way to ask for a second pipe (a MessagePort) for the engine
 * worker. No Node, no ipcRenderer, no other channel crosses.
 */
const bridge = {
  send(message: unknown): void {
    ipcRenderer.send(IPC_REQUEST, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(IPC_MESSAGE, handler);
    return () => ipcRenderer.off(IPC_MESSAGE, handler);
  },
  requestPort(): void {
    const { port1, port2 } = new MessageChannel();
    ipcRenderer.postMessage(IPC_PORT, null, [port2]);
    // MessagePorts cannot cross the context bridge as values; a window message can carry one.
    window.postMessage({ careloop: 'main-port' }, window.location.origin === 'null' ? '*' : window.location.origin, [port1]);
  },
};

contextBridge.exposeInMainWorld('careloopBridge', bridge);
