import type { DecodedReading, DeviceTime } from '../types';
import { ByteReader } from './bytes';
import { readDateTime } from './date-time';
import { plainReading } from './reading';
import type { WeightScaleFeature } from './weight-scale-feature';

/**
 * Weight Measurement 0x2A9D (Weight Scale Service 1.0 §3.1; GSS §3.238).
 * Flags: bit 0 imperial (lb, in) else SI (kg, m); bit 1 Time Stamp; bit 2 User ID;
 * bit 3 BMI and Height present. Weight uint16 at 0.005 kg or 0.01 lb (0xFFFF:
 * measurement unsuccessful), User ID uint8 (0xFF unknown), BMI uint16 at 0.1 kg/m²,
 * Height uint16 at 0.001 m or 0.1 in. The scale's real resolution is in the Weight
 * Scale Feature; given, it travels along in `extra`.
 */
export interface WeightMeasurement {
  unit: 'kg' | '[lb_av]';
  /** NaN when the scale reported the measurement unsuccessful. */
  weight: number;
  deviceTime?: DeviceTime;
  userId?: number;
  bmi?: number;
  height?: number;
  heightUnit?: 'm' | '[in_i]';
  readings: DecodedReading[];
}

const UNSUCCESSFUL = 0xffff;

export function decodeWeightMeasurement(bytes: Uint8Array, feature?: WeightScaleFeature): WeightMeasurement {
  const r = new ByteReader(bytes, 'Weight Measurement');
  const flags = r.u8('flags');
  const imperial = (flags & 0x01) !== 0;
  const rawWeight = r.u16('weight');
  const deviceTime = flags & 0x02 ? readDateTime(r, 'time stamp') : undefined;
  const rawUser = flags & 0x04 ? r.u8('user id') : undefined;
  const rawBmi = flags & 0x08 ? r.u16('BMI') : undefined;
  const rawHeight = flags & 0x08 ? r.u16('height') : undefined;
  r.end();

  const unit = imperial ? '[lb_av]' : 'kg';
  const heightUnit = imperial ? '[in_i]' : 'm';
  // Integer arithmetic then one exact division keeps 0.005 kg steps as the decimals they are.
  const weight = rawWeight === UNSUCCESSFUL ? Number.NaN : imperial ? rawWeight / 100 : (rawWeight * 5) / 1000;
  const userId = rawUser !== undefined && rawUser !== 0xff ? rawUser : undefined;
  const extra: Record<string, string | number> = {};
  if (userId !== undefined) extra.userId = userId;
  if (feature) {
    const res = imperial ? feature.weightResolutionLb : feature.weightResolutionKg;
    if (res !== undefined) extra.weightResolution = res;
  }
  const stamp = (rd: DecodedReading): DecodedReading => {
    if (deviceTime) rd.deviceTime = deviceTime;
    return rd;
  };
  const readings = [stamp(plainReading('body-weight', weight, unit, Number.isNaN(weight) ? ['not-a-number', 'measurement-unavailable'] : [], extra))];
  const out: WeightMeasurement = { unit, weight, readings };
  if (deviceTime) out.deviceTime = deviceTime;
  if (userId !== undefined) out.userId = userId;
  if (rawBmi !== undefined && rawHeight !== undefined) {
    out.bmi = rawBmi / 10;
    out.height = imperial ? rawHeight / 10 : rawHeight / 1000;
    out.heightUnit = heightUnit;
    readings.push(stamp(plainReading('bmi', out.bmi, 'kg/m2', [], userId !== undefined ? { userId } : undefined)));
    readings.push(stamp(plainReading('body-height', out.height, heightUnit, [], userId !== undefined ? { userId } : undefined)));
  }
  return out;
}
