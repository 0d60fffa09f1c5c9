import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from '../../../electron/web/host';

let host: WebHost;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'careloop-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>CareLoop</title>');
  host = await startWebHost({ rendererDir: dir, port: 0 });
});
afterAll(() => host.close());

function open(origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(JSON.stringify(message));
  });
}

describe('browser-mode host', () => {
  it('serves the renderer on loopback with a strict CSP, and answers /health', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
    // SPA fallback: a deep link serves the app too.
    expect((await fetch(`${host.url}patients/123`)).status).toBe(200);
    expect(await (await fetch(`${host.url}health`)).json()).toEqual({ status: 'ok' });
  });

  it('carries the same contract over a WebSocket', async () => {
    const ws = await open(`http://127.0.0.1:${host.port}`);
    const res = (await call(ws, { kind: 'req', id: 1, method: 'app.info', params: {} })) as { ok: boolean; result: { mode: string; name: string } };
    expect(res.ok).toBe(true);
    expect(res.result).toMatchObject({ name: 'CareLoop', mode: 'browser' });
    const notify = await call(ws, { kind: 'req', id: 2, method: 'notify.show', params: { title: 'Hi', body: 'there' } });
    expect(notify).toEqual({ kind: 'res', id: 2, ok: true, result: { delivered: 'unsupported' } });
    const bad = await call(ws, { kind: 'req', id: 3, method: 'notify.show', params: { title: '' } });
    expect(bad).toMatchObject({ id: 3, ok: false, error: { code: 'invalid-params' } });
    ws.close();
  });

  it('streams the connected USB devices (node-hid on this machine; none plugged in here)', async () => {
    const ws = await open(`http://127.0.0.1:${host.port}`);
    const messages: { kind: string; id: number; data?: unknown }[] = [];
    const first = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        messages.push(JSON.parse(String(d)));
        resolve();
      }),
    );
    ws.send(JSON.stringify({ kind: 'req', id: 9, method: 'devices.watchUsb', params: {} }));
    await first;
    expect(messages[0]!.kind === 'chunk' || messages[0]!.kind === 'res').toBe(true);
    if (messages[0]!.kind === 'chunk') expect(Array.isArray(messages[0]!.data)).toBe(true);
    ws.send(JSON.stringify({ kind: 'cancel', id: 9 }));
    ws.close();
  });

  it('refuses WebSockets from other origins (another site open in the same browser)', async () => {
    await expect(open('https://evil.example')).rejects.toThrow(/403/);
    await expect(open(undefined)).rejects.toThrow(/403/);
  });

  it('broadcasts events to connected pages', async () => {
    const ws = await open(`http://localhost:${host.port}`);
    const got = new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    host.broadcast('system.locked', { reason: 'suspend' });
    expect(await got).toEqual({ kind: 'evt', name: 'system.locked', payload: { reason: 'suspend' } });
    ws.close();
  });
});
