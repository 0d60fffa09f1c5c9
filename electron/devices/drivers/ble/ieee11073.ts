import type { QualityFlag } from '../types';
import type { ByteReader, ByteWriter } from './bytes';

/**
 * IEEE 11073-20601 medical device numbers as the Bluetooth health profiles carry them.
 * SFLOAT: 16 bits, a 4-bit signed base-10 exponent over a 12-bit signed mantissa.
 * FLOAT: 32 bits, an 8-bit signed exponent over a 24-bit signed mantissa.
 * A few whole-value bit patterns are special (20601 §F.8): NaN, NRes (not at this
 * resolution), +INF, -INF and one reserved pattern. They become NaN or ±Infinity with a
 * flag saying why, because a flagged value is kept, never dropped.
 */
export type SpecialFlag = Extract<QualityFlag, 'not-a-number' | 'not-at-this-resolution' | 'infinity'>;

export interface MderNumber {
  /** The value, NaN or ±Infinity for the special patterns. */
  value: number;
  mantissa: number;
  exponent: number;
  /** Set for the special patterns only. */
  special?: SpecialFlag;
}

interface SpecialPatterns {
  nan: number;
  nres: number;
  posInf: number;
  negInf: number;
  reserved: number;
}

const SFLOAT_SPECIAL: SpecialPatterns = { nan: 0x07ff, nres: 0x0800, posInf: 0x07fe, negInf: 0x0802, reserved: 0x0801 };
const FLOAT_SPECIAL: SpecialPatterns = { nan: 0x007fffff, nres: 0x00800000, posInf: 0x007ffffe, negInf: 0x00800002, reserved: 0x00800001 };

function special(bits: number, p: SpecialPatterns): MderNumber | undefined {
  switch (bits) {
    case p.nan:
    case p.reserved: // reserved for future use: no value a receiver can trust
      return { value: Number.NaN, mantissa: 0, exponent: 0, special: 'not-a-number' };
    case p.nres:
      return { value: Number.NaN, mantissa: 0, exponent: 0, special: 'not-at-this-resolution' };
    case p.posInf:
      return { value: Number.POSITIVE_INFINITY, mantissa: 0, exponent: 0, special: 'infinity' };
    case p.negInf:
      return { value: Number.NEGATIVE_INFINITY, mantissa: 0, exponent: 0, special: 'infinity' };
    default:
      return undefined;
  }
}

/** mantissa × 10^exponent, dividing by an exact power of ten so 364e-1 is 36.4 and not 36.400000000000006. */
export function decimal(mantissa: number, exponent: number): number {
  return exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
}

/** The number in a unit 10^shift times smaller (kg/L → mg/dL is shift 5): exact decimal scaling, specials kept. */
export function shifted(n: MderNumber, shift: number): number {
  return n.special ? n.value : decimal(n.mantissa, n.exponent + shift);
}

export function sfloatFromBits(bits: number): MderNumber {
  const s = special(bits & 0xffff, SFLOAT_SPECIAL);
  if (s) return s;
  let mantissa = bits & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = (bits >> 12) & 0x0f;
  if (exponent >= 0x8) exponent -= 0x10;
  return { value: decimal(mantissa, exponent), mantissa, exponent };
}

export function floatFromBits(bits: number): MderNumber {
  const s = special(bits >>> 0, FLOAT_SPECIAL);
  if (s) return s;
  let mantissa = bits & 0x00ffffff;
  if (mantissa >= 0x00800000) mantissa -= 0x01000000;
  let exponent = (bits >>> 24) & 0xff;
  if (exponent >= 0x80) exponent -= 0x100;
  return { value: decimal(mantissa, exponent), mantissa, exponent };
}

export function readSfloat(r: ByteReader, field: string): MderNumber {
  return sfloatFromBits(r.u16(field));
}

export function readFloat(r: ByteReader, field: string): MderNumber {
  return floatFromBits(r.u32(field));
}

export type SpecialName = 'nan' | 'nres' | 'posInf' | 'negInf' | 'reserved';

export function sfloatSpecialBits(name: SpecialName): number {
  return SFLOAT_SPECIAL[name];
}

export function floatSpecialBits(name: SpecialName): number {
  return FLOAT_SPECIAL[name];
}

/**
 * Encodes `value` with a fixed decimal exponent (devices report at a fixed resolution).
 * NaN and ±Infinity become their special patterns. Mantissas that would collide with a
 * special pattern, or do not fit, are a RangeError: the caller chose the wrong exponent.
 */
function encode(value: number, exponent: number, bitsM: number, bitsE: number, p: SpecialPatterns): number {
  if (Number.isNaN(value)) return p.nan;
  if (value === Number.POSITIVE_INFINITY) return p.posInf;
  if (value === Number.NEGATIVE_INFINITY) return p.negInf;
  const eMax = 2 ** (bitsE - 1) - 1;
  if (!Number.isInteger(exponent) || exponent < -eMax - 1 || exponent > eMax) throw new RangeError(`exponent ${exponent} does not fit ${bitsE} bits`);
  const mantissa = Math.round(exponent >= 0 ? value / 10 ** exponent : value * 10 ** -exponent);
  // The top three positive and bottom three negative mantissas hold the special patterns when the exponent is 0; keep clear of them everywhere.
  const mMax = 2 ** (bitsM - 1) - 3;
  if (mantissa > mMax || mantissa < -mMax) throw new RangeError(`${value} does not fit a ${bitsM}-bit mantissa at exponent ${exponent}`);
  const m = mantissa & (2 ** bitsM - 1);
  const e = exponent & (2 ** bitsE - 1);
  return (e * 2 ** bitsM + m) >>> 0;
}

export function sfloatBits(value: number, exponent: number): number {
  return encode(value, exponent, 12, 4, SFLOAT_SPECIAL);
}

export function floatBits(value: number, exponent: number): number {
  return encode(value, exponent, 24, 8, FLOAT_SPECIAL);
}

export function writeSfloat(w: ByteWriter, value: number, exponent: number): ByteWriter {
  return w.u16(sfloatBits(value, exponent));
}

export function writeFloat(w: ByteWriter, value: number, exponent: number): ByteWriter {
  return w.u32(floatBits(value, exponent));
}
