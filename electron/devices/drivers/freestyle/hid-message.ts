import { DecodeError } from '../types';

/**
 * Abbott FreeStyle shared HID framing (documented in glucometer-protocols,
 * abbott/shared-hid-protocol.md, after Xavier Claessens' OpenGlucose): fixed 64-byte reports
 *   message-type (1 byte) · message-length (0-62) · 62 bytes, of which `length` are significant.
 * Report numbers are not used. Text commands and replies use message type 0x60.
 */
export const FREESTYLE_REPORT_SIZE = 64;
export const FREESTYLE_MAX_PAYLOAD = 62;

export const MESSAGE_TYPE = {
  /** Init sequence, in the order the Abbott software sends it. */
  init04: 0x04,
  querySerial: 0x05,
  querySoftwareVersion: 0x15,
  init: 0x01,
  text: 0x60,
  /** A synchronisation packet some meters interleave every few reports (0x22 0x01 xx): skipped. */
  sync: 0x22,
  /** Reply to an unknown message type: 0x30 0x01 0x85. */
  error: 0x30,
} as const;

/** Reply type the meter answers each init message with. */
export const INIT_REPLY: Readonly<Record<number, number>> = { 0x04: 0x34, 0x05: 0x06, 0x15: 0x35, 0x01: 0x71 };
export const INIT_SEQUENCE: readonly number[] = [MESSAGE_TYPE.init04, MESSAGE_TYPE.querySerial, MESSAGE_TYPE.querySoftwareVersion, MESSAGE_TYPE.init];

export interface FreeStyleMessage {
  type: number;
  payload: Uint8Array;
}

export function encodeFreeStyleReport(type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > FREESTYLE_MAX_PAYLOAD) throw new RangeError(`A FreeStyle report carries at most ${FREESTYLE_MAX_PAYLOAD} bytes; got ${payload.length}.`);
  const report = new Uint8Array(FREESTYLE_REPORT_SIZE);
  report[0] = type & 0xff;
  report[1] = payload.length;
  report.set(payload, 2);
  return report;
}

export function decodeFreeStyleReport(report: Uint8Array): FreeStyleMessage {
  if (report.length < 2) throw new DecodeError('too-short', `A FreeStyle report has at least 2 bytes; got ${report.length}.`, report.length);
  if (report.length > FREESTYLE_REPORT_SIZE) throw new DecodeError('too-long', `A FreeStyle report has at most ${FREESTYLE_REPORT_SIZE} bytes; got ${report.length}.`);
  const length = report[1]!;
  if (length > FREESTYLE_MAX_PAYLOAD) throw new DecodeError('bad-frame', `The message length byte says ${length}; at most ${FREESTYLE_MAX_PAYLOAD} fit.`, 1);
  if (2 + length > report.length) throw new DecodeError('too-short', `The message length byte says ${length} but only ${report.length - 2} bytes follow.`, 1);
  return { type: report[0]!, payload: report.slice(2, 2 + length) };
}
