import { DecodeError } from '../types';

/**
 * Little-endian reader over one characteristic value. Bluetooth GATT values are
 * little-endian (Core Specification Vol 3 Part G 3.3.3.3: LSO first). Every read is
 * bounds-checked and a short value fails with a DecodeError naming the missing field.
 */
export class ByteReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** What is being decoded, for error messages (e.g. 'Heart Rate Measurement'). */
    private readonly what: string,
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private take(n: number, field: string): number {
    if (this.pos + n > this.bytes.length) {
      throw new DecodeError('too-short', `${this.what}: ${field} needs ${n} byte(s) at offset ${this.pos}, ${this.remaining} left`, this.pos);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(field: string): number {
    return this.bytes[this.take(1, field)]!;
  }

  u16(field: string): number {
    const i = this.take(2, field);
    return this.bytes[i]! | (this.bytes[i + 1]! << 8);
  }

  i16(field: string): number {
    const v = this.u16(field);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  u24(field: string): number {
    const i = this.take(3, field);
    return this.bytes[i]! | (this.bytes[i + 1]! << 8) | (this.bytes[i + 2]! << 16);
  }

  i24(field: string): number {
    const v = this.u24(field);
    return v >= 0x800000 ? v - 0x1000000 : v;
  }

  u32(field: string): number {
    const i = this.take(4, field);
    return (this.bytes[i]! | (this.bytes[i + 1]! << 8) | (this.bytes[i + 2]! << 16)) + this.bytes[i + 3]! * 0x1000000;
  }

  u64(field: string): bigint {
    const lo = this.u32(field);
    const hi = this.u32(field);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  bytesOf(n: number, field: string): Uint8Array {
    const i = this.take(n, field);
    return this.bytes.subarray(i, i + n);
  }

  /** Fails when bytes are left over: a value longer than its flags announce is malformed. */
  end(): void {
    if (this.remaining > 0) {
      throw new DecodeError('too-long', `${this.what}: ${this.remaining} unexpected byte(s) after the last field at offset ${this.pos}`, this.pos);
    }
  }
}

/** Little-endian writer, used to build requests (and, in the simulators, device frames). */
export class ByteWriter {
  private readonly out: number[] = [];

  private check(v: number, min: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what} ${v} is outside ${min}..${max}`);
  }

  u8(v: number): this {
    this.check(v, 0, 0xff, 'uint8');
    this.out.push(v);
    return this;
  }

  u16(v: number): this {
    this.check(v, 0, 0xffff, 'uint16');
    this.out.push(v & 0xff, v >>> 8);
    return this;
  }

  i16(v: number): this {
    this.check(v, -0x8000, 0x7fff, 'sint16');
    return this.u16(v & 0xffff);
  }

  u24(v: number): this {
    this.check(v, 0, 0xffffff, 'uint24');
    this.out.push(v & 0xff, (v >>> 8) & 0xff, v >>> 16);
    return this;
  }

  i24(v: number): this {
    this.check(v, -0x800000, 0x7fffff, 'sint24');
    return this.u24(v & 0xffffff);
  }

  u32(v: number): this {
    this.check(v, 0, 0xffffffff, 'uint32');
    this.out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`uint64 ${v} is out of range`);
    this.u32(Number(v & 0xffffffffn));
    return this.u32(Number(v >> 32n));
  }

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.u8(b[i]!);
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
