import { ByteWriter } from '../../../electron/devices/drivers/ble/bytes';
import { writeDateTime } from '../../../electron/devices/drivers/ble/date-time';
import { writeFloat, writeSfloat } from '../../../electron/devices/drivers/ble/ieee11073';
import type { DeviceTime } from '../../../electron/devices/drivers/types';

/**
 * The device side of the health-profile characteristics: builds values byte for byte as
 * a device sends them (field order, flags and resolutions per the same specifications the
 * decoders cite). Optional fields are present exactly when given. Numbers that travel as
 * SFLOAT/FLOAT take the decimal exponent the device would use.
 */

export interface HeartRateFrame {
  heartRate: number;
  /** Forces the uint16 format even for rates below 256. */
  uint16?: boolean;
  sensorContact?: 'not-supported' | 'not-detected' | 'detected';
  energyExpendedKj?: number;
  /** RR intervals in 1/1024 s units, oldest first. */
  rrIntervals1024?: number[];
}

export function encodeHeartRateMeasurement(f: HeartRateFrame): Uint8Array {
  const wide = f.uint16 || f.heartRate > 0xff;
  const contact = f.sensorContact === 'detected' ? 0x06 : f.sensorContact === 'not-detected' ? 0x04 : 0;
  const flags = (wide ? 0x01 : 0) | contact | (f.energyExpendedKj !== undefined ? 0x08 : 0) | (f.rrIntervals1024 ? 0x10 : 0);
  const w = new ByteWriter().u8(flags);
  if (wide) w.u16(f.heartRate);
  else w.u8(f.heartRate);
  if (f.energyExpendedKj !== undefined) w.u16(f.energyExpendedKj);
  for (const rr of f.rrIntervals1024 ?? []) w.u16(rr);
  return w.toBytes();
}

export interface BloodPressureFrame {
  unit: 'mmHg' | 'kPa';
  systolic: number;
  diastolic: number;
  meanArterial: number;
  /** Decimal exponent of the pressures (0 for whole mmHg, -1 for 0.1 kPa). */
  exponent?: number;
  time?: DeviceTime;
  pulseRate?: number;
  userId?: number;
  measurementStatus?: number;
}

export function encodeBloodPressureMeasurement(f: BloodPressureFrame): Uint8Array {
  const e = f.exponent ?? 0;
  const flags = (f.unit === 'kPa' ? 0x01 : 0) | (f.time ? 0x02 : 0) | (f.pulseRate !== undefined ? 0x04 : 0) | (f.userId !== undefined ? 0x08 : 0) | (f.measurementStatus !== undefined ? 0x10 : 0);
  const w = new ByteWriter().u8(flags);
  writeSfloat(w, f.systolic, e);
  writeSfloat(w, f.diastolic, e);
  writeSfloat(w, f.meanArterial, e);
  if (f.time) writeDateTime(w, f.time);
  if (f.pulseRate !== undefined) writeSfloat(w, f.pulseRate, 0);
  if (f.userId !== undefined) w.u8(f.userId);
  if (f.measurementStatus !== undefined) w.u16(f.measurementStatus);
  return w.toBytes();
}

export interface PlxSpotCheckFrame {
  spo2: number;
  pulseRate: number;
  time?: DeviceTime;
  measurementStatus?: number;
  deviceSensorStatus?: number;
  /** Perfusion index in %, one decimal. */
  pulseAmplitudeIndex?: number;
  clockNotSet?: boolean;
}

export function encodePlxSpotCheck(f: PlxSpotCheckFrame): Uint8Array {
  const flags =
    (f.time ? 0x01 : 0) | (f.measurementStatus !== undefined ? 0x02 : 0) | (f.deviceSensorStatus !== undefined ? 0x04 : 0) | (f.pulseAmplitudeIndex !== undefined ? 0x08 : 0) | (f.clockNotSet ? 0x10 : 0);
  const w = new ByteWriter().u8(flags);
  writeSfloat(w, f.spo2, 0);
  writeSfloat(w, f.pulseRate, 0);
  if (f.time) writeDateTime(w, f.time);
  if (f.measurementStatus !== undefined) w.u16(f.measurementStatus);
  if (f.deviceSensorStatus !== undefined) w.u24(f.deviceSensorStatus);
  if (f.pulseAmplitudeIndex !== undefined) writeSfloat(w, f.pulseAmplitudeIndex, -1);
  return w.toBytes();
}

export interface PlxContinuousFrame {
  normal: { spo2: number; pulseRate: number };
  fast?: { spo2: number; pulseRate: number };
  slow?: { spo2: number; pulseRate: number };
  measurementStatus?: number;
  deviceSensorStatus?: number;
  pulseAmplitudeIndex?: number;
}

export function encodePlxContinuous(f: PlxContinuousFrame): Uint8Array {
  const flags = (f.fast ? 0x01 : 0) | (f.slow ? 0x02 : 0) | (f.measurementStatus !== undefined ? 0x04 : 0) | (f.deviceSensorStatus !== undefined ? 0x08 : 0) | (f.pulseAmplitudeIndex !== undefined ? 0x10 : 0);
  const w = new ByteWriter().u8(flags);
  for (const p of [f.normal, f.fast, f.slow]) {
    if (!p) continue;
    writeSfloat(w, p.spo2, 0);
    writeSfloat(w, p.pulseRate, 0);
  }
  if (f.measurementStatus !== undefined) w.u16(f.measurementStatus);
  if (f.deviceSensorStatus !== undefined) w.u24(f.deviceSensorStatus);
  if (f.pulseAmplitudeIndex !== undefined) writeSfloat(w, f.pulseAmplitudeIndex, -1);
  return w.toBytes();
}

