import { decodeBloodPressureMeasurement } from './ble/blood-pressure-measurement';
import { decodeCurrentTime } from './ble/current-time';
import { decodeGlucoseContext } from './ble/glucose-context';
import { decodeGlucoseMeasurement } from './ble/glucose-measurement';
import { decodeHeartRateMeasurement } from './ble/heart-rate-measurement';
import { decodePlxContinuous } from './ble/plx-continuous';
import { decodePlxSpotCheck } from './ble/plx-spot-check';
import { decodePmdControlResponse, decodePmdEcgFrame } from './ble/polar-pmd';
import { decodeRacp } from './ble/racp';
import { decodeTemperatureMeasurement } from './ble/temperature-measurement';
import { decodeWeightMeasurement } from './ble/weight-measurement';
import { decodeWeightScaleFeature } from './ble/weight-scale-feature';
import { decodeContourFrame } from './contour/frame-codec';
import { decodeFreeStyleReply } from './freestyle/reply-codec';

/** A decoder from one characteristic value or frame to its typed result; failures throw DecodeError. */
export type Codec = (bytes: Uint8Array) => unknown;

/**
 * Every codec by the name `careloop decode <codec>` and the tests use: named after the
 * characteristic or frame it reads. One line per codec.
 */
export const codecs: Record<string, Codec> = {
  'heart-rate-measurement': decodeHeartRateMeasurement,
  'blood-pressure-measurement': decodeBloodPressureMeasurement,
  'plx-spot-check': decodePlxSpotCheck,
  'plx-continuous': decodePlxContinuous,
  'glucose-measurement': decodeGlucoseMeasurement,
  'glucose-context': decodeGlucoseContext,
  racp: decodeRacp,
  'temperature-measurement': decodeTemperatureMeasurement,
  'weight-measurement': (bytes) => decodeWeightMeasurement(bytes),
  'weight-scale-feature': decodeWeightScaleFeature,
  'current-time': decodeCurrentTime,
  'polar-pmd-ecg': decodePmdEcgFrame,
  'polar-pmd-control-response': decodePmdControlResponse,
  'contour-frame': decodeContourFrame,
  'freestyle-reply': (bytes) => decodeFreeStyleReply(bytes),
};

/**
 * A decoded result as plain JSON data: bigint as a decimal string, typed arrays as
 * arrays, and NaN/±Infinity as the strings 'NaN'/'Infinity'/'-Infinity' (JSON would turn
 * them into null and lose which special value the device sent).
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => toJsonValue(v));
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}
