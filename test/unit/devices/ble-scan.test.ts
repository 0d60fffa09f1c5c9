import { describe, expect, it } from 'vitest';
import { familyOfServices } from '../../../electron/devices/drivers/ble/advertised-family';
import { scanBleHealthDevices, type NearbyBleDevice, type NobleScanner } from '../../../native/transports/ble-scan';

describe('Bluetooth discovery', () => {
  it('names the family from the advertised services, in any UUID spelling; a Polar H10 streams ECG', () => {
    expect(familyOfServices(['1808'])).toBe('ble-glucose');
    expect(familyOfServices(['00001810-0000-1000-8000-00805f9b34fb'])).toBe('ble-blood-pressure');
    expect(familyOfServices(['181D', '180a'])).toBe('ble-scale');
    expect(familyOfServices(['180d', 'FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8'])).toBe('ble-polar-h10');
    expect(familyOfServices(['180d'])).toBe('ble-heart-rate');
    expect(familyOfServices(['180f', 'feaa'])).toBeNull();
  });

  // noble is the hardware boundary: this scanner stands in for the adapter.
  it('lists health devices as they advertise, strongest first, and stops scanning when asked', async () => {
    const listeners: ((p: { id: string; address: string; rssi: number; advertisement: { localName?: string; serviceUuids?: string[] } }) => void)[] = [];
    let scanning = false;
    const scanner: NobleScanner = {
      state: 'poweredOn',
      startScanningAsync: async () => void (scanning = true),
      stopScanningAsync: async () => void (scanning = false),
      on: (_e, l) => void listeners.push(l),
      removeListener: (_e, l) => void listeners.splice(listeners.indexOf(l), 1),
    };
    const lists: NearbyBleDevice[][] = [];
    let stop!: () => void;
    const done = scanBleHealthDevices((l) => lists.push(l), new Promise<void>((r) => (stop = r)), scanner);
    await new Promise((r) => setTimeout(r, 0));
    expect(scanning).toBe(true);
    listeners[0]!({ id: 'a', address: 'aa:bb', rssi: -70, advertisement: { localName: 'BP cuff', serviceUuids: ['1810'] } });
    listeners[0]!({ id: 'b', address: 'cc:dd', rssi: -50, advertisement: { serviceUuids: ['180f'] } });
    listeners[0]!({ id: 'c', address: 'ee:ff', rssi: -40, advertisement: { localName: 'Polar H10 1234', serviceUuids: ['180d', 'fb005c80-02e7-f387-1cad-8acd2d8df0c8'] } });
    stop();
    await done;
    expect(scanning).toBe(false);
    expect(listeners).toHaveLength(0);
    expect(lists.at(-1)).toEqual([
      { address: 'ee:ff', name: 'Polar H10 1234', family: 'ble-polar-h10', rssi: -40 },
      { address: 'aa:bb', name: 'BP cuff', family: 'ble-blood-pressure', rssi: -70 },
    ]);
  });

  it('says Bluetooth is off when the adapter does not power on', async () => {
    const scanner = { state: 'poweredOff', waitForPoweredOnAsync: async () => Promise.reject(new Error('timeout')) } as unknown as NobleScanner;
    await expect(scanBleHealthDevices(() => undefined, Promise.resolve(), scanner)).rejects.toMatchObject({ code: 'bluetooth-unavailable' });
  });
});
