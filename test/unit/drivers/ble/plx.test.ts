import { describe, expect, it } from 'vitest';
import { decodePlxContinuous } from '../../../../electron/devices/drivers/ble/plx-continuous';
import { decodePlxSpotCheck } from '../../../../electron/devices/drivers/ble/plx-spot-check';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { encodePlxContinuous, encodePlxSpotCheck } from '../../../../native/simulators/ble/frames';
import { hex } from './hex';

const t = { year: 2026, month: 1, day: 2, hours: 23, minutes: 59, seconds: 58 };

describe('PLX Spot-Check Measurement 0x2A5E', () => {
  it('decodes the minimal frame: SpO2 97 %, pulse 64 /min', () => {
    const m = decodePlxSpotCheck(hex('00 61 00 40 00'));
    expect(m).toMatchObject({ spo2: 97, pulseRate: 64, clockNotSet: false });
    expect(m.readings).toEqual([
      { metric: 'spo2', value: 97, unit: '%', flags: [] },
      { metric: 'pulse-rate', value: 64, unit: '/min', flags: [] },
    ]);
  });

  it('decodes every optional field with status bits as flags', () => {
    // timestamp, measurement status 0x4080 (validated, questionable), device status 0x000820 (low perfusion, sensor unconnected), PAI 2.5 %, clock not set
    const m = decodePlxSpotCheck(hex('1f 5f 00 48 00 ea 07 01 02 17 3b 3a 80 40 20 08 00 19 f0'));
    expect(m).toMatchObject({ spo2: 95, pulseRate: 72, deviceTime: t, measurementStatus: 0x4080, deviceSensorStatus: 0x0820, pulseAmplitudeIndex: 2.5, clockNotSet: true });
    expect(m.readings.map((r) => r.metric)).toEqual(['spo2', 'pulse-rate', 'perfusion-index']);
    expect(m.readings[0]!.flags).toEqual(['validated', 'questionable', 'low-perfusion', 'sensor-contact-lost', 'clock-not-set']);
    expect(m.readings[0]!.extra).toMatchObject({ measurementStatusBits: 'validated-data,questionable-measurement', deviceSensorStatusBits: 'low-perfusion,sensor-unconnected-to-user' });
    expect(m.readings[2]).toMatchObject({ metric: 'perfusion-index', value: 2.5, unit: '%', deviceTime: t });
  });

  it('maps each measurement-status and device-status bit', () => {
    const flags = (ms?: number, ds?: number) => decodePlxSpotCheck(encodePlxSpotCheck({ spo2: 99, pulseRate: 60, ...(ms !== undefined ? { measurementStatus: ms } : {}), ...(ds !== undefined ? { deviceSensorStatus: ds } : {}) })).readings[0]!.flags;
    const ms = [[5, 'measurement-ongoing'], [6, 'early-estimate'], [7, 'validated'], [10, 'demonstration-data'], [11, 'testing-data'], [12, 'calibration-ongoing'], [13, 'measurement-unavailable'], [14, 'questionable'], [15, 'invalid']] as const;
    for (const [bit, flag] of ms) expect(flags(1 << bit)).toEqual([flag]);
    for (const bit of [0, 1, 2, 3, 4, 8, 9]) expect(flags(1 << bit)).toEqual([]);
    const ds = [[1, 'device-error'], [2, 'questionable'], [3, 'signal-weak'], [4, 'signal-weak'], [5, 'low-perfusion'], [6, 'questionable'], [7, 'signal-weak'], [8, 'questionable'], [9, 'measurement-ongoing'], [10, 'questionable'], [11, 'sensor-contact-lost'], [12, 'device-error'], [13, 'improper-position'], [14, 'sensor-malfunction'], [15, 'sensor-contact-lost']] as const;
    for (const [bit, flag] of ds) expect(flags(undefined, 1 << bit)).toEqual([flag]);
    expect(flags(undefined, 0xff0001)).toEqual([]); // display update and reserved bits raise nothing
  });

  it('round-trips all 32 flag combinations and rejects every truncation', () => {
    for (let f = 0; f < 32; f++) {
      const frame = {
        spo2: 93,
        pulseRate: 101,
        ...(f & 1 ? { time: t } : {}),
        ...(f & 2 ? { measurementStatus: 0x0020 } : {}),
        ...(f & 4 ? { deviceSensorStatus: 0x004000 } : {}),
        ...(f & 8 ? { pulseAmplitudeIndex: 0.7 } : {}),
        ...(f & 16 ? { clockNotSet: true } : {}),
      };
      const bytes = encodePlxSpotCheck(frame);
      const m = decodePlxSpotCheck(bytes);
      expect(m.deviceTime).toEqual(frame.time);
      expect(m.pulseAmplitudeIndex).toBe(frame.pulseAmplitudeIndex);
      expect(m.clockNotSet).toBe(Boolean(f & 16));
      for (let n = 0; n < bytes.length; n++) expect(() => decodePlxSpotCheck(bytes.subarray(0, n))).toThrow(DecodeError);
      expect(() => decodePlxSpotCheck(Uint8Array.of(...bytes, 0))).toThrow(DecodeError);
    }
  });
});

