import type { DecodedReading, DeviceTime, QualityFlag } from '../types';
import { ByteReader } from './bytes';
import { addMinutes, readDateTime } from './date-time';
import { readSfloat, shifted } from './ieee11073';
import { addFlag, mderReading, setBitNames } from './reading';

/**
 * Glucose Measurement 0x2A18 (Glucose Service 1.0 §3.106; GSS §3.102).
 * Flags: bit 0 Time Offset present, bit 1 concentration + type/sample location present,
 * bit 2 concentration in mol/L (else kg/L), bit 3 Sensor Status Annunciation present,
 * bit 4 a Glucose Measurement Context follows. Fields: Sequence Number uint16, Base Time
 * (Date Time), Time Offset sint16 minutes, concentration SFLOAT, type (low nibble) and
 * sample location (high nibble) in one byte, Sensor Status Annunciation uint16.
 * The record time is Base Time + Time Offset. kg/L becomes mg/dL (×10^5) and mol/L
 * becomes mmol/L (×10^3), scaled on the decimal exponent so no rounding creeps in.
 */
export interface GlucoseMeasurement {
  sequence: number;
  baseTime?: DeviceTime;
  timeOffsetMinutes?: number;
  /** Base time plus offset: when the sample was taken, on the meter's clock. */
  deviceTime?: DeviceTime;
  /** Absent when the record carries no concentration. */
  value?: number;
  unit?: 'mg/dL' | 'mmol/L';
  type?: string;
  sampleLocation?: string;
  sensorStatus?: number;
  contextFollows: boolean;
  readings: DecodedReading[];
}

const TYPES: Record<number, string> = {
  1: 'capillary-whole-blood',
  2: 'capillary-plasma',
  3: 'venous-whole-blood',
  4: 'venous-plasma',
  5: 'arterial-whole-blood',
  6: 'arterial-plasma',
  7: 'undetermined-whole-blood',
  8: 'undetermined-plasma',
  9: 'interstitial-fluid',
  10: 'control-solution',
};

const LOCATIONS: Record<number, string> = {
  1: 'finger',
  2: 'alternate-site-test',
  3: 'earlobe',
  4: 'control-solution',
  15: 'not-available',
};

/** Sensor Status Annunciation bits 0–11 (GLS §3.106.1.6), with the flag each raises. */
const SENSOR_STATUS: readonly (readonly [string, QualityFlag])[] = [
  ['battery-low', 'battery-low'],
  ['sensor-malfunction', 'sensor-malfunction'],
  ['sample-size-insufficient', 'questionable'],
  ['strip-insertion-error', 'device-error'],
  ['strip-type-incorrect', 'device-error'],
  ['result-above-range', 'value-out-of-range'],
  ['result-below-range', 'value-out-of-range'],
  ['temperature-too-high', 'questionable'],
  ['temperature-too-low', 'questionable'],
  ['strip-pulled-too-soon', 'device-error'],
  ['general-device-fault', 'device-error'],
  ['time-fault', 'clock-not-set'],
];

export function glucoseTypeName(code: number): string {
  return TYPES[code] ?? `reserved-${code}`;
}

export function sampleLocationName(code: number): string {
  return LOCATIONS[code] ?? `reserved-${code}`;
}

export function decodeGlucoseMeasurement(bytes: Uint8Array): GlucoseMeasurement {
  const r = new ByteReader(bytes, 'Glucose Measurement');
  const flags = r.u8('flags');
  const sequence = r.u16('sequence number');
  const baseTime = readDateTime(r, 'base time');
  const timeOffsetMinutes = flags & 0x01 ? r.i16('time offset') : undefined;
  const hasConcentration = (flags & 0x02) !== 0;
  const concentration = hasConcentration ? readSfloat(r, 'glucose concentration') : undefined;
  const typeLocation = hasConcentration ? r.u8('type and sample location') : undefined;
  const sensorStatus = flags & 0x08 ? r.u16('sensor status annunciation') : undefined;
  r.end();

  const contextFollows = (flags & 0x10) !== 0;
  const deviceTime = baseTime ? addMinutes(baseTime, timeOffsetMinutes ?? 0) : undefined;
  const readingFlags: QualityFlag[] = [];
  const extra: Record<string, string | number | boolean> = {};
  if (timeOffsetMinutes !== undefined) extra.timeOffsetMinutes = timeOffsetMinutes;
  if (sensorStatus !== undefined) {
    SENSOR_STATUS.forEach(([, flag], bit) => {
      if (sensorStatus & (1 << bit)) addFlag(readingFlags, flag);
    });
    extra.sensorStatus = sensorStatus;
    const names = setBitNames(
      sensorStatus,
      SENSOR_STATUS.map(([name]) => name),
    );
    if (names) extra.sensorStatusBits = names;
  }
  const out: GlucoseMeasurement = { sequence, contextFollows, readings: [] };
  if (baseTime) out.baseTime = baseTime;
  if (timeOffsetMinutes !== undefined) out.timeOffsetMinutes = timeOffsetMinutes;
  if (deviceTime) out.deviceTime = deviceTime;
  if (sensorStatus !== undefined) out.sensorStatus = sensorStatus;
  if (concentration && typeLocation !== undefined) {
    const molar = (flags & 0x04) !== 0;
    const unit = molar ? 'mmol/L' : 'mg/dL';
    const value = shifted(concentration, molar ? 3 : 5);
    const type = glucoseTypeName(typeLocation & 0x0f);
    const sampleLocation = sampleLocationName(typeLocation >> 4);
    if (type === 'control-solution' || sampleLocation === 'control-solution') addFlag(readingFlags, 'control-solution');
    const reading = mderReading('glucose', concentration, value, unit, readingFlags, { ...extra, type, sampleLocation });
    reading.sequence = sequence;
    if (deviceTime) reading.deviceTime = deviceTime;
    Object.assign(out, { value, unit, type, sampleLocation });
    out.readings.push(reading);
  }
  return out;
}
