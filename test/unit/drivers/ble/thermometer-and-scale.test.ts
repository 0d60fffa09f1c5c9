import { describe, expect, it } from 'vitest';
import { decodeTemperatureMeasurement } from '../../../../electron/devices/drivers/ble/temperature-measurement';
import { decodeWeightMeasurement } from '../../../../electron/devices/drivers/ble/weight-measurement';
import { decodeWeightScaleFeature, encodeWeightScaleFeature } from '../../../../electron/devices/drivers/ble/weight-scale-feature';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { encodeTemperatureMeasurement, encodeWeightMeasurement } from '../../../../native/simulators/ble/frames';
import { hex } from './hex';

const t = { year: 2025, month: 12, day: 31, hours: 23, minutes: 59, seconds: 59 };

describe('Temperature Measurement 0x2A1C', () => {
  it('decodes 36.4 °C with no options (FLOAT exponent -1)', () => {
    const m = decodeTemperatureMeasurement(hex('00 6c 01 00 ff'));
    expect(m).toEqual({ value: 36.4, unit: 'Cel', readings: [{ metric: 'body-temperature', value: 36.4, unit: 'Cel', flags: [] }] });
  });

  it('decodes °F with time stamp and site', () => {
    const m = decodeTemperatureMeasurement(hex('07 da 03 00 ff e9 07 0c 1f 17 3b 3b 09'));
    expect(m).toMatchObject({ value: 98.6, unit: '[degF]', deviceTime: t, site: 'tympanum' });
    expect(m.readings[0]).toEqual({ metric: 'body-temperature', value: 98.6, unit: '[degF]', deviceTime: t, flags: [], extra: { site: 'tympanum' } });
  });

  it('names every site code and keeps reserved ones', () => {
    const sites = ['armpit', 'body', 'ear', 'finger', 'gastro-intestinal-tract', 'mouth', 'rectum', 'toe', 'tympanum'];
    sites.forEach((s, i) => expect(decodeTemperatureMeasurement(encodeTemperatureMeasurement({ value: 37, unit: 'Cel', type: i + 1 })).site).toBe(s));
    expect(decodeTemperatureMeasurement(encodeTemperatureMeasurement({ value: 37, unit: 'Cel', type: 0 })).site).toBe('reserved-0');
  });

  it('keeps FLOAT specials flagged', () => {
    const nres = decodeTemperatureMeasurement(hex('00 00 00 80 00')).readings[0]!;
    expect(nres.flags).toEqual(['not-at-this-resolution']);
    expect(decodeTemperatureMeasurement(hex('00 fe ff 7f 00')).readings[0]).toMatchObject({ value: Number.POSITIVE_INFINITY, flags: ['infinity'] });
  });

  it('round-trips all flag combinations and rejects truncation', () => {
    for (let f = 0; f < 8; f++) {
      const frame = { value: f & 1 ? 101.3 : 38.25, exponent: f & 1 ? -1 : -2, unit: f & 1 ? ('[degF]' as const) : ('Cel' as const), ...(f & 2 ? { time: t } : {}), ...(f & 4 ? { type: 6 } : {}) };
      const bytes = encodeTemperatureMeasurement(frame);
      expect(decodeTemperatureMeasurement(bytes)).toMatchObject({ value: frame.value, unit: frame.unit });
      for (let n = 0; n < bytes.length; n++) expect(() => decodeTemperatureMeasurement(bytes.subarray(0, n))).toThrow(DecodeError);
      expect(() => decodeTemperatureMeasurement(Uint8Array.of(...bytes, 0))).toThrow(DecodeError);
    }
  });
});

