import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudService } from '../../../electron/services/cloud/cloud-service';
import { FileCredentialStore } from '../../../electron/services/cloud/credential-store';
import { workstationDataDir } from '../../../electron/services/cloud/data-dir';
import { checkServerUrl } from '../../../electron/services/cloud/server-url';
import type { Database } from '../../../server/db/database';
import { pgliteBackend } from '../server/support/backends';
import { auth, createClinic, testServer } from '../server/support/harness';
import { enrolmentCode, injectFetch } from './sync-fixture';

describe('main-process cloud service', () => {
  it('accepts https anywhere and plain http only on loopback', () => {
    expect(checkServerUrl('https://cloud.example.org/')).toBe('https://cloud.example.org');
    expect(checkServerUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(checkServerUrl('http://[::1]:8787/')).toBe('http://[::1]:8787');
    expect(() => checkServerUrl('http://cloud.example.org')).toThrow(/https/);
    expect(() => checkServerUrl('http://192.168.1.10:8787')).toThrow(/https/);
    expect(() => checkServerUrl('https://user:pw@cloud.example.org')).toThrow(/user name/);
    expect(() => checkServerUrl('ftp://cloud.example.org')).toThrow(/https/);
    expect(() => checkServerUrl('not a url')).toThrow(/valid URL/);
  });

  it('keeps one data directory per browser-mode port unless CARELOOP_DATA_DIR is set', () => {
    const a = workstationDataDir({ PORT: '5211' }, 'linux', '/home/n');
    const b = workstationDataDir({ PORT: '5212' }, 'linux', '/home/n');
    expect(a).toBe('/home/n/.local/share/CareLoop/browser-5211');
    expect(a).not.toBe(b);
    expect(workstationDataDir({ PORT: '5211', CARELOOP_DATA_DIR: '/srv/ws' }, 'linux', '/home/n')).toBe(path.resolve('/srv/ws'));
  });

  describe('against an in-process server', () => {
    const backend = pgliteBackend();
    let db: Database;
    let app: FastifyInstance;
    let dir: string;

    beforeAll(async () => {
      await backend.start();
      db = await backend.open();
      app = await testServer(db, { senderIntervalMs: 0 });
      dir = mkdtempSync(path.join(tmpdir(), 'careloop-cloud-'));
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await db?.close();
      await backend.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('enrols, stores the credential owner-only, refuses an insecure URL, and reports a revoked credential', async () => {
      const clinic = await createClinic(app);
      const store = new FileCredentialStore(dir);
      const cloud = new CloudService({ store, fetch: injectFetch(app) });
      await expect(cloud.enrol('http://cloud.example.org', 'x', 'Desk')).rejects.toMatchObject({ code: 'cloud-insecure-url' });
      await expect(cloud.pull('0', 10)).rejects.toMatchObject({ code: 'cloud-not-enrolled' });
      const status = await cloud.enrol('http://localhost:8787/', await enrolmentCode(app, clinic), 'Desk');
      expect(status).toMatchObject({ enrolled: true, clinicId: clinic.clinicId, serverUrl: 'http://localhost:8787', workstationName: 'Desk' });
      expect(statSync(store.file).mode & 0o777).toBe(0o600);

      // A fresh service (an app restart) reads the stored credential and syncs.
      const restarted = new CloudService({ store: new FileCredentialStore(dir), fetch: injectFetch(app) });
      expect((await restarted.pull('0', 10)).rows).toEqual([]);

      const del = await app.inject({ method: 'DELETE', url: `/admin/workstations/${status.workstationId}`, headers: auth(clinic.adminToken) });
      expect(del.statusCode).toBe(204);
      const again = new CloudService({ store: new FileCredentialStore(dir), fetch: injectFetch(app) });
      await expect(again.pull('0', 10)).rejects.toMatchObject({ code: 'cloud-credential-revoked' });
      expect((await again.forget()).enrolled).toBe(false);
    });
  });
});
