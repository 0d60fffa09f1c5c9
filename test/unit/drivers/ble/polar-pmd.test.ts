import { describe, expect, it } from 'vitest';
import { decodePmdCommand, decodePmdControlResponse, decodePmdEcgFrame, encodePmdControlResponse, encodePmdEcgFrame, startEcgCommand, stopEcgCommand } from '../../../../electron/devices/drivers/ble/polar-pmd';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { hex, toHex } from './hex';

describe('Polar PMD (H10 ECG)', () => {
  it('builds the start-ECG command of the Polar SDK: 130 Hz, 14 bit', () => {
    expect(toHex(startEcgCommand())).toBe('02 00 00 01 82 00 01 01 0e 00');
    expect(toHex(stopEcgCommand())).toBe('03 00');
    expect(decodePmdCommand(startEcgCommand())).toEqual({ op: 'start', measurementType: 0, settings: { sampleRate: [130], resolution: [14] } });
  });

  it('decodes an ECG frame: type 0, 8-byte ns timestamp, frame type 0, signed 24-bit µV samples', () => {
    const f = decodePmdEcgFrame(hex('00 00 e4 0b 54 02 00 00 0c 00 64 00 00 9c ff ff ff ff 7f 00 00 80'));
    expect(f.timestampNs).toBe(0x0c0000_02540be400n);
    expect(Array.from(f.samplesUv)).toEqual([100, -100, 8388607, -8388608]);
    expect(decodePmdEcgFrame(hex('00 00 00 00 00 00 00 00 00 00')).samplesUv).toHaveLength(0);
  });

  it('round-trips frames with timestamps beyond 2^53', () => {
    const frame = { timestampNs: 0xffff_ffff_ffff_fff0n, samplesUv: Int32Array.from([1, -2, 3, 400, -5000]) };
    const back = decodePmdEcgFrame(encodePmdEcgFrame(frame));
    expect(back.timestampNs).toBe(frame.timestampNs);
    expect(back.samplesUv).toEqual(frame.samplesUv);
  });

  it('refuses other measurement types, compressed frames and partial samples', () => {
    expect(() => decodePmdEcgFrame(hex('02 00 00 00 00 00 00 00 00 00'))).toThrow(/not ECG/);
    expect(() => decodePmdEcgFrame(hex('00 00 00 00 00 00 00 00 00 80'))).toThrow(/compressed/);
    expect(() => decodePmdEcgFrame(hex('00 00 00 00 00 00 00 00 00 01'))).toThrow(/frame type 1/);
    expect(() => decodePmdEcgFrame(hex('00 00 00 00 00 00 00 00 00 00 01 02'))).toThrow(/whole 3-byte/);
    expect(() => decodePmdEcgFrame(hex('00 00 00 00'))).toThrow(DecodeError);
  });

  it('decodes control point responses: success, errors, settings', () => {
    expect(decodePmdControlResponse(hex('f0 02 00 00 00'))).toEqual({ op: 'start', opCode: 2, measurementType: 0, status: 'success', statusCode: 0, more: false, settings: {} });
    expect(decodePmdControlResponse(hex('f0 02 00 06'))).toMatchObject({ status: 'already-in-state', more: false });
    expect(decodePmdControlResponse(hex('f0 02 00 0d 00'))).toMatchObject({ status: 'device-in-charger' });
    expect(decodePmdControlResponse(hex('f0 02 00 2a 00'))).toMatchObject({ status: 'reserved', statusCode: 42 });
    expect(decodePmdControlResponse(hex('f0 01 00 00 00 00 01 82 00 01 01 0e 00'))).toMatchObject({ op: 'get-settings', settings: { sampleRate: [130], resolution: [14] } });
    const built = encodePmdControlResponse({ opCode: 1, measurementType: 0, status: 'success', statusCode: 0, more: true, settings: { sampleRate: [130], factor: [0.5] } });
    expect(decodePmdControlResponse(built)).toMatchObject({ more: true, settings: { sampleRate: [130], factor: [0.5] } });
    expect(() => decodePmdControlResponse(hex('0f 02 00 00'))).toThrow(/starts with 0xF0/);
    expect(() => decodePmdControlResponse(hex('f0 01 00 00 00 09 01 00 00'))).toThrow(/setting type 9/);
    expect(() => decodePmdControlResponse(hex('f0 01 00 00 00 00 02 82 00'))).toThrow(DecodeError);
  });
});
