import { wallTime } from '../../../common/time/local-days';
import type { DeviceTime } from '../drivers/types';

/**
 * Device clocks keep local wall time with no zone, drift, and are often wrong by hours.
 * A download compares the device's clock with the host's once, then maps every record's
 * raw time through that offset into the clinic's time zone and on to UTC. Pure: the
 * session passes in the host time and the zone.
 */
export const CLOCK_WARN_MS = 15 * 60_000;

export interface ClockComparison {
  /** Device wall time read at `hostUtcMs`, as the device reported it. */
  deviceNow: DeviceTime;
  hostUtcMs: number;
  timeZone: string;
}

export interface ClockCorrection {
  /** Added to a device wall time to get the true wall time (ms). */
  offsetMs: number;
  /** Whether the offset is beyond 15 minutes: staff are warned and offered to set the clock. */
  skewed: boolean;
  method: 'device-clock-offset';
  timeZone: string;
}

export interface CorrectedTime {
  utcMs: number;
  /** 'dst-gap': the corrected wall time does not exist in the zone (spring forward), read as standard time.
   *  'dst-repeat': it occurs twice (fall back); the earlier instant was taken unless that would
   *  reorder the records. */
  dst?: 'dst-gap' | 'dst-repeat';
}

/** The wall clock of `timeZone` at `utcMs`, as a device would show it. */
export function wallClockAt(utcMs: number, timeZone: string): DeviceTime {
  const w = wallTime(utcMs, timeZone);
  return { year: w.year, month: w.month, day: w.day, hours: w.hour, minutes: w.minute, seconds: w.second };
}

/** Wall time as epoch ms "as if UTC" — arithmetic on wall clocks without any zone. */
export function wallMs(t: DeviceTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds);
}

export function formatDeviceTime(t: DeviceTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}T${p(t.hours)}:${p(t.minutes)}:${p(t.seconds)}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC (ms) at a UTC instant. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asWall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asWall - Math.floor(utcMs / 1000) * 1000;
}

/** Every UTC instant whose wall time in the zone is `wall` (0 in a gap, 2 in a repeat). */
export function wallToUtcCandidates(wall: number, timeZone: string): number[] {
  const offsets = new Set([zoneOffsetMs(wall - 86_400_000, timeZone), zoneOffsetMs(wall, timeZone), zoneOffsetMs(wall + 86_400_000, timeZone)]);
  const out: number[] = [];
  for (const o of offsets) {
    const utc = wall - o;
    if (zoneOffsetMs(utc, timeZone) === o) out.push(utc);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

export function compareClocks(c: ClockComparison): ClockCorrection {
  const hostWall = c.hostUtcMs + zoneOffsetMs(c.hostUtcMs, c.timeZone);
  const offsetMs = Math.round((hostWall - wallMs(c.deviceNow)) / 1000) * 1000;
  return { offsetMs, skewed: Math.abs(offsetMs) > CLOCK_WARN_MS, method: 'device-clock-offset', timeZone: c.timeZone };
}

/**
 * Maps a record's raw device time to UTC. `notBeforeUtcMs` (the previous record's time in
 * a chronological download) settles a fall-back repeat.
 */
export function correctDeviceTime(raw: DeviceTime, correction: ClockCorrection, notBeforeUtcMs = Number.NEGATIVE_INFINITY): CorrectedTime {
  const wall = wallMs(raw) + correction.offsetMs;
  const candidates = wallToUtcCandidates(wall, correction.timeZone);
  if (candidates.length === 1) return { utcMs: candidates[0]! };
  if (candidates.length === 2) {
    const [early, late] = candidates as [number, number];
    return { utcMs: early >= notBeforeUtcMs ? early : late, dst: 'dst-repeat' };
  }
  // In a spring-forward gap: the wall time was never shown by a correct clock; read it with
  // the offset in force before the gap (standard time), which lands just after the gap.
  const before = zoneOffsetMs(wall - 86_400_000, correction.timeZone);
  return { utcMs: wall - before, dst: 'dst-gap' };
}
