import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Handlers, StreamHandlers } from '../../common/contract/channel';
import { RpcError } from '../../common/contract/rpc';
import { listUsbHidDevices, UsbUnavailableError } from '../../native/hid-enumerate';
import { scanBleHealthDevices } from '../../native/transports/ble-scan';
import type { MainApi } from '../../common/contract/main-api';
import type { HostPlatform } from './platform';
import { transportAvailability } from '../../native/availability';
import { defaultDeviceCatalog } from '../devices/default-catalog';
import type { DeviceCatalog } from '../devices/device-catalog';
import { streamDownload } from '../devices/download-service';
import { DeviceError } from '../devices/session/types';
import type { CloudService } from './cloud/cloud-service';
import { cloudHandlers, defaultCloudService } from './cloud/handlers';
import type { BackupService } from './backup/backup-service';
import { backupHandlers, defaultBackupService } from './backup/handlers';
import { printHandlers } from './print/handlers';
import { PrintService } from './print/print-service';
import type { FhirServerService } from './fhir-server/fhir-server-service';
import { defaultFhirServerService, fhirServerHandlers } from './fhir-server/handlers';

function packageVersion(): string {
  // In a bundle the package.json sits two levels above out/main; in a checkout, beside electron/.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of ['../../package.json', '../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(path.resolve(here, candidate), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'careloop' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/** The main-process services, identical in Electron and in browser mode. */
export function createMainHandlers(platform: HostPlatform, devices: DeviceCatalog = defaultDeviceCatalog(), cloud: CloudService = defaultCloudService(), backup: BackupService = defaultBackupService(), print: PrintService = new PrintService(), fhirServer: FhirServerService = defaultFhirServerService()): Handlers<MainApi> {
  const version = packageVersion();
  return {
    'app.info': async () => {
      const transports = await transportAvailability();
      return {
        name: 'CareLoop' as const,
        version,
        mode: platform.mode,
        platform: process.platform,
        capabilities: {
          osNotifications: platform.osNotificationsSupported(),
          usbHid: transports.usbHid,
          bluetooth: transports.bluetooth,
        },
      };
    },
    'devices.simulators': () => devices.simulators(),
    'notify.show': ({ title, body, urgency }) => ({
      delivered: platform.showNotification(title, body, urgency) ? 'os' : 'unsupported',
    }),
    ...cloudHandlers(cloud),
    ...backupHandlers(backup),
    ...printHandlers(print),
    ...fhirServerHandlers(fhirServer),
  };
}

/** Streams of the main-process services. */
export function createMainStreams(devices: DeviceCatalog = defaultDeviceCatalog()): StreamHandlers<MainApi> {
  return {
    'devices.download': (params, emit, cancel) => streamDownload(params, devices, emit, cancel),
    'devices.scanBle': async (_params, emit, cancel) => {
      const stopped = new Promise<void>((resolve) => (cancel.cancelled ? resolve() : cancel.onCancel(resolve)));
      try {
        await scanBleHealthDevices(emit, stopped);
      } catch (err) {
        if (err instanceof DeviceError) throw new RpcError(err.code, err.message);
        throw err;
      }
    },
    'devices.live': async ({ target, seconds }, emit, cancel) => {
      try {
        await devices.live(target, emit, cancel, seconds);
      } catch (err) {
        if (err instanceof DeviceError) throw new RpcError(err.code, err.message);
        throw err;
      }
    },
    'devices.watchUsb': async ({ intervalMs }, emit, cancel) => {
      let last = '';
      while (!cancel.cancelled) {
        let devices;
        try {
          devices = await listUsbHidDevices();
        } catch (err) {
          if (err instanceof UsbUnavailableError) throw new RpcError('usb-unavailable', err.message);
          throw err;
        }
        const key = JSON.stringify(devices);
        if (key !== last) {
          last = key;
          emit(devices);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          cancel.onCancel(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}
