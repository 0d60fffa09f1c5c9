/// <reference lib="webworker" />
import type { ContractClient } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import { CareLoopDb } from '../db/database';
import { connectMainFromWorker, isEngineInit, type EngineInit } from './main-link';

/**
 * What every app worker (the engine, the backup worker) starts with: its own connection to
 * the database and its own channel to the main process, from the init message the UI thread
 * posts once the worker exists.
 */
export async function startWorker(scope: DedicatedWorkerGlobalScope): Promise<{ db: CareLoopDb; main: ContractClient<MainApi> }> {
  const init = new Promise<EngineInit>((resolve) => {
    const onInit = (e: MessageEvent) => {
      if (!isEngineInit(e.data)) return;
      scope.removeEventListener('message', onInit);
      resolve(e.data);
    };
    scope.addEventListener('message', onInit);
  });
  const db = new CareLoopDb();
  await db.open();
  return { db, main: connectMainFromWorker(await init, scope.location) };
}
