import { asciiBytes } from './ascii';
import type { DeviceTime } from '../types';
import { DecodeError } from '../types';
import { encodeFreeStyleReport, FREESTYLE_MAX_PAYLOAD, MESSAGE_TYPE } from './hid-message';
import { freeStyleTime } from './records';

/** A text command ("$name?" to read, "$name,value" to set) as one 0x60 report. */
export function encodeTextCommand(command: string): Uint8Array {
  if (!/^\$[\x21-\x7e]+$/.test(command) || command.length > FREESTYLE_MAX_PAYLOAD) throw new RangeError(`Not a FreeStyle text command: ${command.slice(0, 20)}`);
  return encodeFreeStyleReport(MESSAGE_TYPE.text, asciiBytes(command));
}

/** "$date,M,D,YY": no leading zeros, year after 2000 (shared HID protocol, $date). */
export function setDateCommand(t: DeviceTime): string {
  return `$date,${t.month},${t.day},${t.year - 2000}`;
}

/** "$time,H,M" (the meters keep no seconds). */
export function setTimeCommand(t: DeviceTime): string {
  return `$time,${t.hours},${t.minutes}`;
}

const NUMBERS = /^(\d{1,3}),(\d{1,3})(?:,(\d{1,3}))?$/;

/**
 * The meter clock from the $date? ("M,D,YY") and $time? ("H,M") replies; null when the
 * meter reports 255 in every field (its clock lost power and is not set).
 */
export function parseMeterClock(dateReply: string, timeReply: string): DeviceTime | null {
  const d = NUMBERS.exec(dateReply.trim());
  const t = NUMBERS.exec(timeReply.trim());
  if (!d || d[3] === undefined) throw new DecodeError('bad-field', 'The $date? reply is not month,day,year.');
  if (!t || t[3] !== undefined) throw new DecodeError('bad-field', 'The $time? reply is not hour,minute.');
  const values = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (values.every((v) => v === 255)) return null;
  const [month, day, year2, hours, minutes] = values;
  return freeStyleTime(year2, month, day, hours, minutes);
}
