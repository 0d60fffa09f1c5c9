import type { DecodedReading } from '../types';
import { ByteReader } from './bytes';
import { readSfloat, type MderNumber } from './ieee11073';
import { plxStatus } from './plx-status';
import { mderReading } from './reading';

/**
 * PLX Continuous Measurement 0x2A5F (Pulse Oximeter Service 1.0 §3.2.1; GSS §3.164).
 * Flags: bit 0 SpO2PR-Fast, bit 1 SpO2PR-Slow, bit 2 Measurement Status, bit 3 Device
 * and Sensor Status, bit 4 Pulse Amplitude Index present. Fields: SpO2PR-Normal
 * (always), SpO2PR-Fast, SpO2PR-Slow (SpO2 and PR as SFLOAT each), Measurement Status
 * uint16, Device and Sensor Status uint24, Pulse Amplitude Index SFLOAT.
 * The three averagings are kept apart in `extra.averaging`.
 */
export type Averaging = 'normal' | 'fast' | 'slow';

export interface SpO2PR {
  spo2: number;
  pulseRate: number;
}

export interface PlxContinuous {
  normal: SpO2PR;
  fast?: SpO2PR;
  slow?: SpO2PR;
  measurementStatus?: number;
  deviceSensorStatus?: number;
  pulseAmplitudeIndex?: number;
  readings: DecodedReading[];
}

export function decodePlxContinuous(bytes: Uint8Array): PlxContinuous {
  const r = new ByteReader(bytes, 'PLX Continuous Measurement');
  const flags = r.u8('flags');
  const pair = (name: Averaging): [MderNumber, MderNumber] => [readSfloat(r, `SpO2 (${name})`), readSfloat(r, `pulse rate (${name})`)];
  const normal = pair('normal');
  const fast = flags & 0x01 ? pair('fast') : undefined;
  const slow = flags & 0x02 ? pair('slow') : undefined;
  const measurementStatus = flags & 0x04 ? r.u16('measurement status') : undefined;
  const deviceSensorStatus = flags & 0x08 ? r.u24('device and sensor status') : undefined;
  const pai = flags & 0x10 ? readSfloat(r, 'pulse amplitude index') : undefined;
  r.end();

  const status = plxStatus(measurementStatus, deviceSensorStatus);
  const readings: DecodedReading[] = [];
  const add = (averaging: Averaging, p: [MderNumber, MderNumber] | undefined) => {
    if (!p) return;
    readings.push(mderReading('spo2', p[0], p[0].value, '%', status.flags, { ...status.extra, averaging }));
    readings.push(mderReading('pulse-rate', p[1], p[1].value, '/min', status.flags, { ...status.extra, averaging }));
  };
  add('normal', normal);
  add('fast', fast);
  add('slow', slow);
  if (pai) readings.push(mderReading('perfusion-index', pai, pai.value, '%', status.flags, status.extra));
  const asPair = (p: [MderNumber, MderNumber]): SpO2PR => ({ spo2: p[0].value, pulseRate: p[1].value });
  return {
    normal: asPair(normal),
    ...(fast ? { fast: asPair(fast) } : {}),
    ...(slow ? { slow: asPair(slow) } : {}),
    ...(measurementStatus !== undefined ? { measurementStatus } : {}),
    ...(deviceSensorStatus !== undefined ? { deviceSensorStatus } : {}),
    ...(pai ? { pulseAmplitudeIndex: pai.value } : {}),
    readings,
  };
}
