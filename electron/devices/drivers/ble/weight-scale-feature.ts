import { ByteReader } from './bytes';

/**
 * Weight Scale Feature 0x2A9E (Weight Scale Service 1.0 §3.2; GSS §3.239), uint32:
 * bit 0 time stamp supported, bit 1 multiple users, bit 2 BMI supported, bits 3–6 weight
 * resolution, bits 7–9 height resolution, the rest reserved. Resolution code 0 means
 * "not specified".
 */
export interface WeightScaleFeature {
  timeStampSupported: boolean;
  multipleUsersSupported: boolean;
  bmiSupported: boolean;
  weightResolutionKg?: number;
  weightResolutionLb?: number;
  heightResolutionM?: number;
  heightResolutionIn?: number;
}

const WEIGHT_KG = [undefined, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005];
const WEIGHT_LB = [undefined, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];
const HEIGHT_M = [undefined, 0.01, 0.005, 0.001];
const HEIGHT_IN = [undefined, 1, 0.5, 0.1];

export function decodeWeightScaleFeature(bytes: Uint8Array): WeightScaleFeature {
  const r = new ByteReader(bytes, 'Weight Scale Feature');
  const bits = r.u32('feature');
  r.end();
  const w = (bits >>> 3) & 0x0f;
  const h = (bits >>> 7) & 0x07;
  const out: WeightScaleFeature = {
    timeStampSupported: (bits & 0x01) !== 0,
    multipleUsersSupported: (bits & 0x02) !== 0,
    bmiSupported: (bits & 0x04) !== 0,
  };
  // Codes 8–15 (weight) and 4–7 (height) are reserved: treated as not specified.
  const kg = WEIGHT_KG[w];
  const lb = WEIGHT_LB[w];
  const m = HEIGHT_M[h];
  const inch = HEIGHT_IN[h];
  if (kg !== undefined && lb !== undefined) Object.assign(out, { weightResolutionKg: kg, weightResolutionLb: lb });
  if (m !== undefined && inch !== undefined) Object.assign(out, { heightResolutionM: m, heightResolutionIn: inch });
  return out;
}

export function encodeWeightScaleFeature(f: { timeStamp: boolean; multipleUsers: boolean; bmi: boolean; weightResolutionCode: number; heightResolutionCode: number }): Uint8Array {
  const bits = (f.timeStamp ? 1 : 0) | (f.multipleUsers ? 2 : 0) | (f.bmi ? 4 : 0) | ((f.weightResolutionCode & 0x0f) << 3) | ((f.heightResolutionCode & 0x07) << 7);
  return Uint8Array.of(bits & 0xff, (bits >>> 8) & 0xff, 0, 0);
}
