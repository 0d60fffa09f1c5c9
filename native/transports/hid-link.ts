import { createRequire } from 'node:module';
import type { HidLink } from '../../electron/devices/session/links';
import { DeviceError } from '../../electron/devices/session/types';

interface HidAsyncDevice {
  read(timeoutMs?: number): Promise<Uint8Array | undefined>;
  write(values: number[] | Uint8Array): Promise<number>;
  close(): Promise<void>;
}
interface NodeHidModule {
  HIDAsync: {
    open(path: string): Promise<HidAsyncDevice>;
    open(vendorId: number, productId: number): Promise<HidAsyncDevice>;
  };
}

export const UDEV_HINT = 'Install the udev rules: sudo cp native/udev/60-careloop.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger, then unplug and re-plug the meter.';

function loadNodeHid(): NodeHidModule {
  try {
    return createRequire(import.meta.url)('node-hid') as NodeHidModule;
  } catch {
    throw new DeviceError('unsupported-device', 'USB HID support (node-hid) is not available on this machine.');
  }
}

/**
 * A USB HID meter through node-hid's asynchronous API (never blocks the main process).
 * Reports go out with report id 0, which the OS strips for devices without numbered reports.
 */
export async function openHidLink(target: { vendorId: number; productId: number; path?: string }): Promise<{ link: HidLink; close(): Promise<void> }> {
  const hid = loadNodeHid();
  let dev: HidAsyncDevice;
  try {
    dev = target.path ? await hid.HIDAsync.open(target.path) : await hid.HIDAsync.open(target.vendorId, target.productId);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/permission|access|EACCES/i.test(message)) throw new DeviceError('no-permission', 'CareLoop may not open this USB device.', UDEV_HINT);
    if (/busy|exclusive/i.test(message)) throw new DeviceError('busy', 'The device is in use by another program. Close it and try again.');
    throw new DeviceError('unplugged', 'The device could not be opened: is it still plugged in?');
  }
  let closed = false;
  const link: HidLink = {
    async write(report) {
      const out = new Uint8Array(report.length + 1);
      out.set(report, 1);
      try {
        await dev.write(out);
      } catch {
        throw new DeviceError('unplugged', 'The device was unplugged during the download.');
      }
    },
    async read(timeoutMs) {
      let data: Uint8Array | undefined;
      try {
        data = await dev.read(timeoutMs);
      } catch {
        throw new DeviceError('unplugged', 'The device was unplugged during the download.');
      }
      if (!data || data.length === 0) throw new DeviceError('timeout', `The device sent nothing within ${timeoutMs} ms.`);
      return new Uint8Array(data);
    },
  };
  return {
    link,
    async close() {
      if (closed) return;
      closed = true;
      await dev.close().catch(() => undefined);
    },
  };
}
