import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarisePlan } from '../../../common/fhir/import-plan';
import { FhirServerClient, FhirServerError, basicCredentials, type FetchLike, type FhirServerConfig } from '../../../common/fhir/server-client';
import { MRN_SYSTEM } from '../../../common/fhir/systems';
import { recordConsent } from '../../../renderer/src/db/consents';
import type { PatientRow } from '../../../renderer/src/db/database';
import { applyFhirImport, readingsAlreadyStored } from '../../../renderer/src/db/fhir-import';
import { planFetchedResources, sendPatientToServer, serverRecipientName } from '../../../renderer/src/db/fhir-server-exchange';
import { validationErrors, validator } from './kit';
import { openClinic, seedClinic, type Clinic } from './db-kit';
import { refersTo, startLoopbackFhirServer, type LoopbackFhirServer } from './loopback-fhir-server';

/** Node's fetch in the shape the client takes (the main process does the same). */
const nodeFetch: FetchLike = async (url, r) => {
  const res = await fetch(url, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
  return { status: res.status, text: () => res.text() };
};

let server: LoopbackFhirServer;
let source: Clinic;
let ruth: PatientRow;
let tomas: PatientRow;

function config(over: Partial<FhirServerConfig> = {}): FhirServerConfig {
  return { baseUrl: server.baseUrl, tokenUrl: server.tokenUrl, clientId: server.clientId, clientSecret: server.clientSecret, clientAuth: 'basic', ...over };
}

async function failure(work: Promise<unknown>): Promise<FhirServerError> {
  const err = await work.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FhirServerError);
  return err as FhirServerError;
}

beforeAll(async () => {
  server = await startLoopbackFhirServer();
  source = await openClinic('server-src');
  const seeded = await seedClinic(source);
  ruth = seeded[0]!;
  tomas = seeded[1]!;
  await recordConsent(source.db, source.ctx, { patientId: ruth.id, purpose: 'sharing', status: 'given', method: 'written' });
});
afterAll(() => server.close());

describe('FHIR server client: OAuth 2.0 client credentials', { timeout: 30_000 }, () => {
  it('the FHIR endpoint refuses a call without a token; the client gets one with Basic auth and keeps it until it expires', async () => {
    expect((await fetch(`${server.baseUrl}/metadata`)).status).toBe(401);
    let now = Date.now();
    const client = new FhirServerClient(config(), nodeFetch, () => now);
    expect(await client.testConnection()).toEqual({ fhirVersion: '4.0.1', software: 'Loopback test server 1', tokenExpiresInS: 3600 });
    const issued = server.tokensIssued;
    await client.testConnection();
    expect(server.tokensIssued).toBe(issued);
    // Shortly before expiry the cached token is given up and a new one fetched.
    now += 3600_000 - 20_000;
    await client.testConnection();
    expect(server.tokensIssued).toBe(issued + 1);
    // A token the server forgot (restart, revocation): one 401, a new token, the call succeeds.
    server.expireAllTokens();
    await client.testConnection();
    expect(server.tokensIssued).toBe(issued + 2);
    expect(server.log.filter((l) => l.path.startsWith('/fhir') && l.authorised).length).toBeGreaterThanOrEqual(4);
  });

  it('client authentication in the body works too; a wrong secret is auth-failed with the OAuth error code', async () => {
    expect(await new FhirServerClient(config({ clientAuth: 'body', scope: 'system/*.read system/*.write' }), nodeFetch).testConnection()).toMatchObject({ fhirVersion: '4.0.1' });
    const err = await failure(new FhirServerClient(config({ clientSecret: 'wrong' }), nodeFetch).testConnection());
    expect(err).toMatchObject({ code: 'auth-failed', status: 401 });
    expect(err.message).toContain('invalid_client');
    expect(err.message).not.toContain('wrong');
  });

  it('encodes Basic credentials as RFC 6749 §2.3.1 says (form-urlencoded, then base64)', () => {
    expect(basicCredentials('a b', 'p:w&')).toBe(`Basic ${Buffer.from('a%20b:p%3Aw%26').toString('base64')}`);
  });
});

