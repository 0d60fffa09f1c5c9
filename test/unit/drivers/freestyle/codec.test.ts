import { describe, expect, it } from 'vitest';
import { asciiBytes } from '../../../../electron/devices/drivers/freestyle/ascii';
import { encodeTextCommand, parseMeterClock, setDateCommand, setTimeCommand } from '../../../../electron/devices/drivers/freestyle/commands';
import { decodeFreeStyleReport, encodeFreeStyleReport } from '../../../../electron/devices/drivers/freestyle/hid-message';
import { parseReadingRecord, recordSequence } from '../../../../electron/devices/drivers/freestyle/records';
import { decodeFreeStyleReply } from '../../../../electron/devices/drivers/freestyle/reply-codec';
import { encodeTextReply, isReplyComplete, parseMultiRecords, parseTextReply, splitCsv } from '../../../../electron/devices/drivers/freestyle/text-reply';
import { DecodeError } from '../../../../electron/devices/drivers/types';

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

describe('FreeStyle HID reports', () => {
  it('builds the outgoing message of glucometerutils test_freestyle.py (type 0x17, "command"), without the report-id byte', () => {
    const report = encodeFreeStyleReport(0x17, asciiBytes('command'));
    expect(report.length).toBe(64);
    expect([...report.subarray(0, 9)]).toEqual([0x17, 0x07, ...'command'.split('').map((c) => c.charCodeAt(0))]);
    expect(report.subarray(9).every((b) => b === 0)).toBe(true);
  });

  it('reads the documented init reply and error reply (shared-hid-protocol.md)', () => {
    expect(decodeFreeStyleReport(Uint8Array.of(0x71, 0x01, 0x01, 0, 0))).toEqual({ type: 0x71, payload: Uint8Array.of(0x01) });
    expect(decodeFreeStyleReport(Uint8Array.of(0x30, 0x01, 0x85))).toEqual({ type: 0x30, payload: Uint8Array.of(0x85) });
  });

  it('encodes text commands as 0x60 reports and refuses what is not one', () => {
    const r = encodeTextCommand('$serlnum?');
    expect([r[0], r[1]]).toEqual([0x60, 9]);
    expect(() => encodeTextCommand('serlnum?')).toThrow(RangeError);
    expect(setDateCommand({ year: 2026, month: 4, day: 7, hours: 8, minutes: 5, seconds: 0 })).toBe('$date,4,7,26');
    expect(setTimeCommand({ year: 2026, month: 4, day: 7, hours: 8, minutes: 5, seconds: 0 })).toBe('$time,8,5');
  });

  it('rejects impossible lengths', () => {
    expect(decodeError(() => decodeFreeStyleReport(Uint8Array.of(0x60, 63, ...new Array(62).fill(0)))).code).toBe('bad-frame');
    expect(decodeError(() => decodeFreeStyleReport(Uint8Array.of(0x60))).code).toBe('too-short');
    expect(decodeError(() => decodeFreeStyleReport(Uint8Array.of(0x60, 5, 0x41))).code).toBe('too-short');
  });
});

describe('FreeStyle text replies', () => {
  it('verifies CKSM (32-bit byte sum, message CRLF included) and CMD OK', () => {
    // '1,2,3\r\n' = 49+44+50+44+51+13+10 = 261 = 0x105.
    const reply = parseTextReply('1,2,3\r\nCKSM:00000105\r\nCMD OK\r\n');
    expect(reply).toEqual({ message: '1,2,3\r\n', lines: ['1,2,3'], checksum: '00000105', status: 'ok' });
    expect(encodeTextReply('1,2,3\r\n')).toBe('1,2,3\r\nCKSM:00000105\r\nCMD OK\r\n');
  });

  it('reads a failed command: empty message, checksum 00000000 (shared-hid-protocol.md)', () => {
    expect(parseTextReply('CKSM:00000000\r\nCMD Fail!\r\n')).toEqual({ message: '', lines: [], checksum: '00000000', status: 'fail' });
  });

  it('knows when a reply is complete and rejects bad checksums and truncation', () => {
    expect(isReplyComplete('x\r\nCKSM:00000000\r\nCMD O')).toBe(false);
    expect(isReplyComplete('CKSM:00000000\r\nCMD Fail!\r\n')).toBe(true);
    expect(decodeError(() => parseTextReply('1,2,3\r\nCKSM:00000106\r\nCMD OK\r\n')).code).toBe('bad-checksum');
    expect(decodeError(() => parseTextReply('1,2,3\r\nCKSM:0000')).code).toBe('bad-frame');
    expect(decodeError(() => parseTextReply('1,2')).code).toBe('too-short');
    expect(decodeError(() => parseTextReply('1\x002\r\nCKSM:00000000\r\nCMD OK\r\n')).code).toBe('bad-frame');
  });

  it('parses record lists: records, count and their own checksum; Log Empty', () => {
    const records = '7,1,3,1,26,7,0,0,224,0,0,0,0,0,0,0,0,0,0\r\n7,2,3,1,26,13,0,0,HI,0,0,0,0,0,0,0,0,0,0\r\n';
    let sum = 0;
    for (const c of records) sum += c.charCodeAt(0);
    const list = parseMultiRecords(`${records}2,${sum.toString(16).toUpperCase().padStart(8, '0')}\r\n`);
    expect(list.records.map((r) => r[1])).toEqual(['1', '2']);
    expect(parseMultiRecords('Log Empty\r\n')).toEqual({ records: [], lines: [] });
    expect(decodeError(() => parseMultiRecords(`${records}3,${sum.toString(16).toUpperCase().padStart(8, '0')}\r\n`)).code).toBe('bad-field');
    expect(decodeError(() => parseMultiRecords(`${records}2,00000000\r\n`)).code).toBe('bad-checksum');
    expect(splitCsv('1,"a,b",""')).toEqual(['1', 'a,b', '']);
  });

  it('decodes one reply for the freestyle-reply codec', () => {
    const records = '7,41,3,1,26,7,5,0,118,0,0,0,0,0,0,0,0,0,0\r\n';
    let sum = 0;
    for (const c of records) sum += c.charCodeAt(0);
    const message = `${records}1,${sum.toString(16).toUpperCase().padStart(8, '0')}\r\n`;
    const d = decodeFreeStyleReply(asciiBytes(encodeTextReply(message)));
    expect(d).toMatchObject({ status: 'ok', checksumOk: true, lines: [records.trim(), expect.stringMatching(/^1,/)] });
    expect(d.readings).toEqual([{ metric: 'glucose', value: 118, unit: 'mg/dL', sequence: 41, deviceTime: { year: 2026, month: 3, day: 1, hours: 7, minutes: 5, seconds: 0 }, flags: [] }]);
    expect(decodeFreeStyleReply(asciiBytes('CAGX123-E4567\r\nCKSM:00000318\r\nCMD OK\r\n')).records).toBeUndefined();
  });
});

