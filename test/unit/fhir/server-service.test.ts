import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FHIR_TEXT_PIECE_CHARS } from '../../../common/contract/fhir-server-api';
import { RpcError } from '../../../common/contract/rpc';
import { MRN_SYSTEM } from '../../../common/fhir/systems';
import { fhirServerHandlers } from '../../../electron/services/fhir-server/handlers';
import { FhirServerService } from '../../../electron/services/fhir-server/fhir-server-service';
import { EncryptedFileSecretStore } from '../../../electron/services/secrets/encrypted-file-store';
import { recordConsent } from '../../../renderer/src/db/consents';
import { patientTransaction } from '../../../renderer/src/db/fhir-server-exchange';
import { openClinic, seedClinic } from './db-kit';
import { startLoopbackFhirServer, type LoopbackFhirServer } from './loopback-fhir-server';

let server: LoopbackFhirServer;
let dataDir: string;
let service: FhirServerService;

beforeAll(async () => {
  server = await startLoopbackFhirServer();
  dataDir = mkdtempSync(join(tmpdir(), 'careloop-fhir-server-'));
  service = new FhirServerService({ dataDir, secrets: new EncryptedFileSecretStore(dataDir) });
});
afterAll(() => server.close());

async function rpcCode(work: Promise<unknown>): Promise<string> {
  const err = await work.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RpcError);
  return (err as RpcError).code;
}

describe('the main process FHIR server service', { timeout: 30_000 }, () => {
  it('refuses to work unconfigured, and refuses plain http to another machine', async () => {
    const h = fhirServerHandlers(service);
    expect(await service.settings()).toMatchObject({ configured: false, hasClientSecret: false, baseUrl: null });
    expect(await rpcCode(Promise.resolve(h['fhirServer.test']({})))).toBe('fhir-server-not-configured');
    expect(await rpcCode(Promise.resolve(h['fhirServer.configure']({ baseUrl: 'http://fhir.example.org/r4', tokenUrl: server.tokenUrl, clientId: 'x', clientAuth: 'basic', clientSecret: 'y' })))).toBe('fhir-server-settings');
  });

  it('keeps the client secret sealed in the secret store, not in the settings file; a wrong secret is fhir-auth-failed', async () => {
    const h = fhirServerHandlers(service);
    const s = await h['fhirServer.configure']({ baseUrl: `${server.baseUrl}/`, tokenUrl: server.tokenUrl, clientId: server.clientId, clientAuth: 'basic', clientSecret: 'not it' });
    expect(s).toMatchObject({ configured: true, hasClientSecret: true, baseUrl: server.baseUrl, clientAuth: 'basic' });
    expect(await rpcCode(Promise.resolve(h['fhirServer.test']({})))).toBe('fhir-auth-failed');
    await h['fhirServer.configure']({ baseUrl: server.baseUrl, tokenUrl: server.tokenUrl, clientId: server.clientId, clientAuth: 'basic', clientSecret: server.clientSecret });
    const files = readdirSync(dataDir, { recursive: true }).map(String);
    for (const f of files.filter((f) => !f.endsWith('secrets'))) expect(readFileSync(join(dataDir, f)).includes(server.clientSecret)).toBe(false);
    expect(JSON.parse(readFileSync(join(dataDir, 'fhir-server.json'), 'utf8'))).toEqual({ baseUrl: server.baseUrl, tokenUrl: server.tokenUrl, clientId: server.clientId, clientAuth: 'basic', scope: null, mrnSystem: null });
    expect(await h['fhirServer.test']({})).toMatchObject({ fhirVersion: '4.0.1' });
    // Configuring again without a secret keeps the kept one.
    expect(await h['fhirServer.configure']({ baseUrl: server.baseUrl, tokenUrl: server.tokenUrl, clientId: server.clientId, clientAuth: 'basic' })).toMatchObject({ configured: true });
  });

  it('sends a transaction that crossed in pieces, and hands a fetched patient back in pieces', async () => {
    const h = fhirServerHandlers(service);
    const c = await openClinic('service');
    const [ruth] = await seedClinic(c);
    await recordConsent(c.db, c.ctx, { patientId: ruth!.id, purpose: 'sharing', status: 'given', method: 'written' });
    const t = await patientTransaction(c.db, c.ctx, ruth!.id, 'Riverside', { baseUrl: server.baseUrl });
    if ('refused' in t) throw new Error(t.refused);
    const { handle } = await h['fhirServer.sendBegin']({});
    const piece = 1000;
    for (let i = 0; i < t.text.length; i += piece) await h['fhirServer.sendPart']({ handle, text: t.text.slice(i, i + piece) });
    expect(await h['fhirServer.sendFinish']({ handle })).toEqual({ entries: t.resources, created: t.resources, updated: 0, other: 0 });
    expect(await rpcCode(Promise.resolve(h['fhirServer.sendFinish']({ handle })))).toBe('fhir-server-handle');

    const got = await h['fhirServer.fetchPatient']({ identifierSystem: MRN_SYSTEM, identifierValue: 'RO-1001' });
    expect(got).toMatchObject({ patients: 1, via: 'everything' });
    let text = '';
    for (let offset: number | null = 0; offset !== null; ) {
      const part: { text: string; nextOffset: number | null } = await h['fhirServer.fetchPart']({ handle: got.handle, offset });
      expect(part.text.length).toBeLessThanOrEqual(FHIR_TEXT_PIECE_CHARS);
      text += part.text;
      offset = part.nextOffset;
    }
    expect(text.length).toBe(got.chars);
    expect(text.split('\n')).toHaveLength(got.resources);
    expect(text).toContain('"RO-1001"');
  });

  it('forgets the server and its secret', async () => {
    expect(await service.forget()).toMatchObject({ configured: false, hasClientSecret: false, baseUrl: null });
    expect(await new EncryptedFileSecretStore(dataDir).get('fhir-server-client-secret')).toBeUndefined();
  });
});
