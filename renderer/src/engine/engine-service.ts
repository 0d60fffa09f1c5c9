import { RpcError } from '../../../common/contract/rpc';
import type { Handlers } from '../../../common/contract/channel';
import type { CareLoopDb } from '../db/database';
import { openClock } from '../db/journal';
import { SCHEMA_VERSION } from '../db/migrations/index';
import { PatientRepository, countPatients } from '../db/patients';
import { loadWorkstation } from '../db/workstation';
import type { EngineApi } from './api';
import { generateDemoPatients } from './demo/generate-patients';

/**
 * The engine's request handlers, separate from the worker bootstrap so tests can run them
 * against any IndexedDB. Later issues add the signal pipeline, rules and sync here.
 */
export function createEngineHandlers(
  db: CareLoopDb,
  emitProgress: (done: number, total: number) => void,
): Handlers<EngineApi> {
  const startedAt = new Date().toISOString();
  return {
    'engine.status': async () => ({
      startedAt,
      schemaVersion: SCHEMA_VERSION,
      patients: await countPatients(db),
      pendingChanges: await db.outbox.count(),
      auditEntries: await db.audit.count(),
    }),
    'demo.load': async ({ count, seed }) => {
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
      const created = await repo.createMany(inputs, emitProgress);
      return { created };
    },
  };
}
