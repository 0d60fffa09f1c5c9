import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { toBase64 } from '../backup/base64';

/**
 * A client for one configured FHIR R4 server (issue 10: send to and fetch from a FHIR
 * server). Environment-free: the HTTP call is injected, so the same code runs in the main
 * process (Node's fetch) and in tests against a server on loopback.
 *
 * Authorisation is the OAuth 2.0 client credentials grant (RFC 6749 §4.4): a form POST to
 * the token endpoint, the client authenticated with HTTP Basic (§2.3.1, the default) or in
 * the request body; the access token is kept until shortly before it expires and fetched
 * again after a 401. The token is only ever sent to the configured server's origin, also
 * when a server's paging link points elsewhere.
 *
 * Errors are FhirServerError with a code; their messages name the step and the HTTP status,
 * never an identifier, a name or anything else the server echoed back.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  text(): Promise<string>;
}

export type FetchLike = (url: string, request: HttpRequest) => Promise<HttpResponse>;

export type ClientAuthentication = 'basic' | 'body';

export interface FhirServerConfig {
  /** The FHIR base, e.g. https://fhir.example.org/r4 (no trailing slash needed). */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  clientAuth: ClientAuthentication;
  /** Space-separated scopes to ask for (RFC 6749 §3.3); none when absent. */
  scope?: string;
}

export type FhirServerErrorCode = 'auth-failed' | 'http-status' | 'invalid-response' | 'network';

