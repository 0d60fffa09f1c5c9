import { DecodeError, type DeviceTime } from '../types';
import { ByteReader, ByteWriter } from './bytes';
import { readDateTime, writeDateTime } from './date-time';

/**
 * Current Time 0x2A2B (Current Time Service 1.1 §3.1): Exact Time 256 = Date Time,
 * Day of Week (0 unknown, 1 Monday … 7 Sunday), Fractions256 (1/256 s), then Adjust
 * Reason bits (0 manual, 1 external reference, 2 time zone change, 3 DST change).
 */
export interface CurrentTime {
  /** Absent when the device does not know the date. */
  time?: DeviceTime;
  dayOfWeek: number;
  fractions256: number;
  adjustReason: number;
}

export function decodeCurrentTime(bytes: Uint8Array): CurrentTime {
  const r = new ByteReader(bytes, 'Current Time');
  const time = readDateTime(r, 'date time');
  const dayOfWeek = r.u8('day of week');
  if (dayOfWeek > 7) throw new DecodeError('bad-field', `Current Time: day of week ${dayOfWeek} is not 0..7`, r.offset - 1);
  const fractions256 = r.u8('fractions256');
  const adjustReason = r.u8('adjust reason');
  r.end();
  return { ...(time ? { time } : {}), dayOfWeek, fractions256, adjustReason };
}

/** Writes a Current Time value, as a collector does to set the device clock (adjust reason: manual). */
export function encodeCurrentTime(t: DeviceTime, adjustReason = 0x01): Uint8Array {
  const js = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay(); // 0 Sunday
  const w = writeDateTime(new ByteWriter(), t);
  return w
    .u8(js === 0 ? 7 : js)
    .u8(0)
    .u8(adjustReason)
    .toBytes();
}
