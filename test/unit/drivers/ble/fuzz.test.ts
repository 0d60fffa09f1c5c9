import { describe, expect, it } from 'vitest';
import { codecs } from '../../../../electron/devices/drivers/codecs';
import { encodeCurrentTime } from '../../../../electron/devices/drivers/ble/current-time';
import { decodePmdCommand, encodePmdControlResponse, encodePmdEcgFrame, startEcgCommand } from '../../../../electron/devices/drivers/ble/polar-pmd';
import { encodeRacpRequest, encodeRacpResponse } from '../../../../electron/devices/drivers/ble/racp';
import { encodeWeightScaleFeature } from '../../../../electron/devices/drivers/ble/weight-scale-feature';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import {
  encodeBloodPressureMeasurement,
  encodeGlucoseContext,
  encodeGlucoseMeasurement,
  encodeHeartRateMeasurement,
  encodePlxContinuous,
  encodePlxSpotCheck,
  encodeTemperatureMeasurement,
  encodeWeightMeasurement,
} from '../../../../native/simulators/ble/frames';

/**
 * Every decoder, fed 100,000 inputs each — half random bytes of random length, half
 * mutations of valid frames (bit flips, byte overwrites, truncation, extension,
 * insertion, deletion) — must return or throw a DecodeError, nothing else. A seeded
 * PRNG keeps every run the same; a failure prints the seed and the bytes.
 */
const INPUTS = 100_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const time = { year: 2026, month: 2, day: 28, hours: 13, minutes: 7, seconds: 1 };

/** Valid frames with every optional field present and absent, to mutate. */
const seeds: Record<string, Uint8Array[]> = {
  'heart-rate-measurement': [encodeHeartRateMeasurement({ heartRate: 70 }), encodeHeartRateMeasurement({ heartRate: 300, sensorContact: 'not-detected', energyExpendedKj: 5, rrIntervals1024: [800, 900, 1000] })],
  'blood-pressure-measurement': [
    encodeBloodPressureMeasurement({ unit: 'mmHg', systolic: 120, diastolic: 80, meanArterial: 93 }),
    encodeBloodPressureMeasurement({ unit: 'kPa', exponent: -1, systolic: 16, diastolic: 10.7, meanArterial: 12.4, time, pulseRate: 60, userId: 1, measurementStatus: 0x3f }),
  ],
  'plx-spot-check': [encodePlxSpotCheck({ spo2: 97, pulseRate: 60 }), encodePlxSpotCheck({ spo2: 97, pulseRate: 60, time, measurementStatus: 0xffe0, deviceSensorStatus: 0xffff, pulseAmplitudeIndex: 2.1, clockNotSet: true })],
  'plx-continuous': [
    encodePlxContinuous({ normal: { spo2: 97, pulseRate: 60 } }),
    encodePlxContinuous({ normal: { spo2: 97, pulseRate: 60 }, fast: { spo2: 96, pulseRate: 61 }, slow: { spo2: 98, pulseRate: 59 }, measurementStatus: 0x20, deviceSensorStatus: 0x20, pulseAmplitudeIndex: 1 }),
  ],
  'glucose-measurement': [
    encodeGlucoseMeasurement({ sequence: 1, baseTime: time }),
    encodeGlucoseMeasurement({ sequence: 2, baseTime: time, timeOffsetMinutes: -5, concentration: { value: 5.5, unit: 'mmol/L' }, type: 2, sampleLocation: 1, sensorStatus: 0xfff, contextFollows: true }),
  ],
  'glucose-context': [
    encodeGlucoseContext({ sequence: 1 }),
    encodeGlucoseContext({ sequence: 2, extendedFlags: 0, carbohydrate: { id: 1, grams: 30 }, meal: 2, testerHealth: { tester: 1, health: 5 }, exercise: { durationS: 60, intensityPct: 10 }, medication: { id: 1, amount: 2, unit: 'mL' }, hba1cPct: 6 }),
  ],
  racp: [encodeRacpRequest({ op: 'report-records', filter: { kind: 'range', from: 1, to: 9 } }), encodeRacpResponse({ op: 'count-response', count: 7 }), encodeRacpResponse({ op: 'response-code', requestOpCode: 1, code: 'success' })],
  'temperature-measurement': [encodeTemperatureMeasurement({ value: 36.6, unit: 'Cel' }), encodeTemperatureMeasurement({ value: 98.6, unit: '[degF]', time, type: 3 })],
  'weight-measurement': [encodeWeightMeasurement({ unit: 'kg', weight: 70 }), encodeWeightMeasurement({ unit: 'lb', weight: 150, time, userId: 2, bmiAndHeight: { bmi: 22, height: 70 } })],
  'weight-scale-feature': [encodeWeightScaleFeature({ timeStamp: true, multipleUsers: true, bmi: true, weightResolutionCode: 7, heightResolutionCode: 3 })],
  'current-time': [encodeCurrentTime(time)],
  'polar-pmd-ecg': [encodePmdEcgFrame({ timestampNs: 599_000_000_000_000_000n, samplesUv: Int32Array.from([1, -1, 500, -800]) })],
  'polar-pmd-control-response': [encodePmdControlResponse({ opCode: 1, measurementType: 0, status: 'success', statusCode: 0, more: false, settings: { sampleRate: [130], resolution: [14] } })],
};

