import { DecodeError, type DeviceTime } from '../types';
import type { ByteReader, ByteWriter } from './bytes';

/**
 * The GATT Date Time characteristic layout (0x2A08) that every health profile embeds as
 * its Time Stamp: year uint16 (1582..9999, 0 = not known), month, day (0 = not known),
 * hours, minutes, seconds. Seven bytes, device-local wall time, no zone.
 */
export const DATE_TIME_LENGTH = 7;

/** Reads a Date Time; undefined when the device says the date is not known. */
export function readDateTime(r: ByteReader, field: string): DeviceTime | undefined {
  const at = r.offset;
  const year = r.u16(`${field} year`);
  const month = r.u8(`${field} month`);
  const day = r.u8(`${field} day`);
  const hours = r.u8(`${field} hours`);
  const minutes = r.u8(`${field} minutes`);
  const seconds = r.u8(`${field} seconds`);
  if (hours > 23 || minutes > 59 || seconds > 59 || month > 12 || day > 31 || (year !== 0 && (year < 1582 || year > 9999))) {
    throw new DecodeError('bad-field', `${field}: ${year}-${month}-${day} ${hours}:${minutes}:${seconds} is not a valid date and time`, at);
  }
  if (year === 0 || month === 0 || day === 0) return undefined;
  if (day > daysInMonth(year, month)) {
    throw new DecodeError('bad-field', `${field}: ${year}-${month}-${day} does not exist`, at);
  }
  return { year, month, day, hours, minutes, seconds };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Writes a Date Time; undefined writes the all-zero "not known" date. */
export function writeDateTime(w: ByteWriter, t: DeviceTime | undefined): ByteWriter {
  if (!t) return w.u16(0).u8(0).u8(0).u8(0).u8(0).u8(0);
  return w.u16(t.year).u8(t.month).u8(t.day).u8(t.hours).u8(t.minutes).u8(t.seconds);
}

/** Wall-clock arithmetic: the time `minutes` later, with no zone involved. */
export function addMinutes(t: DeviceTime, minutes: number): DeviceTime {
  return fromWallMs(Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds) + minutes * 60_000);
}

export function fromWallMs(ms: number): DeviceTime {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds() };
}
