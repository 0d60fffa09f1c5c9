import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../electron/devices/drivers/ble/bytes';
import { decodeCurrentTime, encodeCurrentTime } from '../../../../electron/devices/drivers/ble/current-time';
import { addMinutes } from '../../../../electron/devices/drivers/ble/date-time';
import { utf8, utf8Bytes } from '../../../../electron/devices/drivers/ble/utf8';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { hex } from './hex';

describe('shared BLE pieces', () => {
  it('reads and writes little-endian integers of every width', () => {
    const bytes = new ByteWriter().u8(0xfe).u16(0x1234).i16(-2).u24(0xabcdef).i24(-3).u32(0xdeadbeef).u64(0x0102030405060708n).toBytes();
    const r = new ByteReader(bytes, 'test');
    expect([r.u8('a'), r.u16('b'), r.i16('c'), r.u24('d'), r.i24('e'), r.u32('f')]).toEqual([0xfe, 0x1234, -2, 0xabcdef, -3, 0xdeadbeef]);
    expect(r.u64('g')).toBe(0x0102030405060708n);
    expect(r.remaining).toBe(0);
    expect(() => r.u8('h')).toThrow(DecodeError);
    expect(() => new ByteWriter().u16(0x10000)).toThrow(RangeError);
  });

  it('decodes Current Time (Exact Time 256) and builds it to set a clock', () => {
    const c = decodeCurrentTime(hex('ea 07 0b 18 0a 00 00 02 80 01'));
    expect(c).toEqual({ time: { year: 2026, month: 11, day: 24, hours: 10, minutes: 0, seconds: 0 }, dayOfWeek: 2, fractions256: 128, adjustReason: 1 });
    const built = encodeCurrentTime({ year: 2026, month: 11, day: 24, hours: 10, minutes: 0, seconds: 0 });
    expect(Array.from(built)).toEqual([0xea, 0x07, 11, 24, 10, 0, 0, 2, 0, 1]); // 24 November 2026 is a Tuesday
    expect(encodeCurrentTime({ year: 2026, month: 11, day: 29, hours: 0, minutes: 0, seconds: 0 })[7]).toBe(7); // Sunday
    expect(() => decodeCurrentTime(hex('ea 07 0b 18 0a 00 00 08 00 00'))).toThrow(/day of week/);
    expect(decodeCurrentTime(hex('00 00 00 00 00 00 00 00 00 00')).time).toBeUndefined();
  });

  it('adds minutes to a wall time across month and year ends', () => {
    expect(addMinutes({ year: 2025, month: 12, day: 31, hours: 23, minutes: 50, seconds: 5 }, 15)).toEqual({ year: 2026, month: 1, day: 1, hours: 0, minutes: 5, seconds: 5 });
    expect(addMinutes({ year: 2024, month: 3, day: 1, hours: 0, minutes: 10, seconds: 0 }, -20)).toEqual({ year: 2024, month: 2, day: 29, hours: 23, minutes: 50, seconds: 0 });
  });

  it('decodes UTF-8 device strings, drops NUL padding, replaces malformed bytes', () => {
    expect(utf8(utf8Bytes('Roche Accu-Chek Guide µ €😀'))).toBe('Roche Accu-Chek Guide µ €😀');
    expect(utf8(hex('41 42 00 00'))).toBe('AB');
    expect(utf8(hex('41 ff 42'))).toBe('A\ufffdB');
    expect(utf8(hex('41 e2 82 42'))).toBe('A\ufffdB');
    expect(utf8(hex('c0 80'))).toBe('\ufffd\ufffd');
    expect(utf8(hex('ed a0 80'))).toBe('\ufffd\ufffd\ufffd'); // a UTF-16 surrogate is not UTF-8
  });
});