/** Decoders outside the registry: the sensor side of the PMD control point (the RACP codec already decodes both directions). */
const extraDecoders: Record<string, [(b: Uint8Array) => unknown, Uint8Array[]]> = {
  'pmd-command (sensor side)': [decodePmdCommand, [startEcgCommand()]],
};

function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  const b = Array.from(seed);
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (b.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0:
        if (b.length) b[at % b.length]! ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1:
        if (b.length) b[at % b.length] = Math.floor(rnd() * 256);
        break;
      case 2:
        b.length = Math.floor(rnd() * b.length);
        break;
      case 3:
        for (let n = Math.floor(rnd() * 8); n > 0; n--) b.push(Math.floor(rnd() * 256));
        break;
      case 4:
        b.splice(at, 0, Math.floor(rnd() * 256));
        break;
      default:
        b.splice(at, 1);
    }
  }
  return Uint8Array.from(b);
}

function fuzz(decode: (b: Uint8Array) => unknown, valid: Uint8Array[], seed: number): { ok: number; rejected: number } {
  const rnd = mulberry32(seed);
  let ok = 0;
  let rejected = 0;
  // Stack traces are most of the cost of a thrown error; the fuzzer needs only the error's type.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let i = 0; i < INPUTS; i++) {
      let input: Uint8Array;
      if (i % 2 === 0) {
        input = new Uint8Array(Math.floor(rnd() * 48));
        for (let k = 0; k < input.length; k += 4) {
          const r = (rnd() * 4294967296) >>> 0;
          input[k] = r;
          if (k + 1 < input.length) input[k + 1] = r >>> 8;
          if (k + 2 < input.length) input[k + 2] = r >>> 16;
          if (k + 3 < input.length) input[k + 3] = r >>> 24;
        }
      } else input = mutate(valid[i % valid.length]!, rnd);
      try {
        decode(input);
        ok++;
      } catch (err) {
        if (!(err instanceof DecodeError)) throw new Error(`seed ${seed} input ${i} [${Array.from(input).join(',')}] threw ${String(err)}`);
        rejected++;
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { ok, rejected };
}

describe('decoder fuzzing (100,000 inputs each)', () => {
  it('fuzzes every Bluetooth codec of the registry', () => {
    const ble = Object.keys(codecs).filter((n) => !['contour-frame', 'freestyle-reply'].includes(n));
    expect(Object.keys(seeds).sort()).toEqual(ble.sort());
  });

  for (const [name, valid] of Object.entries(seeds)) {
    it(`${name}: only results or DecodeErrors`, () => {
      const decode = codecs[name]!;
      for (const v of valid) expect(() => decode(v)).not.toThrow();
      const r = fuzz(decode, valid, name.length * 7919);
      expect(r.ok + r.rejected).toBe(INPUTS);
      // Mutations of valid frames must reach past the first checks, or the fuzzing proves little.
      expect(r.ok).toBeGreaterThan(0);
      expect(r.rejected).toBeGreaterThan(0);
    });
  }

  for (const [name, [decode, valid]] of Object.entries(extraDecoders)) {
    it(`${name}: only results or DecodeErrors`, () => {
      const r = fuzz(decode, valid, 4242);
      expect(r.ok).toBeGreaterThan(0);
      expect(r.rejected).toBeGreaterThan(0);
    });
  }
});
