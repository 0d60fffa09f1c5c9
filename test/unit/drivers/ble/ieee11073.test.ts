import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../../electron/devices/drivers/ble/bytes';
import { floatBits, floatFromBits, floatSpecialBits, readFloat, readSfloat, sfloatBits, sfloatFromBits, sfloatSpecialBits, shifted } from '../../../../electron/devices/drivers/ble/ieee11073';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { hex } from './hex';

describe('IEEE 11073-20601 SFLOAT', () => {
  it('decodes worked values: exponent and mantissa in two’s complement', () => {
    expect(sfloatFromBits(0x0072)).toEqual({ value: 114, mantissa: 114, exponent: 0 });
    expect(sfloatFromBits(0xf048).value).toBe(7.2); // exponent -1, mantissa 72
    expect(sfloatFromBits(0xb050)).toEqual({ value: 0.0008, mantissa: 80, exponent: -5 }); // 80 mg/dL as kg/L
    expect(sfloatFromBits(0x0fff).value).toBe(-1);
    expect(sfloatFromBits(0xffff).value).toBe(-0.1);
    expect(sfloatFromBits(0x1001).value).toBe(10);
    expect(sfloatFromBits(0x7001).value).toBe(1e7); // largest exponent
    expect(sfloatFromBits(0x8001).value).toBe(1e-8); // smallest exponent
    expect(sfloatFromBits(0x07fd).value).toBe(2045);
    expect(sfloatFromBits(0x0803).value).toBe(-2045);
    expect(sfloatFromBits(0x0000).value).toBe(0);
  });

  it('maps every special value to NaN or ±Infinity with its flag', () => {
    expect(sfloatFromBits(0x07ff)).toMatchObject({ value: Number.NaN, special: 'not-a-number' });
    expect(sfloatFromBits(0x0800)).toMatchObject({ value: Number.NaN, special: 'not-at-this-resolution' });
    expect(sfloatFromBits(0x07fe)).toMatchObject({ value: Number.POSITIVE_INFINITY, special: 'infinity' });
    expect(sfloatFromBits(0x0802)).toMatchObject({ value: Number.NEGATIVE_INFINITY, special: 'infinity' });
    expect(sfloatFromBits(0x0801)).toMatchObject({ value: Number.NaN, special: 'not-a-number' });
    // The same mantissas under a non-zero exponent are ordinary numbers.
    expect(sfloatFromBits(0x17ff)).toEqual({ value: 20470, mantissa: 2047, exponent: 1 });
  });

  it('encodes at a chosen exponent and round-trips', () => {
    expect(sfloatBits(7.2, -1)).toBe(0xf048);
    expect(sfloatBits(0.0008, -5)).toBe(0xb050);
    expect(sfloatBits(-0.1, -1)).toBe(0xffff);
    expect(sfloatBits(Number.NaN, 0)).toBe(0x07ff);
    expect(sfloatBits(Number.POSITIVE_INFINITY, 0)).toBe(0x07fe);
    expect(sfloatBits(Number.NEGATIVE_INFINITY, 0)).toBe(0x0802);
    expect(sfloatSpecialBits('nres')).toBe(0x0800);
    for (let m = -2045; m <= 2045; m += 7) for (const e of [-8, -3, 0, 4, 7]) expect(sfloatFromBits(sfloatBits(m * 10 ** e, e))).toMatchObject({ mantissa: m, exponent: e });
  });

  it('decodes all 65,536 patterns: a finite number, or a flagged special; every clear mantissa re-encodes to itself', () => {
    let specials = 0;
    const wrong: number[] = [];
    for (let bits = 0; bits <= 0xffff; bits++) {
      const n = sfloatFromBits(bits);
      if (n.special) {
        specials++;
        continue;
      }
      if (!Number.isFinite(n.value) || (Math.abs(n.mantissa) <= 2045 && sfloatBits(n.value, n.exponent) !== bits)) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
    expect(specials).toBe(5);
  });

  it('refuses values that do not fit or would collide with a special value', () => {
    expect(() => sfloatBits(2046, 0)).toThrow(RangeError);
    expect(() => sfloatBits(-2047, 0)).toThrow(RangeError);
    expect(() => sfloatBits(1, 8)).toThrow(RangeError);
  });

  it('reads little-endian from a value and fails short with a DecodeError', () => {
    expect(readSfloat(new ByteReader(hex('48 f0'), 't'), 'x').value).toBe(7.2);
    const r = new ByteReader(hex('48'), 'Thing');
    expect(() => readSfloat(r, 'field')).toThrow(DecodeError);
    try {
      readSfloat(new ByteReader(hex('48'), 'Thing'), 'field');
    } catch (e) {
      expect(e).toMatchObject({ code: 'too-short', offset: 0 });
      expect((e as Error).message).toMatch(/Thing: field needs 2 byte/);
    }
  });

  it('scales on the decimal exponent without rounding error (kg/L → mg/dL)', () => {
    expect(shifted(sfloatFromBits(0xb050), 5)).toBe(80);
    expect(shifted(sfloatFromBits(0xc035), 3)).toBe(5.3); // 0.0053 mol/L → 5.3 mmol/L
    expect(shifted(sfloatFromBits(0x07ff), 5)).toBeNaN();
  });
});

describe('IEEE 11073-20601 FLOAT', () => {
  it('decodes 36.4 °C as a thermometer sends it (exponent -1, mantissa 364)', () => {
    expect(floatFromBits(0xff00016c)).toEqual({ value: 36.4, mantissa: 364, exponent: -1 });
    expect(readFloat(new ByteReader(hex('6c 01 00 ff'), 't'), 'x').value).toBe(36.4);
    expect(floatFromBits(0xffffffff).value).toBe(-0.1);
    expect(floatFromBits(0x7f000001).value).toBe(1e127);
    expect(floatFromBits(0x007ffffd).value).toBe(8388605);
    expect(floatFromBits(0x00800003).value).toBe(-8388605);
  });

  it('maps every special value', () => {
    expect(floatFromBits(0x007fffff)).toMatchObject({ value: Number.NaN, special: 'not-a-number' });
    expect(floatFromBits(0x00800000)).toMatchObject({ value: Number.NaN, special: 'not-at-this-resolution' });
    expect(floatFromBits(0x007ffffe)).toMatchObject({ value: Number.POSITIVE_INFINITY, special: 'infinity' });
    expect(floatFromBits(0x00800002)).toMatchObject({ value: Number.NEGATIVE_INFINITY, special: 'infinity' });
    expect(floatFromBits(0x00800001)).toMatchObject({ value: Number.NaN, special: 'not-a-number' });
    expect(floatSpecialBits('reserved')).toBe(0x00800001);
  });

  it('encodes and round-trips', () => {
    expect(floatBits(36.4, -1)).toBe(0xff00016c);
    expect(floatBits(-0.1, -1)).toBe(0xffffffff);
    expect(floatBits(Number.NaN, 0)).toBe(0x007fffff);
    for (const [v, e] of [[98.6, -1], [-40, 0], [37.25, -2], [1234567, 0]] as const) expect(floatFromBits(floatBits(v, e)).value).toBe(v);
    const w = new ByteWriter().u32(floatBits(36.4, -1)).toBytes();
    expect(Array.from(w)).toEqual([0x6c, 0x01, 0x00, 0xff]);
    expect(() => floatBits(8388606, 0)).toThrow(RangeError);
  });
});
