import type { DecodedReading, DeviceTime } from '../types';
import { ByteReader } from './bytes';
import { readDateTime } from './date-time';
import { readFloat } from './ieee11073';
import { mderReading } from './reading';

/**
 * Temperature Measurement 0x2A1C (Health Thermometer Service 1.0 §3.1; GSS §3.216).
 * Flags: bit 0 Fahrenheit (else Celsius), bit 1 Time Stamp, bit 2 Temperature Type
 * present. Fields: temperature FLOAT, Date Time, type uint8 (the body site, §3.2.1:
 * 1 armpit, 2 body, 3 ear, 4 finger, 5 gastro-intestinal tract, 6 mouth, 7 rectum,
 * 8 toe, 9 tympanum).
 */
export interface TemperatureMeasurement {
  value: number;
  unit: 'Cel' | '[degF]';
  deviceTime?: DeviceTime;
  site?: string;
  readings: DecodedReading[];
}

const SITES = ['reserved-0', 'armpit', 'body', 'ear', 'finger', 'gastro-intestinal-tract', 'mouth', 'rectum', 'toe', 'tympanum'];

export function temperatureSiteName(code: number): string {
  return SITES[code] ?? `reserved-${code}`;
}

export function decodeTemperatureMeasurement(bytes: Uint8Array): TemperatureMeasurement {
  const r = new ByteReader(bytes, 'Temperature Measurement');
  const flags = r.u8('flags');
  const t = readFloat(r, 'temperature');
  const deviceTime = flags & 0x02 ? readDateTime(r, 'time stamp') : undefined;
  const site = flags & 0x04 ? temperatureSiteName(r.u8('temperature type')) : undefined;
  r.end();
  const unit = flags & 0x01 ? '[degF]' : 'Cel';
  const reading = mderReading('body-temperature', t, t.value, unit, [], site ? { site } : undefined);
  if (deviceTime) reading.deviceTime = deviceTime;
  return { value: t.value, unit, ...(deviceTime ? { deviceTime } : {}), ...(site ? { site } : {}), readings: [reading] };
}
