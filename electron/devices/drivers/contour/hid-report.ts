import { DecodeError } from '../types';

/**
 * The Contour Next USB carries its serial ASTM conversation in 64-byte HID reports: three
 * header bytes (the host writes ASCII "ABC"), one length byte, then up to 60 payload bytes,
 * zero-padded. A message longer than 60 bytes continues in the next report; a report with
 * fewer than 60 payload bytes ends the message (as the public uploaders, glucometerutils
 * support/contourusb.py and Tidepool's bayerContourNext.js, document the meter's framing).
 */
export const CONTOUR_REPORT_SIZE = 64;
export const CONTOUR_REPORT_PAYLOAD = CONTOUR_REPORT_SIZE - 4;
const HEADER = [0x41, 0x42, 0x43]; // "ABC"

export interface ContourReport {
  payload: Uint8Array;
  /** Whether the message continues in the next report (the payload filled the report). */
  more: boolean;
}

/** Splits one message into reports; a message that exactly fills its last report gets an empty closing report. */
export function encodeContourReports(message: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let at = 0; ; at += CONTOUR_REPORT_PAYLOAD) {
    const part = message.subarray(at, at + CONTOUR_REPORT_PAYLOAD);
    const report = new Uint8Array(CONTOUR_REPORT_SIZE);
    report.set(HEADER, 0);
    report[3] = part.length;
    report.set(part, 4);
    reports.push(report);
    if (part.length < CONTOUR_REPORT_PAYLOAD) return reports;
  }
}

/** Reads one report. The header bytes are not checked: meters and hosts differ in what they put there. */
export function decodeContourReport(report: Uint8Array): ContourReport {
  if (report.length < 4) throw new DecodeError('too-short', `A Contour HID report has at least 4 bytes; got ${report.length}.`, report.length);
  if (report.length > CONTOUR_REPORT_SIZE) throw new DecodeError('too-long', `A Contour HID report has at most ${CONTOUR_REPORT_SIZE} bytes; got ${report.length}.`);
  const length = report[3]!;
  if (length > CONTOUR_REPORT_PAYLOAD) throw new DecodeError('bad-frame', `The report length byte says ${length}; at most ${CONTOUR_REPORT_PAYLOAD} fit.`, 3);
  if (4 + length > report.length) throw new DecodeError('too-short', `The report length byte says ${length} but only ${report.length - 4} bytes follow.`, 3);
  return { payload: report.slice(4, 4 + length), more: length === CONTOUR_REPORT_PAYLOAD };
}
