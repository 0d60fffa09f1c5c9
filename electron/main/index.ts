import { app, BrowserWindow, dialog, ipcMain, Notification, powerMonitor, safeStorage } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveContract } from '../../common/contract/channel';
import { mainApi } from '../../common/contract/main-api';
import { defaultDeviceCatalog } from '../devices/default-catalog';
import { defaultBackupService } from '../services/backup/handlers';
import { defaultCloudService } from '../services/cloud/handlers';
import { defaultFhirServerService } from '../services/fhir-server/handlers';
import { SafeStorageSecretStore } from '../services/secrets/safe-storage-store';
import { createMainHandlers, createMainStreams } from '../services/main-handlers';
import { electronPdfPrinter } from '../services/print/electron-printer';
import { PrintService } from '../services/print/print-service';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol';
import { createIpcTransport } from './ipc-transport';
import { IPC_MESSAGE, IPC_PORT, IPC_REQUEST } from './ipc-channel';
import { checkIpcSender } from './ipc-guard';
import { messagePortMainTransport } from './port-transport';
import { hardenApp } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const appOrigins = devServerUrl ? [APP_ORIGIN, new URL(devServerUrl).origin] : [APP_ORIGIN];

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  hardenApp(appOrigins);
  let mainWindow: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  const devices = defaultDeviceCatalog();
  // The cloud credential and the backup passphrase are sealed with the OS keychain; without one they are refused, never kept in plain text.
  const secrets = new SafeStorageSecretStore(app.getPath('userData'), safeStorage);
  const handlers = createMainHandlers({
    mode: 'electron',
    osNotificationsSupported: () => Notification.isSupported(),
    showNotification(title, body, urgency) {
      if (!Notification.isSupported()) return false;
      new Notification({ title, body, urgency }).show();
      return true;
    },
  }, devices, defaultCloudService(app.getPath('userData'), secrets), defaultBackupService({
    dataDir: app.getPath('userData'),
    secrets,
    // Staff pick the backup folder with the system's own dialog; only its path reaches the service.
    chooseFolder: async () => {
      if (!mainWindow || mainWindow.isDestroyed()) return null;
      const r = await dialog.showOpenDialog(mainWindow, { title: 'Folder for CareLoop backups', properties: ['openDirectory', 'createDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  }), new PrintService(electronPdfPrinter(() => mainWindow)), defaultFhirServerService(app.getPath('userData'), secrets));

  const ipc = createIpcTransport({
    trusted: () => ({ webContentsId: mainWindow?.webContents.id, origins: appOrigins }),
    sendToRenderer(message) {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_MESSAGE, message);
    },
    onRefused: (reason) => console.warn(`[careloop] IPC refused: ${reason}`),
  });
  ipcMain.on(IPC_REQUEST, (event, message: unknown) => ipc.receive(event, message));
  const streams = createMainStreams(devices);
  // A second channel for the engine worker, over a MessagePort, guarded like every IPC message.
  ipcMain.on(IPC_PORT, (event) => {
    const verdict = checkIpcSender(
      { webContentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? null, isMainFrame: !!event.senderFrame && event.senderFrame === event.sender.mainFrame },
      { webContentsId: mainWindow?.webContents.id, origins: appOrigins },
    );
    const port = event.ports[0];
    if (!verdict.ok || !port) {
      console.warn(`[careloop] port refused: ${verdict.ok ? 'no port' : verdict.reason}`);
      port?.close();
      return;
    }
    const session = serveContract(mainApi, handlers, messagePortMainTransport(port), {
      streams,
      onInternalError: (method, err) => console.error(`[careloop] ${method} failed: ${(err as Error).name}`),
    });
    port.on('close', () => session.close());
  });
  const service = serveContract(mainApi, handlers, ipc.transport, {
    streams,
    onInternalError: (method, err) => console.error(`[careloop] ${method} failed: ${(err as Error).name}`),
  });

  const createWindow = () => {
    mainWindow = new BrowserWindow({
      width: 1360,
      height: 860,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: 'CareLoop',
      backgroundColor: '#f6f7f9',
      webPreferences: {
        preload: path.join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        spellcheck: false,
      },
    });
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => (mainWindow = undefined));
    void mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  };

  app.whenReady().then(() => {
    if (!devServerUrl) serveRenderer(path.join(here, '../renderer'));
    createWindow();
    powerMonitor.on('lock-screen', () => service.emit('system.locked', { reason: 'lock-screen' }));
    powerMonitor.on('suspend', () => service.emit('system.locked', { reason: 'suspend' }));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
