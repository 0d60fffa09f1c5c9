import type { QualityFlag } from '../types';
import { addFlag, setBitNames } from './reading';

/**
 * The status fields shared by PLX Spot-Check 0x2A5E and PLX Continuous 0x2A5F (Pulse
 * Oximeter Service 1.0, §3.1.1.3–3.1.1.4 and GSS).
 * Measurement Status (uint16): bits 0–4 reserved, 5 measurement ongoing, 6 early
 * estimated data, 7 validated data, 8 fully qualified data, 9 data from measurement
 * storage, 10 data for demonstration, 11 data for testing, 12 calibration ongoing,
 * 13 measurement unavailable, 14 questionable measurement, 15 invalid measurement.
 * Device and Sensor Status (uint24): 0 extended display update ongoing, 1 equipment
 * malfunction, 2 signal processing irregularity, 3 inadequate signal, 4 poor signal,
 * 5 low perfusion, 6 erratic signal, 7 nonpulsatile signal, 8 questionable pulse,
 * 9 signal analysis ongoing, 10 sensor interference, 11 sensor unconnected to user,
 * 12 unknown sensor connected, 13 sensor displaced, 14 sensor malfunctioning,
 * 15 sensor disconnected; 16–23 reserved.
 */
const MEASUREMENT_STATUS: readonly (readonly [string, QualityFlag | undefined])[] = [
  ['', undefined],
  ['', undefined],
  ['', undefined],
  ['', undefined],
  ['', undefined],
  ['measurement-ongoing', 'measurement-ongoing'],
  ['early-estimated-data', 'early-estimate'],
  ['validated-data', 'validated'],
  ['fully-qualified-data', undefined],
  ['data-from-storage', undefined],
  ['data-for-demonstration', 'demonstration-data'],
  ['data-for-testing', 'testing-data'],
  ['calibration-ongoing', 'calibration-ongoing'],
  ['measurement-unavailable', 'measurement-unavailable'],
  ['questionable-measurement', 'questionable'],
  ['invalid-measurement', 'invalid'],
];

const DEVICE_SENSOR_STATUS: readonly (readonly [string, QualityFlag | undefined])[] = [
  ['extended-display-update-ongoing', undefined],
  ['equipment-malfunction', 'device-error'],
  ['signal-processing-irregularity', 'questionable'],
  ['inadequate-signal', 'signal-weak'],
  ['poor-signal', 'signal-weak'],
  ['low-perfusion', 'low-perfusion'],
  ['erratic-signal', 'questionable'],
  ['nonpulsatile-signal', 'signal-weak'],
  ['questionable-pulse', 'questionable'],
  ['signal-analysis-ongoing', 'measurement-ongoing'],
  ['sensor-interference', 'questionable'],
  ['sensor-unconnected-to-user', 'sensor-contact-lost'],
  ['unknown-sensor-connected', 'device-error'],
  ['sensor-displaced', 'improper-position'],
  ['sensor-malfunctioning', 'sensor-malfunction'],
  ['sensor-disconnected', 'sensor-contact-lost'],
];

function apply(value: number, table: readonly (readonly [string, QualityFlag | undefined])[], flags: QualityFlag[]): string {
  table.forEach(([, flag], bit) => {
    if (flag && (value & (1 << bit)) !== 0) addFlag(flags, flag);
  });
  return setBitNames(
    value,
    table.map(([name]) => name || undefined),
  );
}

export interface PlxStatus {
  flags: QualityFlag[];
  extra: Record<string, string | number | boolean>;
}

export function plxStatus(measurementStatus: number | undefined, deviceSensorStatus: number | undefined, clockNotSet = false): PlxStatus {
  const flags: QualityFlag[] = [];
  const extra: Record<string, string | number | boolean> = {};
  if (measurementStatus !== undefined) {
    extra.measurementStatus = measurementStatus;
    const names = apply(measurementStatus, MEASUREMENT_STATUS, flags);
    if (names) extra.measurementStatusBits = names;
  }
  if (deviceSensorStatus !== undefined) {
    extra.deviceSensorStatus = deviceSensorStatus;
    const names = apply(deviceSensorStatus, DEVICE_SENSOR_STATUS, flags);
    if (names) extra.deviceSensorStatusBits = names;
  }
  if (clockNotSet) addFlag(flags, 'clock-not-set');
  return { flags, extra };
}
