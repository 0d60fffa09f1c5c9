import { describe, expect, it } from 'vitest';
import { asciiBytes } from '../../../../electron/devices/drivers/contour/ascii';
import { AstmRecordAssembler, decodeAstmFrame, encodeAstmFrame } from '../../../../electron/devices/drivers/contour/astm-frame';
import { parseContourRecord, parseHeaderRecord, parseResultRecord, resultToReading } from '../../../../electron/devices/drivers/contour/astm-records';
import { decodeContourFrame } from '../../../../electron/devices/drivers/contour/frame-codec';
import { decodeContourReport, encodeContourReports } from '../../../../electron/devices/drivers/contour/hid-report';
import { DecodeError } from '../../../../electron/devices/drivers/types';

// Header frame of a Contour USB (Bayer7390) as captured in glucometerutils'
// glucometerutils/drivers/tests/test_contourusb.py (MIT): frame 1, ETB, checksum D7.
const HEADER_TEXT =
  'H|\\^&||7w3LBL|Bayer7390^01.24\\01.04\\09.02.20^7390-2336773^7403-|A=1^C=63^G=1^I=0200^R=0^S=1^U=0^V=10600^X=070070070070180130150250^Y=360126090050099050300089^Z=1|1714||||||1|201909221304';
const HEADER_FRAME = asciiBytes(`\x021${HEADER_TEXT}\r\x17D7\r\n`);
// Result frame quoted in Tidepool Uploader's lib/drivers/bayer/bayerContourNext.js (BSD-2):
// <STX>5R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150<CR><ETB>74<CR><LF>
const RESULT_FRAME = asciiBytes('\x025R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r\x1774\r\n');

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

describe('ASTM E1381 frames', () => {
  it('decodes the published header frame and verifies its checksum', () => {
    const f = decodeAstmFrame(HEADER_FRAME);
    expect(f).toMatchObject({ frameNumber: 1, final: false, checksum: 'D7' });
    expect(f.text).toBe(`${HEADER_TEXT}\r`);
  });

  it('decodes the published result frame (checksum 74)', () => {
    const f = decodeAstmFrame(RESULT_FRAME);
    expect(f).toMatchObject({ frameNumber: 5, final: false, checksum: '74' });
  });

  it('encodes frames byte for byte as the meter does', () => {
    expect(encodeAstmFrame(1, `${HEADER_TEXT}\r`, false)).toEqual(HEADER_FRAME);
    expect(encodeAstmFrame(5, 'R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r', false)).toEqual(RESULT_FRAME);
    const last = encodeAstmFrame(0, 'L|1||N\r', true);
    expect(decodeAstmFrame(last)).toMatchObject({ frameNumber: 0, final: true, text: 'L|1||N\r' });
  });

  it('rejects a wrong checksum, a bad frame number, truncation and stray control bytes', () => {
    const bad = RESULT_FRAME.slice();
    bad[bad.length - 3] = 0x35; // '74' → '75'
    expect(decodeError(() => decodeAstmFrame(bad)).code).toBe('bad-checksum');
    const fn = RESULT_FRAME.slice();
    fn[1] = 0x38; // '8' is no E1381 frame number
    expect(decodeError(() => decodeAstmFrame(fn)).code).toBe('bad-frame');
    expect(decodeError(() => decodeAstmFrame(RESULT_FRAME.subarray(0, RESULT_FRAME.length - 1))).code).toBe('bad-frame');
    expect(decodeError(() => decodeAstmFrame(RESULT_FRAME.subarray(0, 5))).code).toBe('too-short');
    const stray = encodeAstmFrame(2, 'R|1', true);
    stray[3] = 0x02;
    expect(decodeError(() => decodeAstmFrame(stray)).code).toBe('bad-frame');
    expect(decodeError(() => decodeAstmFrame(new Uint8Array(300).fill(0x41))).code).toBe('too-long');
    const lower = asciiBytes('\x025R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r\x177a\r\n');
    expect(decodeError(() => decodeAstmFrame(lower)).code).toBe('bad-frame');
  });

  it('joins a record split over ETB frames', () => {
    const record = `${HEADER_TEXT}\r`;
    const frames = [encodeAstmFrame(1, record.slice(0, 80), false), encodeAstmFrame(2, record.slice(80, 160), false), encodeAstmFrame(3, `${record.slice(160)}P|1\r`, true)];
    const a = new AstmRecordAssembler();
    expect(a.push(decodeAstmFrame(frames[0]!))).toEqual([]);
    expect(a.push(decodeAstmFrame(frames[1]!))).toEqual([]);
    expect(a.hasPending).toBe(true);
    expect(a.push(decodeAstmFrame(frames[2]!))).toEqual([HEADER_TEXT, 'P|1']);
    expect(decodeContourFrame(frames[0]!)).toMatchObject({ frameNumber: 1, end: 'ETB', records: [], continues: record.slice(0, 80) });
  });
});

