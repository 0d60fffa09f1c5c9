import { createRequire } from 'node:module';
import type { GattLink, GattUuid } from '../../electron/devices/session/links';
import { DeviceError } from '../../electron/devices/session/types';

interface NobleCharacteristic {
  uuid: string;
  readAsync(): Promise<Uint8Array>;
  writeAsync(data: Uint8Array, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
  unsubscribeAsync(): Promise<void>;
  on(event: 'data', listener: (data: Uint8Array, isNotification: boolean) => void): void;
  removeListener(event: 'data', listener: (data: Uint8Array, isNotification: boolean) => void): void;
}
interface NobleService {
  uuid: string;
  characteristics: NobleCharacteristic[];
}
interface NoblePeripheral {
  id: string;
  address: string;
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  discoverAllServicesAndCharacteristicsAsync(): Promise<{ services: NobleService[] }>;
  once(event: 'disconnect', listener: () => void): void;
}
interface Noble {
  state: string;
  waitForPoweredOnAsync?(timeoutMs?: number): Promise<void>;
  startScanningAsync(serviceUuids?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  on(event: 'discover', listener: (p: NoblePeripheral) => void): void;
  removeListener(event: 'discover', listener: (p: NoblePeripheral) => void): void;
}

let noble: Noble | null | undefined;

/** noble throws on require where no Bluetooth adapter exists: load it lazily, once. */
function loadNoble(): Noble {
  if (noble === undefined) {
    try {
      noble = createRequire(import.meta.url)('@abandonware/noble') as Noble;
    } catch {
      noble = null;
    }
  }
  if (!noble) throw new DeviceError('bluetooth-unavailable', 'Bluetooth unavailable: no adapter or driver on this machine.', 'Check that Bluetooth is switched on and that BlueZ is installed.');
  return noble;
}

const norm = (uuid: GattUuid) => uuid.replace(/-/g, '').toLowerCase();

/** Connects to a peripheral by address and exposes its characteristics as a GattLink. */
export async function openBleLink(address: string, timeoutMs = 15_000): Promise<{ link: GattLink; close(): Promise<void> }> {
  const ble = loadNoble();
  if (ble.state !== 'poweredOn') {
    if (!ble.waitForPoweredOnAsync) throw new DeviceError('bluetooth-unavailable', 'Bluetooth is off.', 'Switch Bluetooth on and try again.');
    await ble.waitForPoweredOnAsync(5000).catch(() => {
      throw new DeviceError('bluetooth-unavailable', 'Bluetooth is off.', 'Switch Bluetooth on and try again.');
    });
  }
  const wanted = address.toLowerCase();
  const peripheral = await new Promise<NoblePeripheral>((resolve, reject) => {
    const onDiscover = (p: NoblePeripheral) => {
      if (p.address.toLowerCase() !== wanted && p.id.toLowerCase() !== wanted) return;
      clearTimeout(timer);
      ble.removeListener('discover', onDiscover);
      void ble.stopScanningAsync();
      resolve(p);
    };
    const timer = setTimeout(() => {
      ble.removeListener('discover', onDiscover);
      void ble.stopScanningAsync();
      reject(new DeviceError('timeout', 'The device was not found nearby. Wake it (take a reading or press its button) and try again.'));
    }, timeoutMs);
    ble.on('discover', onDiscover);
    ble.startScanningAsync([], false).catch((err: unknown) => reject(new DeviceError('bluetooth-unavailable', `Bluetooth scan failed: ${err instanceof Error ? err.message : String(err)}`)));
  });
  await peripheral.connectAsync();
  let gone = false;
  peripheral.once('disconnect', () => (gone = true));
  const { services } = await peripheral.discoverAllServicesAndCharacteristicsAsync();
  const find = (service: GattUuid, characteristic: GattUuid): NobleCharacteristic => {
    if (gone) throw new DeviceError('unplugged', 'The device disconnected.');
    const c = services.find((s) => s.uuid === norm(service))?.characteristics.find((x) => x.uuid === norm(characteristic));
    if (!c) throw new DeviceError('unsupported-device', `The device has no characteristic ${characteristic} in service ${service}.`);
    return c;
  };
  const link: GattLink = {
    async read(service, characteristic) {
      return new Uint8Array(await find(service, characteristic).readAsync());
    },
    async write(service, characteristic, value, withResponse) {
      await find(service, characteristic).writeAsync(value, !withResponse);
    },
    async subscribe(service, characteristic, onValue) {
      const c = find(service, characteristic);
      const listener = (data: Uint8Array) => onValue(new Uint8Array(data));
      c.on('data', listener);
      await c.subscribeAsync();
      return async () => {
        c.removeListener('data', listener);
        await c.unsubscribeAsync().catch(() => undefined);
      };
    },
  };
  return { link, close: () => peripheral.disconnectAsync().catch(() => undefined) };
}
