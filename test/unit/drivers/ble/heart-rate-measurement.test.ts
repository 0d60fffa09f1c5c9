import { describe, expect, it } from 'vitest';
import { decodeHeartRateMeasurement } from '../../../../electron/devices/drivers/ble/heart-rate-measurement';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { encodeHeartRateMeasurement } from '../../../../native/simulators/ble/frames';
import { hex } from './hex';

describe('Heart Rate Measurement 0x2A37', () => {
  it('decodes a Polar strap notification: flags 0x16, 77 bpm, one RR of 790/1024 s', () => {
    // Bytes [22, 77, 22, 3] as captured from a Polar H7 (a widely quoted public example).
    const m = decodeHeartRateMeasurement(Uint8Array.of(22, 77, 22, 3));
    expect(m).toMatchObject({ heartRate: 77, sensorContact: 'detected', rrIntervalsMs: [771.484375] });
    expect(m.readings).toEqual([
      { metric: 'heart-rate', value: 77, unit: '/min', flags: [], extra: { sensorContact: 'detected' } },
      { metric: 'rr-interval', value: 771.484375, unit: 'ms', flags: [], extra: { index: 0 } },
    ]);
  });

  it('decodes the minimal frame (uint8 rate, nothing else)', () => {
    expect(decodeHeartRateMeasurement(hex('00 48'))).toMatchObject({ heartRate: 72, sensorContact: 'not-supported', rrIntervalsMs: [] });
  });

  it('reads the uint16 format, energy expended and several RR intervals, oldest first', () => {
    const m = decodeHeartRateMeasurement(hex('19 2c 01 10 27 00 04 00 02'));
    expect(m).toMatchObject({ heartRate: 300, energyExpendedKj: 10000, rrIntervalsMs: [1000, 500] });
    expect(m.readings.map((r) => r.metric)).toEqual(['heart-rate', 'energy-expended', 'rr-interval', 'rr-interval']);
    expect(m.readings[1]).toMatchObject({ value: 10000, unit: 'kJ' });
  });

  it('flags every reading of a frame whose sensor lost contact', () => {
    const m = decodeHeartRateMeasurement(hex('14 50 00 04'));
    expect(m.sensorContact).toBe('not-detected');
    expect(m.readings.every((r) => r.flags.includes('sensor-contact-lost'))).toBe(true);
    // Bit 1 without bit 2: contact status not supported, whatever bit 1 says.
    expect(decodeHeartRateMeasurement(hex('02 50')).sensorContact).toBe('not-supported');
  });

  it('marks a saturated energy counter', () => {
    expect(decodeHeartRateMeasurement(hex('08 50 ff ff')).readings[1]).toMatchObject({ value: 65535, extra: { saturated: true } });
  });

  it('round-trips every flag combination through the simulator encoder', () => {
    for (let flags = 0; flags < 32; flags++) {
      const frame = {
        heartRate: flags & 1 ? 260 : 61,
        uint16: (flags & 1) === 1,
        sensorContact: (['not-supported', 'not-detected', 'detected', 'not-supported'] as const)[(flags >> 1) & 3],
        ...(flags & 8 ? { energyExpendedKj: 1234 } : {}),
        ...(flags & 16 ? { rrIntervals1024: [1024, 512, 2048] } : {}),
      };
      const m = decodeHeartRateMeasurement(encodeHeartRateMeasurement(frame));
      expect(m.heartRate).toBe(frame.heartRate);
      expect(m.sensorContact).toBe(frame.sensorContact);
      expect(m.energyExpendedKj).toBe(frame.energyExpendedKj);
      expect(m.rrIntervalsMs).toEqual(flags & 16 ? [1000, 500, 2000] : []);
    }
  });

  it('rejects truncated, odd-length and over-long values with typed errors', () => {
    const code = (b: Uint8Array) => {
      try {
        decodeHeartRateMeasurement(b);
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return (e as DecodeError).code;
      }
    };
    expect(code(hex(''))).toBe('too-short');
    expect(code(hex('00'))).toBe('too-short');
    expect(code(hex('01 48'))).toBe('too-short');
    expect(code(hex('08 48 01'))).toBe('too-short');
    expect(code(hex('10 48 01'))).toBe('bad-frame');
    expect(code(hex('00 48 00'))).toBe('too-long');
  });
});
