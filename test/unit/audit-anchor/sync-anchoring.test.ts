import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAgainstAnchors, type AuditAnchor } from '../../../common/audit/anchors';
import { sealAuditEntry, verifyAuditChain, type AuditEntry } from '../../../common/audit/chain';
import { CloudError, CloudService } from '../../../electron/services/cloud/cloud-service';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { saveWorkstation } from '../../../renderer/src/db/workstation';
import { anchorAuditHead } from '../../../renderer/src/engine/sync/anchor-audit';
import type { CloudPort } from '../../../renderer/src/engine/sync/cloud-port';
import { SyncEngine } from '../../../renderer/src/engine/sync/sync-engine';
import type { Database } from '../../../server/db/database';
import { pgliteBackend } from '../server/support/backends';
import { auth, createClinic, testServer, type TestClinic } from '../server/support/harness';
import { enrolmentCode, injectFetch, MemoryCredentialStore, SwitchableCloud } from '../sync-client/sync-fixture';

/** The app's cloud port (push, pull and anchor through the main process's CloudService), counting anchors sent. */
class AnchoringCloud extends SwitchableCloud {
  readonly anchorsSent: { seq: number; hash: string }[] = [];
  anchor: NonNullable<CloudPort['anchor']> = async (head) => {
    this.anchorsSent.push({ seq: head.seq, hash: head.hash });
    return this.service.anchor(head);
  };
}

const patient = (mrn: string) => ({ givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10', sex: 'female', mrn, phone: '+1 555 0100 1111', preferredChannel: 'sms' });

/**
 * What someone with the workstation's disk could do: rewrite the audit store directly (past
 * the app's data layer, which refuses it), changing entries from `fromSeq` and computing every
 * hash after them again so the chain still verifies on its own.
 */
async function rewriteChainFrom(db: CareLoopDb, fromSeq: number): Promise<void> {
  const entries = await db.audit.orderBy('seq').toArray();
  const idb = db.backendDB();
  const tx = idb.transaction('audit', 'readwrite');
  const store = tx.objectStore('audit');
  let prev = entries[fromSeq - 2]!.hash;
  for (const e of entries.slice(fromSeq - 1)) {
    const { seq, prevHash: _p, hash: _h, ...content } = e;
    const forged = sealAuditEntry({ ...content, actor: 'someone-else' }, seq, prev);
    store.put(forged);
    prev = forged.hash;
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('rewrite failed'));
  });
}

describe('the sync engine anchors the audit chain head after each sync (PGlite)', () => {
  const backend = pgliteBackend();
  let serverDb: Database;
  let app: FastifyInstance;
  let clinic: TestClinic;
  let db: CareLoopDb;
  let patients: PatientRepository;
  let cloud: AnchoringCloud;
  let sync: SyncEngine;

  const serverAnchors = async (): Promise<{ anchors: AuditAnchor[]; refusals: { problem: string; seq: number }[] }> => {
    const workstationId = (await cloud.status()).workstationId!;
    const res = await app.inject({ method: 'GET', url: `/audit/anchors?workstationId=${workstationId}`, headers: auth(clinic.adminToken) });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const localChain = (): Promise<AuditEntry[]> => db.audit.orderBy('seq').toArray();

  beforeAll(async () => {
    await backend.start();
    serverDb = await backend.open();
    app = await testServer(serverDb);
    clinic = await createClinic(app);
    db = new CareLoopDb(`anchor-${Date.now()}`);
    await db.open();
    const ws = await saveWorkstation(db, { clinicName: 'Riverside', staffName: 'Nurse A', staffRole: 'nurse', start: 'empty' });
    const ctx: WriteContext = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}u`) };
    cloud = new AnchoringCloud(new CloudService({ store: new MemoryCredentialStore(), fetch: injectFetch(app) }));
    sync = new SyncEngine(db, cloud, () => undefined, { backoffMs: 10, maxBackoffMs: 20, progressEveryMs: 0 });
    patients = new PatientRepository(db, { ...ctx, clinicId: clinic.clinicId });
  }, 120_000);

  afterAll(async () => {
    sync?.stop();
    db?.close();
    await app.close();
    await serverDb.close();
    await backend.stop();
  });

  it('anchors the head after a successful sync, once per head', async () => {
    await patients.create(patient('A-1'));
    await patients.create(patient('A-2'));
    const status = await sync.connect('http://127.0.0.1:8787', await enrolmentCode(app, clinic), 'Desk 1');
    expect(status.lastError).toBeNull();
    const chain = await localChain();
    const head = chain.at(-1)!;
    expect((await serverAnchors()).anchors).toMatchObject([{ seq: head.seq, hash: head.hash, count: chain.length }]);

    await sync.syncNow();
    expect(cloud.anchorsSent).toHaveLength(1);
    await patients.create(patient('A-3'));
    await sync.syncNow();
    expect(cloud.anchorsSent).toHaveLength(2);
    const after = await serverAnchors();
    expect(after.anchors.map((a) => a.seq)).toEqual([head.seq, (await localChain()).at(-1)!.seq]);
    expect(verifyAgainstAnchors(await localChain(), after.anchors)).toMatchObject({ matches: true, anchors: 2 });
  });

  it('a chain rewritten consistently after anchoring passes its own check but not the anchors', async () => {
    const anchored = (await serverAnchors()).anchors;
    await rewriteChainFrom(db, 2);
    const chain = await localChain();
    expect(verifyAuditChain(chain)).toMatchObject({ intact: true });
    expect(verifyAgainstAnchors(chain, anchored)).toMatchObject({ matches: false, problem: 'hash-differs', anchor: { seq: anchored[0]!.seq } });
  });

  it('the server refuses the rewritten head at an anchored seq, records it, and the engine reports it', async () => {
    const status = await sync.syncNow();
    expect(status.state).toBe('error');
    expect(status.lastError).toMatch(/refused this workstation's audit chain head: 409 chain-rewritten/);
    const { refusals } = await serverAnchors();
    expect(refusals).toMatchObject([{ problem: 'chain-rewritten', seq: (await localChain()).at(-1)!.seq }]);
    // Not sent again while the head is the same (each refusal is stored), but still reported.
    const again = await sync.syncNow();
    expect(again.lastError).toMatch(/chain-rewritten/);
    expect((await serverAnchors()).refusals).toHaveLength(1);
  });

  it('tries again next sync a head refused for another reason than a contradiction, and leaves an unreachable server for later', async () => {
    const sent: number[] = [];
    const outcomes: (Error | undefined)[] = [new CloudError('cloud-unreachable', 'down'), new CloudError('cloud-credential-revoked', 'The server no longer accepts this workstation.'), undefined];
    const port: CloudPort = {
      status: cloud.status,
      enrol: cloud.enrol,
      forget: cloud.forget,
      push: cloud.push,
      pull: cloud.pull,
      anchor: async (head) => {
        sent.push(head.seq);
        const failure = outcomes.shift();
        if (failure) throw failure;
        return { seq: head.seq, duplicate: false, receivedAt: new Date().toISOString() };
      },
    };
    expect(await anchorAuditHead(db, port, 'ws-x', undefined)).toBeUndefined();
    const refused = await anchorAuditHead(db, port, 'ws-x', undefined);
    expect(refused?.refusal).toMatch(/no longer accepts/);
    const ok = await anchorAuditHead(db, port, 'ws-x', refused);
    expect(ok).toMatchObject({ refusal: null });
    expect(await anchorAuditHead(db, port, 'ws-x', ok)).toBe(ok);
    const head = (await localChain()).at(-1)!.seq;
    expect(sent).toEqual([head, head, head]);
  });
});
