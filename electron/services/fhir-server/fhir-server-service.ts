import { randomBytes } from 'node:crypto';
import type { FhirServerConfigureParams, FhirServerSettingsWire } from '../../../common/contract/fhir-server-api';
import { FHIR_TEXT_PIECE_CHARS } from '../../../common/contract/fhir-server-api';
import { FhirServerClient, type FetchLike, type ServerCapabilities, type TransactionOutcome } from '../../../common/fhir/server-client';
import { checkServerUrl, CloudUrlError } from '../cloud/server-url';
import type { SecretStore } from '../secrets/secret-store';
import { FhirServerSettingsFile, type StoredFhirServer } from './fhir-server-settings';

/** Why a FHIR server call was refused before anything was sent. */
export class FhirServerSettingsError extends Error {
  override readonly name = 'FhirServerSettingsError';
  constructor(
    readonly code: 'fhir-server-not-configured' | 'fhir-server-settings' | 'fhir-server-handle',
    message: string,
  ) {
    super(message);
  }
}

export interface FhirServerServiceOptions {
  dataDir: string;
  secrets: SecretStore;
  fetch?: FetchLike;
  now?: () => number;
}

export const CLIENT_SECRET = 'fhir-server-client-secret' as const;
/** An upload or a fetched result not finished within this time is dropped. */
const HANDLE_LIFETIME_MS = 10 * 60_000;
/** A transaction larger than this is refused (characters of JSON): the server would refuse it anyway. */
const MAX_UPLOAD_CHARS = 256 * 1024 * 1024;

/** A FHIR call that has not answered in this time counts as a network failure, so staff are not left waiting. */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Node's fetch in the shape the client takes. Redirects are refused: the bearer token must
 * not follow a server's redirect to another address.
 */
export const nodeFetch: FetchLike = async (url, r) => {
  const res = await fetch(url, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}), redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: res.status, text: () => res.text() };
};

interface Upload {
  parts: string[];
  chars: number;
  createdMs: number;
}

interface Download {
  text: string;
  createdMs: number;
}

/**
 * The configured FHIR server of this workstation: its settings, the client secret in the
 * secret store, one client (so its access token is reused until it expires), and the
 * transaction uploads and fetched results that cross the contract in pieces.
 */
export class FhirServerService {
  private readonly file: FhirServerSettingsFile;
  private readonly fetch: FetchLike;
  private readonly now: () => number;
  private client: FhirServerClient | undefined;
  private readonly uploads = new Map<string, Upload>();
  private readonly downloads = new Map<string, Download>();

  constructor(private readonly o: FhirServerServiceOptions) {
    this.file = new FhirServerSettingsFile(o.dataDir);
    this.fetch = o.fetch ?? nodeFetch;
    this.now = o.now ?? (() => Date.now());
  }

  async settings(): Promise<FhirServerSettingsWire> {
    const s = await this.file.load();
    const hasClientSecret = (await this.o.secrets.get(CLIENT_SECRET)) !== undefined;
    return {
      baseUrl: s?.baseUrl ?? null,
      tokenUrl: s?.tokenUrl ?? null,
      clientId: s?.clientId ?? null,
      clientAuth: s?.clientAuth ?? 'basic',
      scope: s?.scope ?? null,
      mrnSystem: s?.mrnSystem ?? null,
      hasClientSecret,
      configured: !!s && hasClientSecret,
    };
  }

  async configure(p: FhirServerConfigureParams): Promise<FhirServerSettingsWire> {
    const url = (value: string, what: string) => {
      try {
        return checkServerUrl(value);
      } catch (err) {
        if (err instanceof CloudUrlError) throw new FhirServerSettingsError('fhir-server-settings', `The ${what}: ${err.message.replace(/^The server address /, '')}`);
        throw err;
      }
    };
    const stored: StoredFhirServer = {
      baseUrl: url(p.baseUrl, 'FHIR base URL'),
      tokenUrl: url(p.tokenUrl, 'token URL'),
      clientId: p.clientId.trim(),
      clientAuth: p.clientAuth,
      scope: p.scope?.trim() || null,
      mrnSystem: p.mrnSystem?.trim() || null,
    };
    if (p.clientSecret === null) await this.o.secrets.delete(CLIENT_SECRET);
    else if (p.clientSecret !== undefined) await this.o.secrets.set(CLIENT_SECRET, p.clientSecret);
    await this.file.save(stored);
    this.client = undefined;
    return this.settings();
  }

