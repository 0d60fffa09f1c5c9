import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_MESSAGE, IPC_REQUEST } from '../main/ipc-channel';

/**
 * The whole surface the renderer gets: a message pipe that carries the typed contract
 * (common/contract). No Node, no ipcRenderer, no other channel crosses.
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
};

contextBridge.exposeInMainWorld('careloopBridge', bridge);
