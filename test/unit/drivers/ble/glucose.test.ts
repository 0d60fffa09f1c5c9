import { describe, expect, it } from 'vitest';
import { decodeGlucoseContext } from '../../../../electron/devices/drivers/ble/glucose-context';
import { decodeGlucoseMeasurement } from '../../../../electron/devices/drivers/ble/glucose-measurement';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { encodeGlucoseContext, encodeGlucoseMeasurement } from '../../../../native/simulators/ble/frames';
import { hex } from './hex';

const base = { year: 2026, month: 5, day: 31, hours: 23, minutes: 50, seconds: 0 };

describe('Glucose Measurement 0x2A18', () => {
  it('decodes a kg/L record into mg/dL (×100000) with time offset across midnight', () => {
    // flags 0x03, seq 7, 2026-05-31 23:50:00, +15 min, 0xB050 = 80e-5 kg/L, capillary whole blood at the finger
    const m = decodeGlucoseMeasurement(hex('03 07 00 ea 07 05 1f 17 32 00 0f 00 50 b0 11'));
    expect(m).toMatchObject({ sequence: 7, baseTime: base, timeOffsetMinutes: 15, value: 80, unit: 'mg/dL', type: 'capillary-whole-blood', sampleLocation: 'finger', contextFollows: false });
    expect(m.deviceTime).toEqual({ year: 2026, month: 6, day: 1, hours: 0, minutes: 5, seconds: 0 });
    expect(m.readings).toEqual([
      {
        metric: 'glucose',
        value: 80,
        unit: 'mg/dL',
        sequence: 7,
        deviceTime: { year: 2026, month: 6, day: 1, hours: 0, minutes: 5, seconds: 0 },
        flags: [],
        extra: { timeOffsetMinutes: 15, type: 'capillary-whole-blood', sampleLocation: 'finger' },
      },
    ]);
  });

  it('decodes mol/L into mmol/L (×1000) and a negative time offset', () => {
    const m = decodeGlucoseMeasurement(hex('07 08 00 ea 07 05 1f 17 32 00 c4 ff 35 c0 12'));
    expect(m).toMatchObject({ value: 5.3, unit: 'mmol/L', timeOffsetMinutes: -60, type: 'capillary-plasma', sampleLocation: 'finger' });
    expect(m.deviceTime).toEqual({ ...base, hours: 22 });
  });

  it('maps the sensor status annunciation bits and control solution', () => {
    const flags = (status: number, type = 1, loc = 1) =>
      decodeGlucoseMeasurement(encodeGlucoseMeasurement({ sequence: 1, baseTime: base, concentration: { value: 100, unit: 'mg/dL' }, type, sampleLocation: loc, sensorStatus: status })).readings[0]!.flags;
    const expected = ['battery-low', 'sensor-malfunction', 'questionable', 'device-error', 'device-error', 'value-out-of-range', 'value-out-of-range', 'questionable', 'questionable', 'device-error', 'device-error', 'clock-not-set'];
    expected.forEach((flag, bit) => expect(flags(1 << bit)).toEqual([flag]));
    expect(flags(0xf000)).toEqual([]); // reserved bits
    expect(flags(0, 10)).toEqual(['control-solution']);
    expect(flags(0, 1, 4)).toEqual(['control-solution']);
    expect(decodeGlucoseMeasurement(encodeGlucoseMeasurement({ sequence: 1, baseTime: base, concentration: { value: 1, unit: 'mg/dL' }, sensorStatus: 0x0060 })).readings[0]!.extra).toMatchObject({
      sensorStatus: 0x60,
      sensorStatusBits: 'result-above-range,result-below-range',
    });
  });

  it('gives no reading for a record without concentration, and no time for an unknown base time', () => {
    const m = decodeGlucoseMeasurement(encodeGlucoseMeasurement({ sequence: 9, contextFollows: true }));
    expect(m).toMatchObject({ sequence: 9, contextFollows: true, readings: [] });
    expect(m.deviceTime).toBeUndefined();
  });

  it('round-trips all 32 flag combinations and rejects every truncation', () => {
    for (let f = 0; f < 32; f++) {
      const frame = {
        sequence: 65535,
        baseTime: base,
        ...(f & 1 ? { timeOffsetMinutes: -32768 } : {}),
        ...(f & 2 ? { concentration: f & 4 ? { value: 33.3, unit: 'mmol/L' as const } : { value: 600, unit: 'mg/dL' as const }, type: 9, sampleLocation: 15 } : {}),
        ...(f & 8 ? { sensorStatus: 0x0800 } : {}),
        ...(f & 16 ? { contextFollows: true } : {}),
      };
      const bytes = encodeGlucoseMeasurement(frame);
      const m = decodeGlucoseMeasurement(bytes);
      expect(m.sequence).toBe(65535);
      expect(m.value).toBe(frame.concentration?.value);
      expect(m.contextFollows).toBe(Boolean(f & 16));
      if (f & 2) expect(m.readings[0]).toMatchObject({ extra: { type: 'interstitial-fluid', sampleLocation: 'not-available' } });
      for (let n = 0; n < bytes.length; n++) expect(() => decodeGlucoseMeasurement(bytes.subarray(0, n))).toThrow(DecodeError);
      expect(() => decodeGlucoseMeasurement(Uint8Array.of(...bytes, 1))).toThrow(DecodeError);
    }
  });
});

