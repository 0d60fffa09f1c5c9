/** IPC channel names shared by the main process and the preload; nothing else is exposed. */
export const IPC_REQUEST = 'careloop:request';
export const IPC_MESSAGE = 'careloop:message';
/** Carries a MessagePort for the engine worker's own channel to the main process. */
export const IPC_PORT = 'careloop:port';
