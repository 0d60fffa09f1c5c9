import { createRequire } from 'node:module';
import { familyOfServices, type BleFamily } from '../../electron/devices/drivers/ble/advertised-family';
import { DeviceError } from '../../electron/devices/session/types';

export interface NearbyBleDevice {
  address: string;
  name: string | null;
  family: BleFamily;
  rssi: number;
}

interface Advertising {
  localName?: string;
  serviceUuids?: string[];
}
interface ScannedPeripheral {
  id: string;
  address: string;
  rssi: number;
  advertisement: Advertising;
}
export interface NobleScanner {
  state: string;
  waitForPoweredOnAsync?(timeoutMs?: number): Promise<void>;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  on(event: 'discover', listener: (p: ScannedPeripheral) => void): void;
  removeListener(event: 'discover', listener: (p: ScannedPeripheral) => void): void;
}

function loadNoble(): NobleScanner {
  try {
    return createRequire(import.meta.url)('@abandonware/noble') as NobleScanner;
  } catch {
    throw new DeviceError('bluetooth-unavailable', 'Bluetooth unavailable: no adapter or driver on this machine.', 'Check that Bluetooth is switched on and that BlueZ is installed.');
  }
}

/**
 * Scans for health devices nearby (those advertising a service CareLoop has a driver for) and
 * reports the list whenever it changes, until stopped. Devices advertise only when awake: the
 * screen asks the nurse to take a reading or press the device's button.
 */
export async function scanBleHealthDevices(onList: (devices: NearbyBleDevice[]) => void, stopped: Promise<void>, noble: NobleScanner = loadNoble()): Promise<void> {
  if (noble.state !== 'poweredOn') {
    try {
      if (!noble.waitForPoweredOnAsync) throw new Error('off');
      await noble.waitForPoweredOnAsync(5000);
    } catch {
      throw new DeviceError('bluetooth-unavailable', 'Bluetooth is off.', 'Switch Bluetooth on and try again.');
    }
  }
  const found = new Map<string, NearbyBleDevice>();
  const onDiscover = (p: ScannedPeripheral) => {
    const family = familyOfServices(p.advertisement.serviceUuids ?? []);
    if (!family) return;
    const address = p.address && p.address !== 'unknown' ? p.address : p.id;
    const before = found.get(address);
    const next = { address, name: p.advertisement.localName ?? before?.name ?? null, family, rssi: p.rssi };
    found.set(address, next);
    if (!before || before.name !== next.name || before.family !== next.family) onList([...found.values()].sort((a, b) => b.rssi - a.rssi));
  };
  noble.on('discover', onDiscover);
  await noble.startScanningAsync([], true);
  onList([]);
  try {
    await stopped;
  } finally {
    noble.removeListener('discover', onDiscover);
    await noble.stopScanningAsync().catch(() => undefined);
  }
}