describe('Glucose Measurement Context 0x2A34', () => {
  it('decodes every field into extra', () => {
    // carbs breakfast 0.05 kg, preprandial, self/no health issues, exercise 1800 s at 50 %, rapid insulin 4.5 mg (45e-7 kg), HbA1c 6.2 %
    const c = decodeGlucoseContext(hex('df 07 00 00 01 32 d0 01 51 08 07 32 01 2d 90 3e f0'));
    expect(c).toEqual({
      sequence: 7,
      extra: {
        extendedFlags: 0,
        carbohydrate: 'breakfast',
        carbohydrateG: 50,
        meal: 'preprandial',
        tester: 'self',
        health: 'no-health-issues',
        exerciseDurationS: 1800,
        exerciseIntensityPct: 50,
        medication: 'rapid-acting-insulin',
        medicationMg: 4.5,
        hba1cPct: 6.2,
      },
    });
  });

  it('reads medication in litres when bit 5 is set, exercise overrun and reserved codes', () => {
    const c = decodeGlucoseContext(encodeGlucoseContext({ sequence: 2, medication: { id: 9, amount: 0.5, unit: 'mL' }, exercise: { durationS: 0xffff, intensityPct: 100 }, meal: 0 }));
    expect(c.extra).toEqual({ meal: 'reserved-0', exerciseDurationOverrun: true, exerciseIntensityPct: 100, medication: 'reserved-9', medicationMl: 0.5 });
  });

  it('round-trips every presence combination and rejects every truncation', () => {
    for (let f = 0; f < 128; f++) {
      const frame = {
        sequence: f,
        ...(f & 64 ? { extendedFlags: 0 } : {}),
        ...(f & 1 ? { carbohydrate: { id: 3, grams: 75 } } : {}),
        ...(f & 2 ? { meal: 5 } : {}),
        ...(f & 4 ? { testerHealth: { tester: 2, health: 3 } } : {}),
        ...(f & 8 ? { exercise: { durationS: 600, intensityPct: 20 } } : {}),
        ...(f & 16 ? { medication: { id: 4, amount: f & 32 ? 1.5 : 12, unit: f & 32 ? ('mL' as const) : ('mg' as const) } } : {}),
        ...(f & 32 ? { hba1cPct: 7.1 } : {}),
      };
      const bytes = encodeGlucoseContext(frame);
      const c = decodeGlucoseContext(bytes);
      expect(c.sequence).toBe(f);
      if (f & 1) expect(c.extra).toMatchObject({ carbohydrate: 'dinner', carbohydrateG: 75 });
      if (f & 4) expect(c.extra).toMatchObject({ tester: 'health-care-professional', health: 'during-menses' });
      if (f & 16) expect(c.extra).toMatchObject(f & 32 ? { medicationMl: 1.5 } : { medicationMg: 12 });
      if (f & 32) expect(c.extra.hba1cPct).toBe(7.1);
      for (let n = 0; n < bytes.length; n++) expect(() => decodeGlucoseContext(bytes.subarray(0, n))).toThrow(DecodeError);
    }
  });
});
