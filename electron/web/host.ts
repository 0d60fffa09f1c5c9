import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { serveContract } from '../../common/contract/channel';
import { contentSecurityPolicy } from '../../common/contract/csp';
import { mainApi, type MainApi } from '../../common/contract/main-api';
import type { PayloadOf } from '../../common/contract/rpc';
import { defaultDeviceCatalog } from '../devices/default-catalog';
import { defaultBackupService } from '../services/backup/handlers';
import { defaultCloudService } from '../services/cloud/handlers';
import { workstationDataDir } from '../services/cloud/data-dir';
import { createMainHandlers, createMainStreams } from '../services/main-handlers';
import { EncryptedFileSecretStore } from '../services/secrets/encrypted-file-store';
import { MAX_WS_MESSAGE_BYTES, webSocketTransport } from './ws-transport';

export interface WebHostOptions {
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebHost {
  url: string;
  port: number;
  broadcast<K extends keyof MainApi['events'] & string>(name: K, payload: PayloadOf<MainApi, K>): void;
  close(): Promise<void>;
}

/**
 * Browser mode: serves the built renderer and carries the main-process contract over a
 * WebSocket at /rpc. Only loopback is served, and a WebSocket is accepted only from a
 * page this host served (Origin check), so another site open in the same browser
 * cannot drive the app.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const devices = defaultDeviceCatalog();
  // No OS keychain without Electron: the cloud credential and the backup passphrase go to an encrypted file (docs/SECURITY.md).
  const dataDir = workstationDataDir();
  const secrets = new EncryptedFileSecretStore(dataDir);
  const handlers = createMainHandlers({
    mode: 'browser',
    showNotification: () => false,
    osNotificationsSupported: () => false,
  }, devices, defaultCloudService(dataDir, secrets), defaultBackupService({ dataDir, secrets }));
  const streams = createMainStreams(devices);
  const csp = contentSecurityPolicy();
  const serveStatic = sirv(options.rendererDir, {
    single: true,
    etag: true,
    setHeaders(res) {
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    },
  });
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    serveStatic(req, res, () => {
      res.writeHead(404).end('not found');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const sessions = new Set<ReturnType<typeof serveContract<MainApi>>>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedOrigins = new Set([`http://${host}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    if (req.url !== '/rpc' || !origin || !allowedOrigins.has(origin)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = serveContract(mainApi, handlers, webSocketTransport(ws), {
        streams,
        onInternalError: (method, err) => console.error(`[careloop] ${method} failed: ${(err as Error).name}`),
      });
      sessions.add(session);
      ws.on('close', () => {
        session.close();
        sessions.delete(session);
      });
    });
  });

  return {
    url: `http://${host}:${port}/`,
    port,
    broadcast(name, payload) {
      for (const s of sessions) s.emit(name, payload);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
