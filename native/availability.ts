import { createRequire } from 'node:module';

/**
 * Whether the native transports can load on this machine. This folder is the only code
 * that loads native addons; both are optional dependencies and noble throws on require
 * where no Bluetooth adapter exists, so each is tried lazily and once.
 */
export interface TransportAvailability {
  usbHid: boolean;
  bluetooth: boolean;
  bluetoothReason?: string;
  usbHidReason?: string;
}

let cached: Promise<TransportAvailability> | undefined;

export function transportAvailability(): Promise<TransportAvailability> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<TransportAvailability> {
  const require = createRequire(import.meta.url);
  const out: TransportAvailability = { usbHid: false, bluetooth: false };
  try {
    require('node-hid');
    out.usbHid = true;
  } catch (err) {
    out.usbHidReason = `USB HID unavailable: ${(err as Error).message.split('\n')[0]}`;
  }
  try {
    require('@abandonware/noble');
    out.bluetooth = true;
  } catch {
    out.bluetoothReason = 'Bluetooth unavailable: no adapter or driver on this machine';
  }
  return out;
}
