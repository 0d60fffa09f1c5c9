import type { DecodedReading, DeviceTime, QualityFlag } from '../types';
import { ByteReader } from './bytes';
import { readDateTime } from './date-time';
import { readSfloat, type MderNumber } from './ieee11073';
import { addFlag, mderReading, setBitNames } from './reading';

/**
 * Blood Pressure Measurement 0x2A35 (Blood Pressure Service 1.1; GSS §3.31).
 * Flags: bit 0 units kPa (else mmHg); bit 1 Time Stamp; bit 2 Pulse Rate; bit 3 User ID;
 * bit 4 Measurement Status. Then systolic, diastolic and mean arterial pressure as
 * SFLOAT, the optional fields in that order. Status bits: 0 body movement, 1 cuff too
 * loose, 2 irregular pulse, 3–4 pulse rate range (1 above upper, 2 below lower limit),
 * 5 improper measurement position.
 */
export interface BloodPressureMeasurement {
  unit: 'mm[Hg]' | 'kPa';
  systolic: number;
  diastolic: number;
  meanArterial: number;
  deviceTime?: DeviceTime;
  pulseRate?: number;
  /** 0xFF is "unknown user" and is left out. */
  userId?: number;
  measurementStatus?: number;
  readings: DecodedReading[];
}

const KPA = 0x01;
const TIME_STAMP = 0x02;
const PULSE_RATE = 0x04;
const USER_ID = 0x08;
const STATUS = 0x10;
const UNKNOWN_USER = 0xff;

const STATUS_BITS = ['body-movement', 'cuff-fit-loose', 'irregular-pulse', undefined, undefined, 'improper-position'] as const;

function statusFlags(status: number): { flags: QualityFlag[]; pulseRateRange?: string } {
  const flags: QualityFlag[] = [];
  if (status & 0x01) flags.push('body-movement');
  if (status & 0x02) flags.push('cuff-fit-loose');
  if (status & 0x04) flags.push('irregular-pulse');
  const range = (status >> 3) & 0x03;
  let pulseRateRange: string | undefined;
  if (range === 1 || range === 2) {
    flags.push('pulse-rate-out-of-range');
    pulseRateRange = range === 1 ? 'above-upper-limit' : 'below-lower-limit';
  }
  if (status & 0x20) flags.push('improper-position');
  return pulseRateRange ? { flags, pulseRateRange } : { flags };
}

export function decodeBloodPressureMeasurement(bytes: Uint8Array): BloodPressureMeasurement {
  const r = new ByteReader(bytes, 'Blood Pressure Measurement');
  const flags = r.u8('flags');
  const unit = flags & KPA ? 'kPa' : 'mm[Hg]';
  const systolic = readSfloat(r, 'systolic');
  const diastolic = readSfloat(r, 'diastolic');
  const mean = readSfloat(r, 'mean arterial pressure');
  const deviceTime = flags & TIME_STAMP ? readDateTime(r, 'time stamp') : undefined;
  const pulse = flags & PULSE_RATE ? readSfloat(r, 'pulse rate') : undefined;
  const rawUser = flags & USER_ID ? r.u8('user id') : undefined;
  const measurementStatus = flags & STATUS ? r.u16('measurement status') : undefined;
  r.end();

  const userId = rawUser !== undefined && rawUser !== UNKNOWN_USER ? rawUser : undefined;
  const frameFlags: QualityFlag[] = [];
  const extra: Record<string, string | number> = {};
  if (userId !== undefined) extra.userId = userId;
  if (measurementStatus !== undefined) {
    const s = statusFlags(measurementStatus);
    s.flags.forEach((f) => addFlag(frameFlags, f));
    extra.measurementStatus = measurementStatus;
    const names = setBitNames(measurementStatus, STATUS_BITS);
    if (names) extra.measurementStatusBits = names;
    if (s.pulseRateRange) extra.pulseRateRange = s.pulseRateRange;
  }
  const withTime = (rd: DecodedReading): DecodedReading => {
    if (deviceTime) rd.deviceTime = deviceTime;
    return rd;
  };
  const pressure = (metric: 'blood-pressure-systolic' | 'blood-pressure-diastolic' | 'blood-pressure-mean', n: MderNumber) => withTime(mderReading(metric, n, n.value, unit, frameFlags, extra));
  const readings = [pressure('blood-pressure-systolic', systolic), pressure('blood-pressure-diastolic', diastolic), pressure('blood-pressure-mean', mean)];
  if (pulse) readings.push(withTime(mderReading('pulse-rate', pulse, pulse.value, '/min', frameFlags, extra)));
  return {
    unit,
    systolic: systolic.value,
    diastolic: diastolic.value,
    meanArterial: mean.value,
    ...(deviceTime ? { deviceTime } : {}),
    ...(pulse ? { pulseRate: pulse.value } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(measurementStatus !== undefined ? { measurementStatus } : {}),
    readings,
  };
}
