import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';

/**
 * A small FHIR R4 server on loopback for the exchange tests: an OAuth 2.0 client credentials
 * token endpoint (RFC 6749 §4.4, Basic or body client authentication), and a FHIR base with
 * transaction (POST [base]), Patient?identifier=, Observation?subject=, Patient/[id]/$everything
 * (paged, so `next` links are followed) and metadata, over in-memory storage. Every FHIR call
 * needs a token it issued that has not expired.
 */
export interface LoopbackFhirServer {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Stored resources by `Type/id`. */
  store: Map<string, Resource>;
  /** Every request: method, path and whether it carried a valid token. */
  log: { method: string; path: string; authorised: boolean }[];
  tokensIssued: number;
  /** Switches for the tests. */
  options: { everything: boolean; pageSize: number; failTransactionWith?: number; garbage?: boolean; tokenLifetimeS: number };
  expireAllTokens(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/fhir+json'): void {
  res.writeHead(status, { 'Content-Type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const outcome = (code: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: 'details the client must not repeat' }] });

/** Whether a resource belongs to a patient (its subject, patient or beneficiary), as $everything selects. */
export function refersTo(r: Resource, patientRef: string): boolean {
  const rec = r as unknown as Record<string, unknown>;
  for (const field of ['subject', 'patient', 'beneficiary']) {
    const v = rec[field] as { reference?: string } | undefined;
    if (v?.reference === patientRef) return true;
  }
  return false;
}

export async function startLoopbackFhirServer(): Promise<LoopbackFhirServer> {
  const tokens = new Map<string, number>();
  const state: Omit<LoopbackFhirServer, 'baseUrl' | 'tokenUrl' | 'close'> = {
    clientId: 'careloop-test',
    clientSecret: 's3cret:with&symbols',
    store: new Map(),
    log: [],
    tokensIssued: 0,
    options: { everything: true, pageSize: 7, tokenLifetimeS: 3600 },
    expireAllTokens: () => tokens.clear(),
  };
  let base = '';

  const searchset = (all: Resource[], offset: number, selfPath: string): Bundle => {
    const page = all.slice(offset, offset + state.options.pageSize);
    const next = offset + page.length < all.length ? `${base}${selfPath}${selfPath.includes('?') ? '&' : '?'}_offset=${offset + page.length}` : undefined;
    return { resourceType: 'Bundle', type: 'searchset', total: all.length, link: next ? [{ relation: 'next', url: next }] : [], entry: page.map((resource) => ({ resource, search: { mode: 'match' } })) };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const body = await readBody(req);
      if (url.pathname === '/oauth/token') {
        state.log.push({ method: req.method ?? '', path: url.pathname, authorised: false });
        const form = new URLSearchParams(body);
        let id = form.get('client_id');
        let secret = form.get('client_secret');
        const auth = req.headers.authorization;
        if (auth?.startsWith('Basic ')) {
          const [u, p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
          id = decodeURIComponent(u ?? '');
          secret = decodeURIComponent(p ?? '');
        }
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' }, 'application/json');
        if (id !== state.clientId || secret !== state.clientSecret) return send(res, 401, { error: 'invalid_client' }, 'application/json');
        const token = randomBytes(16).toString('hex');
        tokens.set(token, Date.now() + state.options.tokenLifetimeS * 1000);
        state.tokensIssued++;
        return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: state.options.tokenLifetimeS }, 'application/json');
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const authorised = !!bearer && (tokens.get(bearer) ?? 0) > Date.now();
      state.log.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorised });
      if (!url.pathname.startsWith('/fhir')) return send(res, 404, outcome('not-found'));
      if (!authorised) return send(res, 401, outcome('login'));
      if (state.options.garbage) return send(res, 200, '<html>proxy error</html>', 'text/html');
      const path = url.pathname.slice('/fhir'.length).replace(/^\/+/, '');
      const offset = Number(url.searchParams.get('_offset') ?? 0);
      if (req.method === 'GET' && path === 'metadata') {
        return send(res, 200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', software: { name: 'Loopback test server', version: '1' }, format: ['json'] });
      }
      if (req.method === 'POST' && path === '') {
        if (state.options.failTransactionWith) return send(res, state.options.failTransactionWith, outcome('processing'));
        const b = JSON.parse(body) as Bundle;
        if (b.resourceType !== 'Bundle' || b.type !== 'transaction') return send(res, 400, outcome('invalid'));
        const entries: BundleEntry[] = [];
        for (const e of b.entry ?? []) {
          const r = e.resource!;
          if (e.request?.method !== 'PUT' || e.request.url !== `${r.resourceType}/${r.id}`) return send(res, 400, outcome('not-supported'));
          const key = `${r.resourceType}/${r.id}`;
          const existed = state.store.has(key);
          state.store.set(key, { ...r, meta: { versionId: '1' } });
          entries.push({ response: { status: existed ? '200 OK' : '201 Created', location: `${key}/_history/1` } });
        }
        return send(res, 200, { resourceType: 'Bundle', type: 'transaction-response', entry: entries });
      }
      if (req.method === 'GET' && path === 'Patient') {
        const [system, value] = (url.searchParams.get('identifier') ?? '').split('|');
        const all = [...state.store.values()].filter((r) => r.resourceType === 'Patient' && r.identifier?.some((i) => i.system === system && i.value === value));
        return send(res, 200, searchset(all, offset, `/fhir/Patient${url.search.replace(/&?_offset=\d+/, '')}`));
      }
      if (req.method === 'GET' && path === 'Observation') {
        const subject = url.searchParams.get('subject') ?? '';
        const all = [...state.store.values()].filter((r) => r.resourceType === 'Observation' && refersTo(r, subject));
        return send(res, 200, searchset(all, offset, `/fhir/Observation${url.search.replace(/&?_offset=\d+/, '')}`));
      }
      const everything = /^Patient\/([A-Za-z0-9\-.]+)\/\$everything$/.exec(path);
      if (req.method === 'GET' && everything) {
        if (!state.options.everything) return send(res, 404, outcome('not-supported'));
        const patient = state.store.get(`Patient/${everything[1]}`);
        if (!patient) return send(res, 404, outcome('not-found'));
        const all = [patient, ...[...state.store.values()].filter((r) => refersTo(r, `Patient/${patient.id}`))];
        return send(res, 200, searchset(all, offset, `/fhir/Patient/${patient.id}/$everything`));
      }
      return send(res, 404, outcome('not-found'));
    })().catch(() => send(res, 500, outcome('exception')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    baseUrl: `${base}/fhir`,
    tokenUrl: `${base}/oauth/token`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