export interface GlucoseFrame {
  sequence: number;
  baseTime?: DeviceTime;
  timeOffsetMinutes?: number;
  /** In the meter's unit: mg/dL (sent as kg/L) or mmol/L (sent as mol/L). */
  concentration?: { value: number; unit: 'mg/dL' | 'mmol/L' };
  /** Type code (low nibble) and sample location code (high nibble). */
  type?: number;
  sampleLocation?: number;
  sensorStatus?: number;
  contextFollows?: boolean;
}

export function encodeGlucoseMeasurement(f: GlucoseFrame): Uint8Array {
  const c = f.concentration;
  const flags = (f.timeOffsetMinutes !== undefined ? 0x01 : 0) | (c ? 0x02 : 0) | (c?.unit === 'mmol/L' ? 0x04 : 0) | (f.sensorStatus !== undefined ? 0x08 : 0) | (f.contextFollows ? 0x10 : 0);
  const w = new ByteWriter().u8(flags).u16(f.sequence);
  writeDateTime(w, f.baseTime);
  if (f.timeOffsetMinutes !== undefined) w.i16(f.timeOffsetMinutes);
  if (c) {
    // mg/dL → kg/L is 10^-5, mmol/L → mol/L is 10^-3; meters report whole mg/dL or 0.1 mmol/L.
    if (c.unit === 'mg/dL') writeSfloat(w, c.value / 1e5, -5);
    else writeSfloat(w, c.value / 1e3, -4);
    w.u8(((f.sampleLocation ?? 1) << 4) | (f.type ?? 1));
  }
  if (f.sensorStatus !== undefined) w.u16(f.sensorStatus);
  return w.toBytes();
}

export interface GlucoseContextFrame {
  sequence: number;
  extendedFlags?: number;
  carbohydrate?: { id: number; grams: number };
  meal?: number;
  testerHealth?: { tester: number; health: number };
  exercise?: { durationS: number; intensityPct: number };
  medication?: { id: number; amount: number; unit: 'mg' | 'mL' };
  hba1cPct?: number;
}

export function encodeGlucoseContext(f: GlucoseContextFrame): Uint8Array {
  const flags =
    (f.carbohydrate ? 0x01 : 0) |
    (f.meal !== undefined ? 0x02 : 0) |
    (f.testerHealth ? 0x04 : 0) |
    (f.exercise ? 0x08 : 0) |
    (f.medication ? 0x10 : 0) |
    (f.medication?.unit === 'mL' ? 0x20 : 0) |
    (f.hba1cPct !== undefined ? 0x40 : 0) |
    (f.extendedFlags !== undefined ? 0x80 : 0);
  const w = new ByteWriter().u8(flags).u16(f.sequence);
  if (f.extendedFlags !== undefined) w.u8(f.extendedFlags);
  if (f.carbohydrate) writeSfloat(w.u8(f.carbohydrate.id), f.carbohydrate.grams / 1e3, -3);
  if (f.meal !== undefined) w.u8(f.meal);
  if (f.testerHealth) w.u8((f.testerHealth.health << 4) | f.testerHealth.tester);
  if (f.exercise) w.u16(f.exercise.durationS).u8(f.exercise.intensityPct);
  if (f.medication) {
    w.u8(f.medication.id);
    if (f.medication.unit === 'mg') writeSfloat(w, f.medication.amount / 1e6, -7);
    else writeSfloat(w, f.medication.amount / 1e3, -4);
  }
  if (f.hba1cPct !== undefined) writeSfloat(w, f.hba1cPct, -1);
  return w.toBytes();
}

export interface TemperatureFrame {
  value: number;
  unit: 'Cel' | '[degF]';
  /** Decimal exponent, -1 or -2 for clinical thermometers. */
  exponent?: number;
  time?: DeviceTime;
  type?: number;
}

export function encodeTemperatureMeasurement(f: TemperatureFrame): Uint8Array {
  const flags = (f.unit === '[degF]' ? 0x01 : 0) | (f.time ? 0x02 : 0) | (f.type !== undefined ? 0x04 : 0);
  const w = new ByteWriter().u8(flags);
  writeFloat(w, f.value, f.exponent ?? -1);
  if (f.time) writeDateTime(w, f.time);
  if (f.type !== undefined) w.u8(f.type);
  return w.toBytes();
}

export interface WeightFrame {
  unit: 'kg' | 'lb';
  /** In the unit; rounded to the characteristic's resolution (0.005 kg, 0.01 lb). NaN sends "measurement unsuccessful". */
  weight: number;
  time?: DeviceTime;
  userId?: number;
  bmiAndHeight?: { bmi: number; height: number };
}

export function encodeWeightMeasurement(f: WeightFrame): Uint8Array {
  const imperial = f.unit === 'lb';
  const flags = (imperial ? 0x01 : 0) | (f.time ? 0x02 : 0) | (f.userId !== undefined ? 0x04 : 0) | (f.bmiAndHeight ? 0x08 : 0);
  const w = new ByteWriter().u8(flags);
  w.u16(Number.isNaN(f.weight) ? 0xffff : Math.round(imperial ? f.weight * 100 : f.weight * 200));
  if (f.time) writeDateTime(w, f.time);
  if (f.userId !== undefined) w.u8(f.userId);
  if (f.bmiAndHeight) w.u16(Math.round(f.bmiAndHeight.bmi * 10)).u16(Math.round(imperial ? f.bmiAndHeight.height * 10 : f.bmiAndHeight.height * 1000));
  return w.toBytes();
}
