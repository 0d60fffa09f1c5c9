import { DecodeError, type DecodedReading, type QualityFlag } from '../types';
import { ByteReader } from './bytes';
import { plainReading } from './reading';

/**
 * Heart Rate Measurement 0x2A37 (Heart Rate Service 1.0; GATT Specification Supplement
 * §3.113). Flags: bit 0 value is uint16 (else uint8); bits 1–2 sensor contact status
 * (0/1 not supported, 2 supported but no contact, 3 contact); bit 3 Energy Expended
 * (uint16 kJ) present; bit 4 one or more RR-Intervals (uint16, 1/1024 s, oldest first).
 */
export type SensorContact = 'not-supported' | 'not-detected' | 'detected';

export interface HeartRateMeasurement {
  heartRate: number;
  sensorContact: SensorContact;
  energyExpendedKj?: number;
  rrIntervalsMs: number[];
  readings: DecodedReading[];
}

const UINT16_VALUE = 0x01;
const CONTACT_SUPPORTED = 0x04;
const CONTACT_DETECTED = 0x02;
const ENERGY_PRESENT = 0x08;
const RR_PRESENT = 0x10;

export function decodeHeartRateMeasurement(bytes: Uint8Array): HeartRateMeasurement {
  const r = new ByteReader(bytes, 'Heart Rate Measurement');
  const flags = r.u8('flags');
  const heartRate = flags & UINT16_VALUE ? r.u16('heart rate (uint16)') : r.u8('heart rate (uint8)');
  const sensorContact: SensorContact = flags & CONTACT_SUPPORTED ? (flags & CONTACT_DETECTED ? 'detected' : 'not-detected') : 'not-supported';
  const energyExpendedKj = flags & ENERGY_PRESENT ? r.u16('energy expended') : undefined;
  const rrIntervalsMs: number[] = [];
  if (flags & RR_PRESENT) {
    if (r.remaining % 2 !== 0) throw new DecodeError('bad-frame', `Heart Rate Measurement: RR-Intervals take an odd ${r.remaining} bytes`, r.offset);
    // 1/1024 s to ms: ×1000/1024 is exact in binary floating point.
    while (r.remaining > 0) rrIntervalsMs.push((r.u16('RR-Interval') * 1000) / 1024);
  }
  r.end();

  const frameFlags: QualityFlag[] = sensorContact === 'not-detected' ? ['sensor-contact-lost'] : [];
  const extra = { sensorContact };
  const readings = [plainReading('heart-rate', heartRate, '/min', frameFlags, extra)];
  if (energyExpendedKj !== undefined) {
    // 0xFFFF means the device's counter saturated (it stays there until reset).
    readings.push(plainReading('energy-expended', energyExpendedKj, 'kJ', frameFlags, energyExpendedKj === 0xffff ? { saturated: true } : undefined));
  }
  rrIntervalsMs.forEach((ms, index) => readings.push(plainReading('rr-interval', ms, 'ms', frameFlags, { index })));
  return { heartRate, sensorContact, ...(energyExpendedKj !== undefined ? { energyExpendedKj } : {}), rrIntervalsMs, readings };
}
