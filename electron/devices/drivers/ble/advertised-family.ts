import { POLAR_PMD, SERVICE } from './uuids';

/** The families CareLoop reaches over Bluetooth, by the service a device advertises. */
export type BleFamily = 'ble-glucose' | 'ble-blood-pressure' | 'ble-thermometer' | 'ble-scale' | 'ble-oximeter' | 'ble-heart-rate' | 'ble-polar-h10';

const BY_SERVICE: readonly [string, BleFamily][] = [
  [POLAR_PMD.service.replace(/-/g, ''), 'ble-polar-h10'],
  [SERVICE.glucose, 'ble-glucose'],
  [SERVICE.bloodPressure, 'ble-blood-pressure'],
  [SERVICE.pulseOximeter, 'ble-oximeter'],
  [SERVICE.healthThermometer, 'ble-thermometer'],
  [SERVICE.weightScale, 'ble-scale'],
  [SERVICE.heartRate, 'ble-heart-rate'],
];

/**
 * The family of a peripheral from its advertised service UUIDs (16-bit as 4 hex digits, or
 * 128-bit with or without dashes; the Bluetooth base UUID form of a 16-bit one is accepted).
 * A Polar H10 advertises Heart Rate too: its vendor service wins, so it streams ECG.
 */
export function familyOfServices(uuids: readonly string[]): BleFamily | null {
  const short = new Set(
    uuids.map((u) => {
      const x = u.toLowerCase().replace(/-/g, '');
      return /^0000[0-9a-f]{4}00001000800000805f9b34fb$/.test(x) ? x.slice(4, 8) : x;
    }),
  );
  for (const [uuid, family] of BY_SERVICE) if (short.has(uuid)) return family;
  return null;
}