describe('PLX Continuous Measurement 0x2A5F', () => {
  it('decodes the minimal frame (normal averaging only)', () => {
    const m = decodePlxContinuous(hex('00 62 00 3c 00'));
    expect(m).toMatchObject({ normal: { spo2: 98, pulseRate: 60 } });
    expect(m.readings[0]).toEqual({ metric: 'spo2', value: 98, unit: '%', flags: [], extra: { averaging: 'normal' } });
  });

  it('decodes fast and slow averagings, status fields and PAI', () => {
    const m = decodePlxContinuous(hex('1f 62 00 3c 00 61 00 3e 00 63 00 3b 00 20 00 08 00 00 0c f0'));
    expect(m).toMatchObject({ normal: { spo2: 98, pulseRate: 60 }, fast: { spo2: 97, pulseRate: 62 }, slow: { spo2: 99, pulseRate: 59 }, measurementStatus: 0x20, deviceSensorStatus: 0x08, pulseAmplitudeIndex: 1.2 });
    expect(m.readings.map((r) => `${r.metric}:${r.extra?.averaging ?? '-'}`)).toEqual(['spo2:normal', 'pulse-rate:normal', 'spo2:fast', 'pulse-rate:fast', 'spo2:slow', 'pulse-rate:slow', 'perfusion-index:-']);
    expect(m.readings[0]!.flags).toEqual(['measurement-ongoing', 'signal-weak']);
  });

  it('round-trips all 32 flag combinations and rejects every truncation', () => {
    for (let f = 0; f < 32; f++) {
      const frame = {
        normal: { spo2: 96, pulseRate: 70 },
        ...(f & 1 ? { fast: { spo2: 95, pulseRate: 72 } } : {}),
        ...(f & 2 ? { slow: { spo2: 97, pulseRate: 69 } } : {}),
        ...(f & 4 ? { measurementStatus: 0x8000 } : {}),
        ...(f & 8 ? { deviceSensorStatus: 0x000020 } : {}),
        ...(f & 16 ? { pulseAmplitudeIndex: 3.3 } : {}),
      };
      const bytes = encodePlxContinuous(frame);
      const m = decodePlxContinuous(bytes);
      expect(m.fast).toEqual(frame.fast);
      expect(m.slow).toEqual(frame.slow);
      expect(m.measurementStatus).toBe(frame.measurementStatus);
      expect(m.deviceSensorStatus).toBe(frame.deviceSensorStatus);
      for (let n = 0; n < bytes.length; n++) expect(() => decodePlxContinuous(bytes.subarray(0, n))).toThrow(DecodeError);
    }
  });

  it('keeps NRes SpO2 as NaN flagged not-at-this-resolution', () => {
    const r = decodePlxContinuous(hex('00 00 08 3c 00')).readings[0]!;
    expect(r.value).toBeNaN();
    expect(r.flags).toEqual(['not-at-this-resolution']);
  });
});
