/// <reference lib="webworker" />
import { serveContract } from '../../../common/contract/channel';
import { CareLoopDb } from '../db/database';
import { engineApi } from './api';
import { createEngineHandlers } from './engine-service';
import { postMessageTransport } from './worker-transport';

// The engine worker: owns derived data and automation, off the UI thread.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const db = new CareLoopDb();
await db.open();
const service = serveContract(
  engineApi,
  createEngineHandlers(db, (done, total) => service.emit('demo.progress', { done, total })),
  postMessageTransport(scope),
  { onInternalError: (method, err) => console.error(`[engine] ${method} failed: ${(err as Error).name}: ${(err as Error).message}`) },
);
scope.postMessage({ kind: 'evt', name: 'engine.ready', payload: {} });
