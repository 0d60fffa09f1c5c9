import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { saveWorkstation } from '../../../renderer/src/db/workstation';
import type { CloudPort } from '../../../renderer/src/engine/sync/cloud-port';
import { SyncEngine } from '../../../renderer/src/engine/sync/sync-engine';
import type { SyncStatus } from '../../../renderer/src/engine/sync/status';
import { CloudError, CloudService, type Fetch } from '../../../electron/services/cloud/cloud-service';
import type { CredentialStore, StoredEnrolment } from '../../../electron/services/cloud/credential-store';
import { auth, type TestClinic } from '../server/support/harness';

/** The main process's HTTP, answered by a server started in-process (no sockets). */
export function injectFetch(app: FastifyInstance): Fetch {
  return async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({ method: init.method as 'GET' | 'POST', url: `${u.pathname}${u.search}`, headers: init.headers, ...(init.body !== undefined ? { payload: init.body } : {}) });
    return { status: res.statusCode, text: async () => res.body };
  };
}

export class MemoryCredentialStore implements CredentialStore {
  value: StoredEnrolment | undefined;
  async load() {
    return this.value;
  }
  async save(e: StoredEnrolment) {
    this.value = e;
  }
  async clear() {
    this.value = undefined;
  }
}

/** A cloud port that can be cut off, as a workstation going offline, and that records what it sent. */
export class SwitchableCloud implements CloudPort {
  online = true;
  /** Fail every pull after this many more pulls (undefined: never). */
  pullsBeforeCut: number | undefined;
  readonly pushes: Parameters<CloudPort['push']>[0][] = [];
  readonly pullsSince: string[] = [];

  constructor(readonly service: CloudService) {}

  private check(): void {
    if (!this.online) throw new CloudError('cloud-unreachable', 'The cloud instance cannot be reached.');
  }
  status = () => this.service.status();
  enrol = (url: string, code: string, name: string) => this.service.enrol(url, code, name);
  forget = () => this.service.forget();
  push: CloudPort['push'] = async (request) => {
    this.check();
    this.pushes.push(structuredClone(request));
    return this.service.push(request);
  };
  pull: CloudPort['pull'] = async (since, limit) => {
    this.check();
    if (this.pullsBeforeCut !== undefined) {
      if (this.pullsBeforeCut === 0) throw new CloudError('cloud-unreachable', 'The cloud instance cannot be reached.');
      this.pullsBeforeCut--;
    }
    this.pullsSince.push(since);
    return this.service.pull(since, limit);
  };
}

export interface Workstation {
  name: string;
  db: CareLoopDb;
  ctx: WriteContext;
  patients: PatientRepository;
  cloud: SwitchableCloud;
  sync: SyncEngine;
  statuses: SyncStatus[];
}

let n = 0;

export async function openWorkstation(app: FastifyInstance, name: string, pullLimit?: number): Promise<Workstation> {
  const db = new CareLoopDb(`sync-${name}-${n++}-${Date.now()}`);
  await db.open();
  const ws = await saveWorkstation(db, { clinicName: 'Riverside', staffName: `Staff ${name}`, staffRole: 'nurse', start: 'empty' });
  const ctx: WriteContext = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}u`) };
  const cloud = new SwitchableCloud(new CloudService({ store: new MemoryCredentialStore(), fetch: injectFetch(app) }));
  const statuses: SyncStatus[] = [];
  const sync = new SyncEngine(db, cloud, (s) => statuses.push(s), { backoffMs: 10, maxBackoffMs: 20, progressEveryMs: 0, ...(pullLimit ? { pullLimit } : {}) });
  return { name, db, ctx, patients: new PatientRepository(db, ctx), cloud, sync, statuses };
}

export async function enrolmentCode(app: FastifyInstance, clinic: TestClinic): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/admin/enrolment-codes', headers: auth(clinic.adminToken), payload: {} });
  return res.json<{ code: string }>().code;
}

/** Enrols the workstation; the server address is never dialled (the fetch is in-process). */
export async function connect(app: FastifyInstance, clinic: TestClinic, ws: Workstation): Promise<SyncStatus> {
  const status = await ws.sync.connect('http://127.0.0.1:8787', await enrolmentCode(app, clinic), ws.name);
  // A refreshed WriteContext, as the engine re-reads the workstation for every write.
  ws.ctx = { ...ws.ctx, clinicId: clinic.clinicId };
  ws.patients = new PatientRepository(ws.db, ws.ctx);
  return status;
}

/** A stored record's synced fields: what every workstation must agree on (local index fields and write times excluded). */
export function syncedView(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!record) return undefined;
  const { sortName: _s, mrnKey: _m, searchTokens: _t, updatedAt: _u, ...rest } = record;
  return rest;
}
