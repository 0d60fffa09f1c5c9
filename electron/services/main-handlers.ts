import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Handlers } from '../../common/contract/channel';
import type { MainApi } from '../../common/contract/main-api';
import type { HostPlatform } from './platform';
import { transportAvailability } from '../../native/availability';

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
export function createMainHandlers(platform: HostPlatform): Handlers<MainApi> {
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
    'notify.show': ({ title, body, urgency }) => ({
      delivered: platform.showNotification(title, body, urgency) ? 'os' : 'unsupported',
    }),
  };
}
