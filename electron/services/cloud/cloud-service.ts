import type { CloudAnchorParams, CloudAnchorResult, CloudConflict, CloudStatus } from '../../../common/contract/cloud-api';
import type { PullPage, PushRequest, PushResponse } from '../../../common/sync/protocol';
import type { CredentialStore, StoredEnrolment } from './credential-store';
import { checkServerUrl } from './server-url';

/** A typed failure of a cloud call; `code` matches the contract's documented RpcError codes. */
export class CloudError extends Error {
  override readonly name = 'CloudError';
  constructor(
    readonly code: 'cloud-not-enrolled' | 'cloud-insecure-url' | 'cloud-unreachable' | 'cloud-credential-revoked' | 'cloud-refused',
    message: string,
  ) {
    super(message);
  }
}

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export interface CloudServiceOptions {
  store: CredentialStore;
  fetch?: Fetch;
  now?: () => number;
  requestTimeoutMs?: number;
}

interface AccessToken {
  token: string;
  expiresAtMs: number;
}

/** Renew an access token this long before it expires, so a request never carries a stale one. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * The workstation's side of the cloud instance's HTTP API, in the main process: it owns the
 * credential and the short-lived access tokens, so neither ever reaches the renderer.
 */
export class CloudService {
  private readonly fetch: Fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private access: AccessToken | undefined;
  private enrolment: Promise<StoredEnrolment | undefined> | undefined;

  constructor(private readonly options: CloudServiceOptions) {
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async status(): Promise<CloudStatus> {
    const e = await this.loadEnrolment();
    return {
      enrolled: !!e,
      serverUrl: e?.serverUrl ?? null,
      clinicId: e?.clinicId ?? null,
      workstationId: e?.workstationId ?? null,
      workstationName: e?.workstationName ?? null,
      enrolledAt: e?.enrolledAt ?? null,
    };
  }

  async enrol(serverUrl: string, enrolmentCode: string, workstationName: string): Promise<CloudStatus> {
    let base: string;
    try {
      base = checkServerUrl(serverUrl);
    } catch (err) {
      throw new CloudError('cloud-insecure-url', (err as Error).message);
    }
    const res = await this.request(base, 'POST', '/auth/enrol', { code: enrolmentCode, name: workstationName });
    const body = res as { clinicId?: unknown; workstationId?: unknown; credential?: unknown };
    if (typeof body.clinicId !== 'string' || typeof body.workstationId !== 'string' || typeof body.credential !== 'string') {
      throw new CloudError('cloud-refused', 'The server answered the enrolment with something unexpected.');
    }
    const stored: StoredEnrolment = { serverUrl: base, clinicId: body.clinicId, workstationId: body.workstationId, workstationName, credential: body.credential, enrolledAt: new Date(this.now()).toISOString() };
    await this.options.store.save(stored);
    this.enrolment = Promise.resolve(stored);
    this.access = undefined;
    return this.status();
  }

  async forget(): Promise<CloudStatus> {
    await this.options.store.clear();
    this.enrolment = Promise.resolve(undefined);
    this.access = undefined;
    return this.status();
  }

  push(request: PushRequest): Promise<PushResponse> {
    return this.authorised('POST', '/sync/push', request) as Promise<PushResponse>;
  }

  pull(since: string, limit: number): Promise<PullPage> {
    return this.authorised('GET', `/sync/pull?since=${encodeURIComponent(since)}&limit=${limit}`) as Promise<PullPage>;
  }

  /** Anchors this workstation's audit chain head on the server, under the enrolment's workstation id. */
  async anchor(head: CloudAnchorParams): Promise<CloudAnchorResult> {
    const e = await this.requireEnrolment();
    return this.authorised('POST', '/audit/anchors', { workstationId: e.workstationId, seq: head.seq, hash: head.hash, count: head.count }) as Promise<CloudAnchorResult>;
  }

  /** The conflicts list needs an administrator: sign in for this request only and sign out again. */
  async conflicts(email: string, password: string, limit: number): Promise<CloudConflict[]> {
    const e = await this.requireEnrolment();
    const session = (await this.request(e.serverUrl, 'POST', '/auth/sign-in', { clinicId: e.clinicId, email, password })) as { accessToken: string; refreshToken: string };
    try {
      const res = (await this.request(e.serverUrl, 'GET', `/sync/conflicts?limit=${limit}`, undefined, session.accessToken)) as { conflicts: CloudConflict[] };
      return res.conflicts;
    } finally {
      await this.request(e.serverUrl, 'POST', '/auth/sign-out', { refreshToken: session.refreshToken }).catch(() => undefined);
    }
  }

  private loadEnrolment(): Promise<StoredEnrolment | undefined> {
    this.enrolment ??= this.options.store.load();
    return this.enrolment;
  }

  private async requireEnrolment(): Promise<StoredEnrolment> {
    const e = await this.loadEnrolment();
    if (!e) throw new CloudError('cloud-not-enrolled', 'This workstation is not connected to a cloud instance.');
    return e;
  }

  private async accessToken(e: StoredEnrolment): Promise<string> {
    if (this.access && this.access.expiresAtMs - TOKEN_MARGIN_MS > this.now()) return this.access.token;
    let res: unknown;
    try {
      res = await this.request(e.serverUrl, 'POST', '/auth/workstation-token', { credential: e.credential });
    } catch (err) {
      if (err instanceof CloudError && err.code === 'cloud-refused' && /401|credential/.test(err.message)) {
        throw new CloudError('cloud-credential-revoked', 'The server no longer accepts this workstation: connect it again with a new enrolment code.');
      }
      throw err;
    }
    const body = res as { accessToken: string; expiresIn: number };
    this.access = { token: body.accessToken, expiresAtMs: this.now() + body.expiresIn * 1000 };
    return body.accessToken;
  }

  private async authorised(method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
    const e = await this.requireEnrolment();
    try {
      return await this.request(e.serverUrl, method, route, body, await this.accessToken(e));
    } catch (err) {
      // A token the server stopped accepting (its key rotated, a clock jump): get a new one once.
      if (!(err instanceof CloudError && err.code === 'cloud-refused' && err.message.startsWith('401'))) throw err;
      this.access = undefined;
      return this.request(e.serverUrl, method, route, body, await this.accessToken(e));
    }
  }

  private async request(base: string, method: 'GET' | 'POST', route: string, body?: unknown, token?: string): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: { status: number; text(): Promise<string> };
    let text: string;
    try {
      res = await this.fetch(`${base}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch {
      throw new CloudError('cloud-unreachable', 'The cloud instance cannot be reached.');
    }
    if (res.status >= 500 || res.status === 429) throw new CloudError('cloud-unreachable', `The cloud instance is unavailable (HTTP ${res.status}).`);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new CloudError('cloud-refused', `${res.status} the server's answer is not JSON: is this a CareLoop server?`);
    }
    if (res.status >= 400) {
      const e = parsed as { error?: unknown; reason?: unknown };
      throw new CloudError('cloud-refused', `${res.status} ${typeof e.error === 'string' ? e.error : 'error'}: ${typeof e.reason === 'string' ? e.reason : 'refused'}`);
    }
    return parsed;
  }
}