describe('Weight Measurement 0x2A9D and Weight Scale Feature 0x2A9E', () => {
  it('decodes SI weight at 0.005 kg resolution', () => {
    // 14999 × 0.005 = 74.995 kg
    expect(decodeWeightMeasurement(hex('00 97 3a'))).toEqual({ unit: 'kg', weight: 74.995, readings: [{ metric: 'body-weight', value: 74.995, unit: 'kg', flags: [] }] });
  });

  it('decodes imperial weight, time, user, BMI and height', () => {
    // 165.35 lb, user 3, BMI 24.4, height 69.5 in
    const m = decodeWeightMeasurement(hex('0f 97 40 e9 07 0c 1f 17 3b 3b 03 f4 00 b7 02'));
    expect(m).toMatchObject({ unit: '[lb_av]', weight: 165.35, deviceTime: t, userId: 3, bmi: 24.4, height: 69.5, heightUnit: '[in_i]' });
    expect(m.readings.map((r) => [r.metric, r.value, r.unit])).toEqual([
      ['body-weight', 165.35, '[lb_av]'],
      ['bmi', 24.4, 'kg/m2'],
      ['body-height', 69.5, '[in_i]'],
    ]);
    expect(m.readings[0]).toMatchObject({ deviceTime: t, extra: { userId: 3 } });
  });

  it('decodes SI height at 0.001 m and "measurement unsuccessful"', () => {
    expect(decodeWeightMeasurement(hex('08 10 27 f4 00 d2 06'))).toMatchObject({ weight: 50, bmi: 24.4, height: 1.746, heightUnit: 'm' });
    const failed = decodeWeightMeasurement(hex('00 ff ff')).readings[0]!;
    expect(failed.value).toBeNaN();
    expect(failed.flags).toEqual(['not-a-number', 'measurement-unavailable']);
  });

  it('decodes the feature bits and their resolutions', () => {
    // time stamp + multiple users + BMI, weight resolution 0.05 kg (4), height 0.001 m (3)
    expect(decodeWeightScaleFeature(hex('a7 01 00 00'))).toEqual({
      timeStampSupported: true,
      multipleUsersSupported: true,
      bmiSupported: true,
      weightResolutionKg: 0.05,
      weightResolutionLb: 0.1,
      heightResolutionM: 0.001,
      heightResolutionIn: 0.1,
    });
    expect(decodeWeightScaleFeature(hex('00 00 00 00'))).toEqual({ timeStampSupported: false, multipleUsersSupported: false, bmiSupported: false });
    const kg = [0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005];
    kg.forEach((r, i) => expect(decodeWeightScaleFeature(encodeWeightScaleFeature({ timeStamp: false, multipleUsers: false, bmi: false, weightResolutionCode: i + 1, heightResolutionCode: 0 })).weightResolutionKg).toBe(r));
    expect(decodeWeightScaleFeature(encodeWeightScaleFeature({ timeStamp: false, multipleUsers: false, bmi: false, weightResolutionCode: 9, heightResolutionCode: 5 }))).not.toHaveProperty('weightResolutionKg');
    expect(() => decodeWeightScaleFeature(hex('00 00 00'))).toThrow(DecodeError);
    expect(() => decodeWeightScaleFeature(hex('00 00 00 00 00'))).toThrow(DecodeError);
  });

  it('carries the scale’s resolution with the weight when the feature is known', () => {
    const feature = decodeWeightScaleFeature(hex('a7 01 00 00'));
    expect(decodeWeightMeasurement(hex('00 10 27'), feature).readings[0]!.extra).toEqual({ weightResolution: 0.05 });
  });

  it('round-trips all flag combinations and rejects truncation', () => {
    for (let f = 0; f < 16; f++) {
      const frame = { unit: f & 1 ? ('lb' as const) : ('kg' as const), weight: f & 1 ? 200.01 : 80.005, ...(f & 2 ? { time: t } : {}), ...(f & 4 ? { userId: 0 } : {}), ...(f & 8 ? { bmiAndHeight: { bmi: 22.5, height: f & 1 ? 70.1 : 1.801 } } : {}) };
      const bytes = encodeWeightMeasurement(frame);
      const m = decodeWeightMeasurement(bytes);
      expect(m.weight).toBe(frame.weight);
      expect(m.height).toBe(frame.bmiAndHeight?.height);
      for (let n = 0; n < bytes.length; n++) expect(() => decodeWeightMeasurement(bytes.subarray(0, n))).toThrow(DecodeError);
    }
  });
});
