/// <reference lib="webworker" />
import { serveContract } from '../../../common/contract/channel';
import { engineApi } from './api';
import { createEngineHandlers } from './engine-service';
import { startWorker } from './worker-bootstrap';
import { postMessageTransport } from './worker-transport';

// The engine worker: owns derived data and automation, off the UI thread.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const { db, main } = await startWorker(scope);
const handlers = createEngineHandlers(db, main, (name, payload) => service.emit(name, payload));
const service = serveContract(
  engineApi,
  handlers,
  postMessageTransport(scope),
  { onInternalError: (method, err) => console.error(`[engine] ${method} failed: ${(err as Error).name}`) },
);
scope.postMessage({ kind: 'evt', name: 'engine.ready', payload: {} });

// Time passing matters to the rules (missing readings, persistence, snoozes, escalations).
const TICK_MS = 15_000;
setInterval(() => {
  void Promise.resolve(handlers['alerts.tick']({})).catch(() => undefined);
}, TICK_MS);