describe('FHIR server exchange: send and fetch', { timeout: 30_000 }, () => {
  it('sends a consenting patient as a transaction; everything that arrived validates with @medplum/core; the send is audited as a disclosure', async () => {
    const client = new FhirServerClient(config(), nodeFetch);
    const sent = await sendPatientToServer(source.db, source.ctx, ruth.id, 'Riverside Clinic', { baseUrl: server.baseUrl }, (text) => client.sendTransaction(text));
    expect(sent.sent).toBe(true);
    if (!sent.sent) return;
    expect(sent.outcome).toEqual({ entries: sent.resources, created: sent.resources, updated: 0, other: 0 });
    const arrived = [...server.store.values()];
    expect(arrived.length).toBe(sent.resources);
    expect(arrived.filter((r) => r.resourceType === 'Patient').map((r) => r.id)).toEqual([ruth.id]);
    expect(arrived.filter((r) => r.resourceType === 'Observation').length).toBeGreaterThan(10);
    expect(validationErrors(arrived)).toEqual({});
    const audit = await source.db.audit.where('patientId').equals(ruth.id).filter((a) => a.action === 'export').toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes?.['recipient']?.after).toBe(serverRecipientName(server.baseUrl));
    expect(audit[0]!.changes?.['format']?.after).toBe('fhir-server-transaction');
    // Sending again updates, and is a disclosure again.
    const again = await sendPatientToServer(source.db, source.ctx, ruth.id, 'Riverside Clinic', { baseUrl: server.baseUrl }, (text) => client.sendTransaction(text));
    expect(again).toMatchObject({ sent: true, outcome: { created: 0, updated: sent.resources } });
    expect(await source.db.audit.where('patientId').equals(ruth.id).filter((a) => a.action === 'export').count()).toBe(2);
  });

  it('a patient without sharing consent is not sent: the refusal is audited and nothing reaches the server', async () => {
    const posts = server.log.filter((l) => l.method === 'POST').length;
    let called = false;
    const r = await sendPatientToServer(source.db, source.ctx, tomas.id, 'Riverside Clinic', { baseUrl: server.baseUrl }, () => {
      called = true;
      return Promise.reject(new Error('must not send'));
    });
    expect(r).toEqual({ sent: false, reason: 'The patient has not consented to sharing with other providers.' });
    expect(called).toBe(false);
    expect(server.log.filter((l) => l.method === 'POST').length).toBe(posts);
    expect(await source.db.audit.where('patientId').equals(tomas.id).filter((a) => a.action === 'disclosure.refuse').count()).toBe(1);
  });

  it('fetches a patient by identifier with $everything (paged), and the same plan and review import it into an empty clinic once', async () => {
    const client = new FhirServerClient(config(), nodeFetch);
    const fetched = await client.fetchPatientData({ system: MRN_SYSTEM, value: 'RO-1001' });
    expect(fetched).toMatchObject({ patientIds: [ruth.id], via: 'everything' });
    expect(server.log.some((l) => l.path.includes('$everything') && l.path.includes('_offset='))).toBe(true);
    const expected = [...server.store.values()].filter((r) => r.resourceType === 'Patient' || refersTo(r, `Patient/${ruth.id}`));
    expect(new Set(fetched.resources.map((r) => `${r.resourceType}/${r.id}`))).toEqual(new Set(expected.map((r) => `${r.resourceType}/${r.id}`)));

    const target = await openClinic('server-dst', 'clinic-z');
    const plan = await planFetchedResources(target.db, fetched.resources, validator, { baseUrl: server.baseUrl });
    expect(summarisePlan(plan)).toMatchObject({ newPatients: 1, matchedPatients: 0, needsReview: 0, readings: 12 });
    expect(plan.source.system).toBe(serverRecipientName(server.baseUrl));
    expect(await readingsAlreadyStored(target.db, plan)).toBe(0);
    expect(await target.db.patients.count()).toBe(0);
    const result = await applyFhirImport(target.db, target.ctx, plan);
    expect(result).toMatchObject({ patientsCreated: 1, readingsAdded: 12 });
    expect(result.seriesSamplesAdded).toBeGreaterThan(0);

    const again = await planFetchedResources(target.db, (await client.fetchPatientData({ system: MRN_SYSTEM, value: 'RO-1001' })).resources, validator, { baseUrl: server.baseUrl });
    expect(summarisePlan(again)).toMatchObject({ newPatients: 0, matchedPatients: 1 });
    expect(await readingsAlreadyStored(target.db, again)).toBe(12);
  });

  it('falls back to an Observation search when the server has no $everything; an unknown identifier finds nothing', async () => {
    server.options.everything = false;
    try {
      const client = new FhirServerClient(config(), nodeFetch);
      const fetched = await client.fetchPatientData({ system: MRN_SYSTEM, value: 'RO-1001' });
      expect(fetched.via).toBe('search');
      const observations = [...server.store.values()].filter((r) => r.resourceType === 'Observation' && r.subject?.reference === `Patient/${ruth.id}`);
      expect(fetched.resources.filter((r) => r.resourceType === 'Observation')).toHaveLength(observations.length);
      expect(fetched.resources.filter((r) => r.resourceType === 'Patient')).toHaveLength(1);
      expect(await client.fetchPatientData({ system: MRN_SYSTEM, value: 'NOBODY' })).toEqual({ patientIds: [], resources: [], via: 'everything' });
    } finally {
      server.options.everything = true;
    }
  });

  it('fails with typed errors that carry no patient data: http-status with its code, invalid-response, network', async () => {
    const client = new FhirServerClient(config(), nodeFetch);
    server.options.failTransactionWith = 422;
    try {
      const err = await failure(client.sendTransaction(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [] })));
      expect(err).toMatchObject({ code: 'http-status', status: 422 });
      expect(err.message).toBe('The FHIR server answered HTTP 422 to the transaction (processing).');
    } finally {
      delete server.options.failTransactionWith;
    }
    server.options.garbage = true;
    try {
      const err = await failure(client.fetchPatientData({ system: MRN_SYSTEM, value: 'RO-1001' }));
      expect(err.code).toBe('invalid-response');
      expect(err.message).not.toMatch(/RO-1001|Okafor|Ruth/);
    } finally {
      server.options.garbage = false;
    }
    const closed = await startLoopbackFhirServer();
    await closed.close();
    const err = await failure(new FhirServerClient({ ...config(), baseUrl: closed.baseUrl, tokenUrl: closed.tokenUrl }, nodeFetch).fetchPatientData({ system: MRN_SYSTEM, value: 'RO-1001' }));
    expect(err.code).toBe('network');
    expect(err.message).not.toContain('RO-1001');
  });

  it('never sends the token to another origin a paging link points at', async () => {
    const seen: string[] = [];
    const fake: FetchLike = async (url, r) => {
      seen.push(`${url} ${r.headers['Authorization'] ? 'auth' : ''}`);
      if (url.endsWith('/token')) return { status: 200, text: async () => JSON.stringify({ access_token: 't', token_type: 'Bearer' }) };
      return { status: 200, text: async () => JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [], link: [{ relation: 'next', url: 'https://elsewhere.example/fhir/Patient?page=2' }] }) };
    };
    const err = await failure(new FhirServerClient({ ...config(), baseUrl: 'https://fhir.example/r4', tokenUrl: 'https://fhir.example/token' }, fake).fetchPatientData({ value: 'x' }));
    expect(err.code).toBe('invalid-response');
    expect(seen.some((s) => s.includes('elsewhere'))).toBe(false);
  });
});
