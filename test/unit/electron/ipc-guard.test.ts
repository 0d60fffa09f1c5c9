import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloudHandlers, defaultCloudService } from '../../../electron/services/cloud/handlers';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { backupHandlers } from '../../../electron/services/backup/handlers';
import { printHandlers } from '../../../electron/services/print/handlers';
import { defaultFhirServerService, fhirServerHandlers } from '../../../electron/services/fhir-server/handlers';
import { PrintService } from '../../../electron/services/print/print-service';
import { describe, expect, it } from 'vitest';
import { checkIpcSender } from '../../../electron/main/ipc-guard';

const trusted = { webContentsId: 7, origins: ['careloop://app'] };
const good = { webContentsId: 7, frameUrl: 'careloop://app/index.html#/patients', isMainFrame: true };

describe('IPC sender guard', () => {
  it('accepts the app window top frame on the app origin', () => {
    expect(checkIpcSender(good, trusted)).toEqual({ ok: true });
  });
  it('refuses a forged message from another window', () => {
    expect(checkIpcSender({ ...good, webContentsId: 8 }, trusted)).toMatchObject({ ok: false, reason: expect.stringMatching(/not the CareLoop window/) });
  });
  it('refuses a sub-frame, a navigated page and a vanished frame', () => {
    expect(checkIpcSender({ ...good, isMainFrame: false }, trusted).ok).toBe(false);
    expect(checkIpcSender({ ...good, frameUrl: 'https://evil.example/' }, trusted)).toMatchObject({ ok: false, reason: expect.stringMatching(/untrusted origin https:\/\/evil.example/) });
    expect(checkIpcSender({ ...good, frameUrl: 'file:///etc/passwd' }, trusted).ok).toBe(false);
    expect(checkIpcSender({ ...good, frameUrl: null }, trusted).ok).toBe(false);
    expect(checkIpcSender({ ...good, frameUrl: 'careloop://other/index.html' }, trusted).ok).toBe(false);
  });
  it('refuses everything before the window exists', () => {
    expect(checkIpcSender(good, { ...trusted, webContentsId: undefined }).ok).toBe(false);
  });
});

describe('IPC transport with the contract behind it', async () => {
  const { createIpcTransport } = await import('../../../electron/main/ipc-transport');
  const { serveContract } = await import('../../../common/contract/channel');
  const { mainApi } = await import('../../../common/contract/main-api');

  it('serves the trusted window and refuses a forged sender before any handler runs', async () => {
    const mainFrame = { url: 'careloop://app/index.html' };
    const sent: unknown[] = [];
    const refused: string[] = [];
    let notifications = 0;
    const ipc = createIpcTransport({
      trusted: () => ({ webContentsId: 1, origins: ['careloop://app'] }),
      sendToRenderer: (m) => sent.push(m),
      onRefused: (r) => refused.push(r),
    });
    serveContract(
      mainApi,
      {
        'app.info': () => ({ name: 'CareLoop' as const, version: '1', mode: 'electron' as const, platform: 'linux', capabilities: { osNotifications: true, usbHid: false, bluetooth: false } }),
        'devices.simulators': () => [],
        ...cloudHandlers(defaultCloudService(mkdtempSync(path.join(tmpdir(), 'careloop-ipc-')))),
        ...backupHandlers(new BackupService({ dataDir: mkdtempSync(path.join(tmpdir(), 'careloop-ipc-')) })),
        ...printHandlers(new PrintService()),
        ...fhirServerHandlers(defaultFhirServerService(mkdtempSync(path.join(tmpdir(), 'careloop-ipc-')))),
        'notify.show': () => {
          notifications++;
          return { delivered: 'os' as const };
        },
      },
      ipc.transport,
    );
    const request = { kind: 'req', id: 1, method: 'notify.show', params: { title: 'x', body: 'y' } };
    const otherFrame = { url: 'careloop://app/index.html' };
    ipc.receive({ sender: { id: 2, mainFrame: otherFrame }, senderFrame: otherFrame }, request);
    ipc.receive({ sender: { id: 1, mainFrame }, senderFrame: { url: 'careloop://app/frame.html' } }, request);
    await new Promise((r) => setTimeout(r, 5));
    expect(notifications).toBe(0);
    expect(sent).toEqual([]);
    expect(refused).toHaveLength(2);

    ipc.receive({ sender: { id: 1, mainFrame }, senderFrame: mainFrame }, request);
    await new Promise((r) => setTimeout(r, 5));
    expect(notifications).toBe(1);
    expect(sent).toEqual([{ kind: 'res', id: 1, ok: true, result: { delivered: 'os' } }]);

    // A valid sender with an invalid payload is refused by the contract and reaches no handler.
    ipc.receive({ sender: { id: 1, mainFrame }, senderFrame: mainFrame }, { kind: 'req', id: 2, method: 'notify.show', params: { title: 5 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(notifications).toBe(1);
    expect(sent[1]).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-params' } });
  });
});
