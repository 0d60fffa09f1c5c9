import { DecodeError } from '../types';

/**
 * ASTM E1381 low-level framing (the Contour meters' serial protocol, carried over HID):
 *   <STX> FN text <ETB|ETX> C1 C2 <CR> <LF>
 * FN is the frame number as one ASCII digit 0-7 (the first frame of a transfer is 1, then
 * modulo 8). ETB ends an intermediate frame, ETX the last frame of the message. C1 C2 are
 * the checksum: the sum modulo 256 of every byte from FN up to and including ETB/ETX, as
 * two upper-case hex digits. A frame holds at most 240 text characters (247 in all).
 */
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const LF = 0x0a;
export const CR = 0x0d;
export const NAK = 0x15;
export const ETB = 0x17;

export const ASTM_MAX_TEXT = 240;
const OVERHEAD = 7;

export interface AstmFrame {
  frameNumber: number;
  /** Frame text as ASCII (record text, record terminators CR included). */
  text: string;
  /** ETX: the last frame of the message; ETB: more frames follow. */
  final: boolean;
  /** The two checksum characters as received. */
  checksum: string;
}

/** Bytes a frame's text may not carry: they would end or garble the frame. */
const FORBIDDEN_IN_TEXT: ReadonlySet<number> = new Set([STX, ETX, EOT, ENQ, ACK, LF, NAK, ETB]);

/** The E1381 checksum of FN..ETB/ETX, as two upper-case hex digits. */
export function astmChecksum(bytes: Uint8Array, from: number, toInclusive: number): string {
  let sum = 0;
  for (let i = from; i <= toInclusive; i++) sum = (sum + bytes[i]!) & 0xff;
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

export function encodeAstmFrame(frameNumber: number, text: string, final: boolean): Uint8Array {
  if (!Number.isInteger(frameNumber) || frameNumber < 0 || frameNumber > 7) throw new RangeError(`An ASTM frame number is 0-7; got ${frameNumber}.`);
  if (text.length > ASTM_MAX_TEXT) throw new RangeError(`An ASTM frame holds at most ${ASTM_MAX_TEXT} text characters; got ${text.length}.`);
  const out = new Uint8Array(text.length + OVERHEAD);
  out[0] = STX;
  out[1] = 0x30 + frameNumber;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f || FORBIDDEN_IN_TEXT.has(c)) throw new RangeError(`ASTM frame text may not contain the character 0x${c.toString(16)}.`);
    out[2 + i] = c;
  }
  const end = 2 + text.length;
  out[end] = final ? ETX : ETB;
  const sum = astmChecksum(out, 1, end);
  out[end + 1] = sum.charCodeAt(0);
  out[end + 2] = sum.charCodeAt(1);
  out[end + 3] = CR;
  out[end + 4] = LF;
  return out;
}

const HEX = /^[0-9A-F]{2}$/;

export function decodeAstmFrame(bytes: Uint8Array): AstmFrame {
  if (bytes.length < OVERHEAD) throw new DecodeError('too-short', `An ASTM frame has at least ${OVERHEAD} bytes; got ${bytes.length}.`, bytes.length);
  if (bytes.length > ASTM_MAX_TEXT + OVERHEAD) throw new DecodeError('too-long', `An ASTM frame has at most ${ASTM_MAX_TEXT + OVERHEAD} bytes; got ${bytes.length}.`);
  if (bytes[0] !== STX) throw new DecodeError('bad-frame', 'An ASTM frame starts with STX.', 0);
  const fn = bytes[1]! - 0x30;
  if (fn < 0 || fn > 7) throw new DecodeError('bad-frame', `The frame number must be an ASCII digit 0-7; got byte 0x${bytes[1]!.toString(16)}.`, 1);
  const n = bytes.length;
  if (bytes[n - 2] !== CR || bytes[n - 1] !== LF) throw new DecodeError('bad-frame', 'An ASTM frame ends with CR LF (truncated frame?).', n - 2);
  const endAt = n - 5;
  const end = bytes[endAt];
  if (end !== ETX && end !== ETB) throw new DecodeError('bad-frame', 'The text of an ASTM frame ends with ETB or ETX.', endAt);
  let text = '';
  for (let i = 2; i < endAt; i++) {
    const c = bytes[i]!;
    if (c > 0x7f || FORBIDDEN_IN_TEXT.has(c)) throw new DecodeError('bad-frame', `Byte 0x${c.toString(16)} may not appear in ASTM frame text.`, i);
    text += String.fromCharCode(c);
  }
  const checksum = String.fromCharCode(bytes[n - 4]!, bytes[n - 3]!);
  if (!HEX.test(checksum)) throw new DecodeError('bad-frame', 'The ASTM checksum is two upper-case hex digits.', n - 4);
  const expected = astmChecksum(bytes, 1, endAt);
  if (checksum !== expected) throw new DecodeError('bad-checksum', `Frame checksum ${checksum} does not match the computed ${expected}.`, n - 4);
  return { frameNumber: fn, text, final: end === ETX, checksum };
}

/**
 * Joins frame texts back into E1394 records: a record ends with CR and may be split over
 * several frames (E1381 splits long records with ETB), so text is carried over until its CR.
 */
export class AstmRecordAssembler {
  private pending = '';

  push(frame: Pick<AstmFrame, 'text' | 'final'>): string[] {
    const parts = (this.pending + frame.text).split('\r');
    this.pending = parts.pop() ?? '';
    if (frame.final && this.pending) {
      // The last frame of a message closes its last record even without a CR.
      parts.push(this.pending);
      this.pending = '';
    }
    return parts.filter((p) => p.length > 0);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }
}