describe('E1394 records of the Contour', () => {
  it('parses the published header: serial, model, versions, units, limits, record count, meter time', () => {
    const h = parseHeaderRecord(HEADER_TEXT);
    expect(h).toMatchObject({
      productCode: 'Bayer7390',
      model: 'Contour USB',
      serial: '7390-2336773',
      versions: ['01.24', '01.04', '09.02.20'],
      unit: 'mg/dL',
      limits: { low: 10, high: 600 },
      recordCount: 1714,
      meterTime: { year: 2019, month: 9, day: 22, hours: 13, minutes: 4, seconds: 0 },
    });
    expect(h.delimiters).toEqual({ field: '|', repeat: '\\', component: '^', escape: '&' });
    expect(h.settings.X).toBe('070070070070180130150250');
  });

  it('parses the published result record (glucometerutils test_contourusb.py) into a reading', () => {
    const r = parseResultRecord('R|8|^^^Glucose|133|mg/dL^P||B/X||201202052034');
    expect(r).toMatchObject({ sequence: 8, analyte: 'Glucose', value: 133, unit: 'mg/dL', referenceMethod: 'P', markers: ['B', 'X'] });
    expect(resultToReading(r)).toEqual({
      metric: 'glucose',
      value: 133,
      unit: 'mg/dL',
      sequence: 8,
      deviceTime: { year: 2012, month: 2, day: 5, hours: 20, minutes: 34, seconds: 0 },
      flags: [],
      extra: { markers: 'B/X', referenceMethod: 'P', meal: 'before-meal' },
    });
  });

  it('turns control solution and out-of-range markers into flags; mmol/L keeps decimals', () => {
    const control = resultToReading(parseResultRecord('R|9|^^^Glucose|5.4|mmol/L^P||C||201202052034'))!;
    expect(control).toMatchObject({ value: 5.4, unit: 'mmol/L', flags: ['control-solution'] });
    const high = resultToReading(parseResultRecord('R|10|^^^Glucose|600|mg/dL^P||>/A||201202052034'))!;
    expect(high).toMatchObject({ flags: ['value-out-of-range'], extra: { range: 'above', meal: 'after-meal' } });
  });

  it('reads a 14-digit time with seconds and refuses impossible dates and odd units', () => {
    expect(parseResultRecord('R|1|^^^Glucose|99|mg/dL^P||||20240229235959').deviceTime).toEqual({ year: 2024, month: 2, day: 29, hours: 23, minutes: 59, seconds: 59 });
    expect(decodeError(() => parseResultRecord('R|1|^^^Glucose|99|mg/dL^P||||202302291200')).code).toBe('bad-field');
    expect(decodeError(() => parseResultRecord('R|1|^^^Glucose|99|g/L^P||||202302281200')).code).toBe('unsupported');
    expect(decodeError(() => parseResultRecord('R|x|^^^Glucose|99|mg/dL^P||||202302281200')).code).toBe('bad-field');
    expect(decodeError(() => parseResultRecord('R|1|^^^Glucose|99')).code).toBe('too-short');
  });

  it('knows patient, terminator and other records; ignores other analytes', () => {
    expect(parseContourRecord('P|1')).toEqual({ kind: 'patient', sequence: 1 });
    expect(parseContourRecord('L|1||N')).toEqual({ kind: 'terminator', code: 'N' });
    expect(parseContourRecord('C|1|x')).toEqual({ kind: 'other', type: 'C' });
    expect(resultToReading(parseResultRecord('R|2|^^^Insulin|4|mg/dL^P||||202302281200'))).toBeNull();
  });

  it('decodes one frame for the contour-frame codec', () => {
    const d = decodeContourFrame(RESULT_FRAME);
    expect(d).toMatchObject({ frameNumber: 5, end: 'ETB', checksum: '74', checksumOk: true });
    expect(d.readings).toEqual([
      { metric: 'glucose', value: 93, unit: 'mg/dL', sequence: 3, deviceTime: { year: 2015, month: 5, day: 26, hours: 11, minutes: 50, seconds: 0 }, flags: [], extra: { markers: 'A/M0/T1', referenceMethod: 'P', meal: 'after-meal' } },
    ]);
  });
});

describe('Contour HID reports', () => {
  it('wraps a message in ABC + length reports and back', () => {
    const [report] = encodeContourReports(Uint8Array.of(0x06));
    expect(report!.length).toBe(64);
    expect([...report!.subarray(0, 5)]).toEqual([0x41, 0x42, 0x43, 1, 0x06]);
    expect(decodeContourReport(report!)).toEqual({ payload: Uint8Array.of(0x06), more: false });
  });

  it('spreads a long frame over several reports, closing an exact multiple with an empty one', () => {
    const reports = encodeContourReports(HEADER_FRAME);
    expect(reports.length).toBe(Math.ceil(HEADER_FRAME.length / 60));
    const joined = reports.map((r) => decodeContourReport(r));
    expect(joined.slice(0, -1).every((p) => p.more)).toBe(true);
    expect(joined.at(-1)!.more).toBe(false);
    expect(Uint8Array.from(joined.flatMap((p) => [...p.payload]))).toEqual(HEADER_FRAME);
    const exact = encodeContourReports(new Uint8Array(120).fill(0x41));
    expect(exact.map((r) => r[3])).toEqual([60, 60, 0]);
  });

  it('rejects impossible length bytes and short reports', () => {
    const r = new Uint8Array(64);
    r[3] = 61;
    expect(decodeError(() => decodeContourReport(r)).code).toBe('bad-frame');
    expect(decodeError(() => decodeContourReport(Uint8Array.of(0x41, 0x42))).code).toBe('too-short');
    expect(decodeError(() => decodeContourReport(Uint8Array.of(0x41, 0x42, 0x43, 5, 1))).code).toBe('too-short');
  });
});