  async forget(): Promise<FhirServerSettingsWire> {
    await this.o.secrets.delete(CLIENT_SECRET);
    await this.file.save(undefined);
    this.client = undefined;
    return this.settings();
  }

  private async ready(): Promise<FhirServerClient> {
    if (this.client) return this.client;
    const s = await this.file.load();
    const secret = await this.o.secrets.get(CLIENT_SECRET);
    if (!s || secret === undefined) throw new FhirServerSettingsError('fhir-server-not-configured', 'No FHIR server is configured: an administrator sets it up in Settings → FHIR server.');
    this.client = new FhirServerClient({ baseUrl: s.baseUrl, tokenUrl: s.tokenUrl, clientId: s.clientId, clientSecret: secret, clientAuth: s.clientAuth, ...(s.scope ? { scope: s.scope } : {}) }, this.fetch, this.now);
    return this.client;
  }

  async test(): Promise<ServerCapabilities> {
    return (await this.ready()).testConnection();
  }

  private prune(): void {
    const cutoff = this.now() - HANDLE_LIFETIME_MS;
    for (const [h, u] of this.uploads) if (u.createdMs < cutoff) this.uploads.delete(h);
    for (const [h, d] of this.downloads) if (d.createdMs < cutoff) this.downloads.delete(h);
  }

  async sendBegin(): Promise<{ handle: string }> {
    await this.ready();
    this.prune();
    const handle = randomBytes(16).toString('hex');
    this.uploads.set(handle, { parts: [], chars: 0, createdMs: this.now() });
    return { handle };
  }

  private upload(handle: string): Upload {
    const u = this.uploads.get(handle);
    if (!u) throw new FhirServerSettingsError('fhir-server-handle', 'This upload to the FHIR server is unknown or finished: send again.');
    return u;
  }

  sendPart(handle: string, text: string): { chars: number } {
    const u = this.upload(handle);
    if (u.chars + text.length > MAX_UPLOAD_CHARS) {
      this.uploads.delete(handle);
      throw new FhirServerSettingsError('fhir-server-handle', 'The Bundle is too large to send in one transaction.');
    }
    u.parts.push(text);
    u.chars += text.length;
    return { chars: u.chars };
  }

  async sendFinish(handle: string): Promise<TransactionOutcome> {
    const u = this.upload(handle);
    this.uploads.delete(handle);
    return (await this.ready()).sendTransaction(u.parts.join(''));
  }

  async fetchPatient(identifierSystem: string | null, identifierValue: string): Promise<{ handle: string; patients: number; resources: number; chars: number; via: 'everything' | 'search' }> {
    const client = await this.ready();
    this.prune();
    const data = await client.fetchPatientData({ ...(identifierSystem ? { system: identifierSystem } : {}), value: identifierValue });
    const text = data.resources.map((r) => JSON.stringify(r)).join('\n');
    const handle = randomBytes(16).toString('hex');
    this.downloads.set(handle, { text, createdMs: this.now() });
    return { handle, patients: data.patientIds.length, resources: data.resources.length, chars: text.length, via: data.via };
  }

  fetchPart(handle: string, offset: number): { text: string; nextOffset: number | null } {
    const d = this.downloads.get(handle);
    if (!d) throw new FhirServerSettingsError('fhir-server-handle', 'This download from the FHIR server is unknown or finished: fetch again.');
    const end = Math.min(d.text.length, offset + FHIR_TEXT_PIECE_CHARS);
    const text = d.text.slice(offset, end);
    if (end >= d.text.length) this.downloads.delete(handle);
    return { text, nextOffset: end >= d.text.length ? null : end };
  }
}
