import { RpcError } from '../../../common/contract/rpc';
import type { ContractClient, Handlers } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import type { PayloadOf } from '../../../common/contract/rpc';
import type { CareLoopDb } from '../db/database';
import { openClock } from '../db/journal';
import { SCHEMA_VERSION } from '../db/migrations/index';
import { PatientRepository, countPatients } from '../db/patients';
import { loadWorkstation } from '../db/workstation';
import type { EngineApi } from './api';
import { generateDemoPatients } from './demo/generate-patients';
import { loadDemoDeviceData } from './demo/load-device-data';

/**
 * The engine's request handlers, separate from the worker bootstrap so tests can run them
 * against any IndexedDB. Later issues add the signal pipeline, rules and sync here.
 */
export function createEngineHandlers(
  db: CareLoopDb,
  main: ContractClient<MainApi>,
  emit: <K extends keyof EngineApi['events'] & string>(name: K, payload: PayloadOf<EngineApi, K>) => void,
): Handlers<EngineApi> {

  const startedAt = new Date().toISOString();
  return {
    'engine.status': async () => ({
      startedAt,
      schemaVersion: SCHEMA_VERSION,
      patients: await countPatients(db),
      pendingChanges: await db.outbox.count(),
      auditEntries: await db.audit.count(),
      hostReachable: await Promise.race([
        main.call('app.info', {}).then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
      ]),
    }),
    'demo.load': async ({ count, seed, historyDays, wearables }) => {
      const ws = await loadWorkstation(db);
      if (!ws) throw new RpcError('not-set-up', 'Set up the clinic before loading demo patients.');
      const repo = new PatientRepository(db, {
        actor: ws.staffName,
        workstation: ws.workstationId,
        clinicId: ws.clinicId,
        clock: await openClock(db, `${ws.workstationId}e`),
      });
      const existing = await db.patients.count();
      // Demo MRNs are numbered from the existing count so a second demo load adds new patients.
      const inputs = generateDemoPatients(count + existing, seed).slice(existing);
      const rows = await repo.createMany(inputs, (done, total) => emit('demo.progress', { phase: 'patients', done, total }));
      const loaded = await loadDemoDeviceData(db, rows, { historyDays, wearables, seed: seed ?? 1, endMs: Date.now() }, (phase, done, total) =>
        emit('demo.progress', { phase, done, total }),
      );
      return { created: rows.length, ...loaded };
    },
  };
}
