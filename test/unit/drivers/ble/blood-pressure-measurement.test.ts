import { describe, expect, it } from 'vitest';
import { decodeBloodPressureMeasurement } from '../../../../electron/devices/drivers/ble/blood-pressure-measurement';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { encodeBloodPressureMeasurement } from '../../../../native/simulators/ble/frames';
import { hex } from './hex';

const t = { year: 2026, month: 3, day: 14, hours: 8, minutes: 5, seconds: 9 };

describe('Blood Pressure Measurement 0x2A35', () => {
  it('decodes the minimal mmHg frame: 120/80, mean 93', () => {
    const m = decodeBloodPressureMeasurement(hex('00 78 00 50 00 5d 00'));
    expect(m).toMatchObject({ unit: 'mm[Hg]', systolic: 120, diastolic: 80, meanArterial: 93 });
    expect(m.readings).toEqual([
      { metric: 'blood-pressure-systolic', value: 120, unit: 'mm[Hg]', flags: [] },
      { metric: 'blood-pressure-diastolic', value: 80, unit: 'mm[Hg]', flags: [] },
      { metric: 'blood-pressure-mean', value: 93, unit: 'mm[Hg]', flags: [] },
    ]);
  });

  it('decodes the full frame: kPa, time stamp, pulse, user, status bits', () => {
    // 16.0/10.7/12.4 kPa (exponent -1), 2026-03-14 08:05:09, pulse 72, user 2, status 0x0025.
    const m = decodeBloodPressureMeasurement(hex('1f a0 f0 6b f0 7c f0 ea 07 03 0e 08 05 09 48 00 02 25 00'));
    expect(m).toMatchObject({ unit: 'kPa', systolic: 16, diastolic: 10.7, meanArterial: 12.4, deviceTime: t, pulseRate: 72, userId: 2, measurementStatus: 0x25 });
    const sys = m.readings[0]!;
    expect(sys).toMatchObject({ unit: 'kPa', deviceTime: t, flags: ['body-movement', 'irregular-pulse', 'improper-position'] });
    expect(sys.extra).toMatchObject({ userId: 2, measurementStatusBits: 'body-movement,irregular-pulse,improper-position' });
    expect(m.readings[3]).toMatchObject({ metric: 'pulse-rate', value: 72, unit: '/min' });
  });

  it('maps each status bit and the pulse-rate range field', () => {
    const flagsOf = (status: number) => decodeBloodPressureMeasurement(encodeBloodPressureMeasurement({ unit: 'mmHg', systolic: 1, diastolic: 1, meanArterial: 1, measurementStatus: status })).readings[0]!;
    expect(flagsOf(0x01).flags).toEqual(['body-movement']);
    expect(flagsOf(0x02).flags).toEqual(['cuff-fit-loose']);
    expect(flagsOf(0x04).flags).toEqual(['irregular-pulse']);
    expect(flagsOf(0x08)).toMatchObject({ flags: ['pulse-rate-out-of-range'], extra: { pulseRateRange: 'above-upper-limit' } });
    expect(flagsOf(0x10)).toMatchObject({ flags: ['pulse-rate-out-of-range'], extra: { pulseRateRange: 'below-lower-limit' } });
    expect(flagsOf(0x18).flags).toEqual([]); // range value 3 is reserved
    expect(flagsOf(0x20).flags).toEqual(['improper-position']);
    expect(flagsOf(0x0000).flags).toEqual([]);
  });

  it('leaves out the "unknown user" id 0xFF and an unknown time stamp', () => {
    const m = decodeBloodPressureMeasurement(encodeBloodPressureMeasurement({ unit: 'mmHg', systolic: 1, diastolic: 1, meanArterial: 1, userId: 0xff }));
    expect(m.userId).toBeUndefined();
    const z = decodeBloodPressureMeasurement(hex('02 78 00 50 00 5d 00 00 00 00 00 00 00 00'));
    expect(z.deviceTime).toBeUndefined();
  });

  it('keeps special values as NaN with their flag', () => {
    const m = decodeBloodPressureMeasurement(hex('00 78 00 50 00 ff 07'));
    expect(m.readings[2]).toMatchObject({ metric: 'blood-pressure-mean', flags: ['not-a-number'] });
    expect(m.readings[2]!.value).toBeNaN();
  });

  it('round-trips all 32 flag combinations', () => {
    for (let f = 0; f < 32; f++) {
      const frame = {
        unit: f & 1 ? ('kPa' as const) : ('mmHg' as const),
        exponent: f & 1 ? -1 : 0,
        systolic: f & 1 ? 17.3 : 131,
        diastolic: f & 1 ? 11.1 : 85,
        meanArterial: f & 1 ? 13.2 : 100,
        ...(f & 2 ? { time: t } : {}),
        ...(f & 4 ? { pulseRate: 64 } : {}),
        ...(f & 8 ? { userId: 1 } : {}),
        ...(f & 16 ? { measurementStatus: 0x02 } : {}),
      };
      const m = decodeBloodPressureMeasurement(encodeBloodPressureMeasurement(frame));
      expect(m.systolic).toBe(frame.systolic);
      expect(m.readings).toHaveLength(f & 4 ? 4 : 3);
      expect(m.deviceTime).toEqual(frame.time);
      expect(m.userId).toBe(frame.userId);
      expect(m.readings[0]!.flags).toEqual(f & 16 ? ['cuff-fit-loose'] : []);
    }
  });

  it('rejects truncated, over-long and impossible dates', () => {
    const full = hex('1f a0 f0 6b f0 7c f0 ea 07 03 0e 08 05 09 48 00 02 25 00');
    for (let n = 0; n < full.length; n++) expect(() => decodeBloodPressureMeasurement(full.subarray(0, n))).toThrow(DecodeError);
    expect(() => decodeBloodPressureMeasurement(hex('00 78 00 50 00 5d 00 00'))).toThrow(/unexpected byte/);
    expect(() => decodeBloodPressureMeasurement(hex('02 78 00 50 00 5d 00 ea 07 02 1e 08 05 09'))).toThrow(/does not exist/); // 30 February
    expect(() => decodeBloodPressureMeasurement(hex('02 78 00 50 00 5d 00 ea 07 02 01 18 05 09'))).toThrow(/not a valid date/); // hour 24
  });
});