export class FhirServerError extends Error {
  override readonly name = 'FhirServerError';
  constructor(
    readonly code: FhirServerErrorCode,
    message: string,
    /** The HTTP status for 'http-status' and 'auth-failed' answers. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface TransactionOutcome {
  /** Entries the server answered for. */
  entries: number;
  created: number;
  updated: number;
  /** Entries whose response status was neither 200 nor 201 (a server may answer 204 or 304). */
  other: number;
}

export interface ServerCapabilities {
  fhirVersion: string | null;
  software: string | null;
  tokenExpiresInS: number | null;
}

export interface PatientIdentifier {
  /** The identifier's system; any system when absent. */
  system?: string;
  value: string;
}

export interface FetchedPatientData {
  /** Server ids of the patients the identifier found. */
  patientIds: string[];
  /** The patients and their data, each resource once. */
  resources: Resource[];
  /** How the data was read: the $everything operation, or searches when the server has none. */
  via: 'everything' | 'search';
}

/** Seconds before expiry a cached token is given up, so it never expires in flight. */
const EXPIRY_MARGIN_S = 30;
/** RFC 6749 §5.1 makes expires_in optional; without it a token is kept this long. */
const DEFAULT_TOKEN_LIFETIME_S = 300;
/** A server's paging stops here: a loop of `next` links must not run forever. */
const MAX_PAGES = 500;
/** Patients one identifier may find before the answer is refused as too broad. */
const MAX_PATIENTS = 20;
const FHIR_JSON = 'application/fhir+json';

/** `scheme://host[:port]`, lower-cased, of an absolute http(s) URL. */
export function originOf(url: string): string | undefined {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(url.trim());
  return m ? `${m[1]!.toLowerCase()}://${m[2]!.toLowerCase()}` : undefined;
}

function formBody(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  return `Basic ${toBase64(new TextEncoder().encode(pair))}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface CachedToken {
  value: string;
  expiresAtMs: number;
  lifetimeS: number | null;
}

export class FhirServerClient {
  private readonly base: string;
  private readonly origin: string;
  private token: CachedToken | undefined;
  private pendingToken: Promise<CachedToken> | undefined;

  constructor(
    private readonly config: FhirServerConfig,
    private readonly fetch: FetchLike,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.base = config.baseUrl.trim().replace(/\/+$/, '');
    const origin = originOf(this.base);
    if (!origin) throw new FhirServerError('invalid-response', 'The FHIR server address is not an http(s) URL.');
    this.origin = origin;
  }

  /** Forgets the cached access token (the next call asks for a new one). */
  forgetToken(): void {
    this.token = undefined;
  }

  private async send(url: string, request: HttpRequest, step: string): Promise<{ status: number; body: string }> {
    let response: HttpResponse;
    try {
      response = await this.fetch(url, request);
    } catch {
      throw new FhirServerError('network', `The FHIR server could not be reached (${step}): check the address and the network.`);
    }
    let body: string;
    try {
      body = await response.text();
    } catch {
      throw new FhirServerError('network', `The connection to the FHIR server broke off (${step}).`);
    }
    return { status: response.status, body };
  }

  private parseJson(body: string, step: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} is not JSON.`);
    }
    if (!isObject(value)) throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} is not a JSON object.`);
    return value;
  }

  private async requestToken(): Promise<CachedToken> {
    const c = this.config;
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    if (c.clientAuth === 'basic') headers['Authorization'] = basicCredentials(c.clientId, c.clientSecret);
    const body = formBody({
      grant_type: 'client_credentials',
      scope: c.scope?.trim(),
      ...(c.clientAuth === 'body' ? { client_id: c.clientId, client_secret: c.clientSecret } : {}),
    });
    const started = this.now();
    const { status, body: text } = await this.send(c.tokenUrl.trim(), { method: 'POST', headers, body }, 'token request');
    if (status === 400 || status === 401 || status === 403) {
      // RFC 6749 §5.2: the error code is one of a fixed set (invalid_client, …), safe to show.
      let code = '';
      try {
        const e = JSON.parse(text) as unknown;
        if (isObject(e) && typeof e['error'] === 'string' && /^[\x20-\x7e]{1,40}$/.test(e['error'])) code = ` (${e['error']})`;
      } catch {
        // a non-JSON refusal says no more than its status
      }
      throw new FhirServerError('auth-failed', `The FHIR server's token endpoint refused the client credentials${code}: check the client id and secret.`, status);
    }
    if (status < 200 || status > 299) throw new FhirServerError('http-status', `The FHIR server's token endpoint answered HTTP ${status}.`, status);
    const json = this.parseJson(text, 'the token request');
    const value = json['access_token'];
    const type = json['token_type'];
    if (typeof value !== 'string' || !value) throw new FhirServerError('invalid-response', 'The token endpoint answered without an access_token.');
    if (typeof type !== 'string' || type.toLowerCase() !== 'bearer') throw new FhirServerError('invalid-response', 'The token endpoint answered with a token that is not a Bearer token.');
    const expiresIn = json['expires_in'];
    const lifetimeS = typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null;
    return { value, lifetimeS, expiresAtMs: started + Math.max(0, (lifetimeS ?? DEFAULT_TOKEN_LIFETIME_S) - EXPIRY_MARGIN_S) * 1000 };
  }

  /** A valid access token: the cached one until shortly before it expires, else a new one (one request at a time). */
  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAtMs) return this.token.value;
    this.pendingToken ??= this.requestToken().finally(() => (this.pendingToken = undefined));
    this.token = await this.pendingToken;
    return this.token.value;
  }

  private url(path: string): string {
    return `${this.base}/${path.replace(/^\/+/, '')}`;
  }

  /** One FHIR call with the token; a 401 gets one retry with a fresh token. */
  private async call(method: 'GET' | 'POST', url: string, step: string, body?: string): Promise<{ status: number; body: string }> {
    if (originOf(url) !== this.origin) throw new FhirServerError('invalid-response', `The FHIR server pointed ${step} at another server; CareLoop does not follow it.`);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { Accept: FHIR_JSON, Authorization: `Bearer ${await this.accessToken()}` };
      if (body !== undefined) headers['Content-Type'] = FHIR_JSON;
      const r = await this.send(url, { method, headers, ...(body !== undefined ? { body } : {}) }, step);
      if (r.status === 401 && attempt === 0) {
        this.forgetToken();
        continue;
      }
      if (r.status === 401 || r.status === 403) throw new FhirServerError('auth-failed', `The FHIR server refused the access token for ${step} (HTTP ${r.status}).`, r.status);
      return r;
    }
  }

  private async bundle(method: 'GET' | 'POST', url: string, step: string, body?: string): Promise<Bundle> {
    const r = await this.call(method, url, step, body);
    if (r.status < 200 || r.status > 299) throw new FhirServerError('http-status', `The FHIR server answered HTTP ${r.status} to ${step}${issueCodes(r.body)}.`, r.status);
    const json = this.parseJson(r.body, step);
    if (json['resourceType'] !== 'Bundle') throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} is not a Bundle.`);
    if (json['entry'] !== undefined && !Array.isArray(json['entry'])) throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} has entries that are not a list.`);
    return json as unknown as Bundle;
  }

  /** Every resource of a search, following `next` links on the same server. */
  private async searchAll(firstUrl: string, step: string, into: Map<string, Resource>, limit = Infinity): Promise<void> {
    let url: string | undefined = firstUrl;
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} has more than ${MAX_PAGES} pages.`);
      const b = await this.bundle('GET', url, step);
      for (const e of b.entry ?? []) {
        const r = (e as BundleEntry).resource;
        if (!isObject(r) || typeof r.resourceType !== 'string') throw new FhirServerError('invalid-response', `The FHIR server's answer to ${step} has an entry without a resource.`);
        // OperationOutcomes in a search are the server's remarks, not data.
        if (r.resourceType === 'OperationOutcome') continue;
        into.set(`${r.resourceType}/${r.id ?? `#${into.size}`}`, r);
        if (into.size > limit) return;
      }
      url = (b.link ?? []).find((l: BundleLink) => l.relation === 'next')?.url;
    }
  }

  /** The server's CapabilityStatement, after a token was granted: "Test connection". */
  async testConnection(): Promise<ServerCapabilities> {
    await this.accessToken();
    const r = await this.call('GET', this.url('metadata'), 'the capability statement');
    if (r.status < 200 || r.status > 299) throw new FhirServerError('http-status', `The FHIR server answered HTTP ${r.status} to the capability statement.`, r.status);
    const json = this.parseJson(r.body, 'the capability statement');
    if (json['resourceType'] !== 'CapabilityStatement') throw new FhirServerError('invalid-response', 'The FHIR server did not answer with a CapabilityStatement.');
    const software = json['software'];
    return {
      fhirVersion: typeof json['fhirVersion'] === 'string' ? json['fhirVersion'] : null,
      software: isObject(software) && typeof software['name'] === 'string' ? `${software['name']}${typeof software['version'] === 'string' ? ` ${software['version']}` : ''}` : null,
      tokenExpiresInS: this.token?.lifetimeS ?? null,
    };
  }

  /** POST [base] of a transaction Bundle (FHIR R4 http.html#transaction): all or nothing on the server. */
  async sendTransaction(bundleText: string): Promise<TransactionOutcome> {
    const b = await this.bundle('POST', this.base, 'the transaction', bundleText);
    if (b.type !== 'transaction-response') throw new FhirServerError('invalid-response', 'The FHIR server answered the transaction with something other than a transaction-response.');
    const out: TransactionOutcome = { entries: 0, created: 0, updated: 0, other: 0 };
    for (const e of b.entry ?? []) {
      out.entries++;
      const status = /^\s*(\d{3})/.exec((e as BundleEntry).response?.status ?? '')?.[1];
      if (status === '201') out.created++;
      else if (status === '200') out.updated++;
      else out.other++;
    }
    return out;
  }

  /**
   * A patient's data: the patients with this identifier (Patient?identifier=system|value),
   * then each one's Patient/$everything — or, when the server has no $everything (404, 400,
   * 405, 501), the patient and a search for their Observations.
   */
  async fetchPatientData(identifier: PatientIdentifier): Promise<FetchedPatientData> {
    const token = identifier.system ? `${identifier.system}|${identifier.value}` : identifier.value;
    const found = new Map<string, Resource>();
    await this.searchAll(this.url(`Patient?identifier=${encodeURIComponent(token)}`), 'the patient search', found, MAX_PATIENTS);
    const patients = [...found.values()].filter((r) => r.resourceType === 'Patient' && typeof r.id === 'string');
    if (patients.length > MAX_PATIENTS) throw new FhirServerError('invalid-response', `The identifier found more than ${MAX_PATIENTS} patients on the FHIR server; use a more specific identifier system.`);
    const all = new Map<string, Resource>();
    let via: FetchedPatientData['via'] = 'everything';
    for (const p of patients) {
      all.set(`Patient/${p.id!}`, p);
      if (via === 'everything') {
        try {
          await this.searchAll(this.url(`Patient/${encodeURIComponent(p.id!)}/$everything`), 'Patient/$everything', all);
          continue;
        } catch (err) {
          if (!(err instanceof FhirServerError && err.code === 'http-status' && [400, 404, 405, 501].includes(err.status ?? 0))) throw err;
          via = 'search';
        }
      }
      await this.searchAll(this.url(`Observation?subject=${encodeURIComponent(`Patient/${p.id!}`)}&_count=200`), 'the observation search', all);
    }
    return { patientIds: patients.map((p) => p.id!), resources: [...all.values()], via };
  }
}

/** The OperationOutcome issue codes of an error answer (a fixed vocabulary, no free text). */
function issueCodes(body: string): string {
  try {
    const o = JSON.parse(body) as unknown;
    if (!isObject(o) || o['resourceType'] !== 'OperationOutcome' || !Array.isArray(o['issue'])) return '';
    const codes = [...new Set(o['issue'].map((i: unknown) => (isObject(i) && typeof i['code'] === 'string' && /^[a-z-]{1,30}$/.test(i['code']) ? i['code'] : undefined)).filter(Boolean))];
    return codes.length ? ` (${codes.join(', ')})` : '';
  } catch {
    return '';
  }
}
