import { createRequire } from 'node:module';

/** A USB HID device as the operating system lists it (no patient data: ids and names only). */
export interface UsbHidDevice {
  vendorId: number;
  productId: number;
  manufacturer: string | null;
  product: string | null;
  /** The device family CareLoop has a driver for, if any. */
  family: 'contour' | 'freestyle' | null;
}

interface NodeHidDeviceInfo {
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
}
interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDeviceInfo[]>;
}

const FAMILIES: Record<number, UsbHidDevice['family']> = { 0x1a79: 'contour', 0x1a61: 'freestyle' };

let hid: NodeHidModule | null | undefined;

/** Loads node-hid lazily: it is an optional native dependency. */
function loadHid(): NodeHidModule | null {
  if (hid === undefined) {
    try {
      hid = createRequire(import.meta.url)('node-hid') as NodeHidModule;
    } catch {
      hid = null;
    }
  }
  return hid;
}

export class UsbUnavailableError extends Error {
  override readonly name = 'UsbUnavailableError';
}

export async function listUsbHidDevices(): Promise<UsbHidDevice[]> {
  const lib = loadHid();
  if (!lib) throw new UsbUnavailableError('USB HID support (node-hid) is not available on this machine');
  const seen = new Map<string, UsbHidDevice>();
  for (const d of await lib.devicesAsync()) {
    // One physical device shows up once per HID interface; list it once.
    const key = `${d.vendorId}:${d.productId}:${d.product ?? ''}`;
    if (!seen.has(key)) {
      seen.set(key, {
        vendorId: d.vendorId,
        productId: d.productId,
        manufacturer: d.manufacturer ?? null,
        product: d.product ?? null,
        family: FAMILIES[d.vendorId] ?? null,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.vendorId - b.vendorId || a.productId - b.productId);
}