describe('FreeStyle records and clock', () => {
  it('reads Precision Neo glucose records (type 7) incl. HI; skips insulin (10) and ketones (9)', () => {
    const neo = parseReadingRecord(splitCsv('7,12,11,30,25,23,59,0,87,0,0,0,0,0,0,0,0,0,0'), 'precision-neo');
    expect(neo).toEqual({ metric: 'glucose', value: 87, unit: 'mg/dL', sequence: 12, deviceTime: { year: 2025, month: 11, day: 30, hours: 23, minutes: 59, seconds: 0 }, flags: [] });
    const hi = parseReadingRecord(splitCsv('7,13,12,1,25,8,0,0,HI,0,0,0,0,0,0,0,0,0,0'), 'precision-neo')!;
    expect(hi.value).toBeNaN();
    expect(hi.flags).toEqual(['value-out-of-range', 'not-a-number']);
    expect(parseReadingRecord(splitCsv('10,14,12,1,25,8,0,0,1,4,0,0,0'), 'precision-neo')).toBeNull();
    expect(parseReadingRecord(splitCsv('9,15,12,1,25,8,0,0,18,0'), 'precision-neo')).toBeNull();
    expect(recordSequence(splitCsv('7,12,11,30,25,23,59,0,87'), 'precision-neo')).toBe(12);
  });

  it('reads InsuLinx (type 0, value in field 14) and Libre $arresult? records', () => {
    expect(parseReadingRecord(splitCsv('0,5,2,28,24,6,30,0,0,0,0,0,0,140,0,0'), 'insulinx')).toMatchObject({ value: 140, sequence: 5 });
    const libre = `230,2,2,29,24,6,30,12,1,2,0,0,101,1,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"","","","","",""`;
    expect(parseReadingRecord(splitCsv(libre), 'libre')).toMatchObject({ value: 101, sequence: 230, deviceTime: { year: 2024, month: 2, day: 29, seconds: 12 }, extra: { source: 'sensor-scan' } });
    const error = libre.replace(',0,0,0,0,"",', `,0,0,0,${0x8000},"",`);
    expect(parseReadingRecord(splitCsv(error), 'libre')!.flags).toEqual(['device-error']);
    expect(parseReadingRecord(splitCsv('231,5,2,29,24,7,0,0,1,2,28,24,6,0,0,0,0,0,0,0'), 'libre')).toBeNull();
  });

  it('refuses bad record fields', () => {
    expect(decodeError(() => parseReadingRecord(splitCsv('7,12,13,30,25,23,59,0,87'), 'precision-neo')).code).toBe('bad-field');
    expect(decodeError(() => parseReadingRecord(splitCsv('7,12,11,30,25,23,59,0,8x7'), 'precision-neo')).code).toBe('bad-field');
    expect(decodeError(() => parseReadingRecord(splitCsv('7,12,11'), 'precision-neo')).code).toBe('too-short');
  });

  it('reads the meter clock from $date? and $time?; 255 everywhere means not set', () => {
    expect(parseMeterClock('4,1,26', '9,30')).toEqual({ year: 2026, month: 4, day: 1, hours: 9, minutes: 30, seconds: 0 });
    expect(parseMeterClock('255,255,255', '255,255')).toBeNull();
    expect(decodeError(() => parseMeterClock('4,1', '9,30')).code).toBe('bad-field');
    expect(decodeError(() => parseMeterClock('2,30,26', '9,30')).code).toBe('bad-field');
  });
});
