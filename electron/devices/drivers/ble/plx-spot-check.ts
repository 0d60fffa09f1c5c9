import type { DecodedReading, DeviceTime } from '../types';
import { ByteReader } from './bytes';
import { readDateTime } from './date-time';
import { readSfloat } from './ieee11073';
import { plxStatus } from './plx-status';
import { mderReading } from './reading';

/**
 * PLX Spot-Check Measurement 0x2A5E (Pulse Oximeter Service 1.0 §3.1.1; GSS §3.165).
 * Flags: bit 0 Timestamp, bit 1 Measurement Status, bit 2 Device and Sensor Status,
 * bit 3 Pulse Amplitude Index present, bit 4 device clock is not set. Fields: SpO2PR
 * (SpO2 % and pulse rate /min, SFLOAT each), then the optional fields in flag order.
 */
export interface PlxSpotCheck {
  spo2: number;
  pulseRate: number;
  deviceTime?: DeviceTime;
  measurementStatus?: number;
  deviceSensorStatus?: number;
  pulseAmplitudeIndex?: number;
  clockNotSet: boolean;
  readings: DecodedReading[];
}

export function decodePlxSpotCheck(bytes: Uint8Array): PlxSpotCheck {
  const r = new ByteReader(bytes, 'PLX Spot-Check Measurement');
  const flags = r.u8('flags');
  const spo2 = readSfloat(r, 'SpO2');
  const pr = readSfloat(r, 'pulse rate');
  const deviceTime = flags & 0x01 ? readDateTime(r, 'timestamp') : undefined;
  const measurementStatus = flags & 0x02 ? r.u16('measurement status') : undefined;
  const deviceSensorStatus = flags & 0x04 ? r.u24('device and sensor status') : undefined;
  const pai = flags & 0x08 ? readSfloat(r, 'pulse amplitude index') : undefined;
  r.end();
  const clockNotSet = (flags & 0x10) !== 0;

  const status = plxStatus(measurementStatus, deviceSensorStatus, clockNotSet);
  const withTime = (rd: DecodedReading): DecodedReading => {
    if (deviceTime) rd.deviceTime = deviceTime;
    return rd;
  };
  const readings = [withTime(mderReading('spo2', spo2, spo2.value, '%', status.flags, status.extra)), withTime(mderReading('pulse-rate', pr, pr.value, '/min', status.flags, status.extra))];
  // The Pulse Amplitude Index is the perfusion index in percent (PLXS §3.1.1.5).
  if (pai) readings.push(withTime(mderReading('perfusion-index', pai, pai.value, '%', status.flags, status.extra)));
  return {
    spo2: spo2.value,
    pulseRate: pr.value,
    ...(deviceTime ? { deviceTime } : {}),
    ...(measurementStatus !== undefined ? { measurementStatus } : {}),
    ...(deviceSensorStatus !== undefined ? { deviceSensorStatus } : {}),
    ...(pai ? { pulseAmplitudeIndex: pai.value } : {}),
    clockNotSet,
    readings,
  };
}
