/**
 * Time-of-day arithmetic for the time-based triggers, in the clinic's zone. The zone is
 * passed in as `dayStart` (local midnight of the day holding a given instant) so this
 * stays pure and testable in any zone.
 */
export type DayStart = (ms: number) => number;

const DAY = 86_400_000;

/** 'HH:MM' on the day that starts at `dayStartMs`. */
export function atTime(dayStartMs: number, time: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return dayStartMs + (h * 60 + m) * 60_000;
}

/**
 * Scheduled times of day that fell in (fromMs, toMs], oldest first. A gap longer than
 * `maxLateMs` (the workstation was off) skips the stale ones: a morning reminder is not
 * sent in the afternoon.
 */
export function slotsBetween(times: readonly string[], fromMs: number, toMs: number, dayStart: DayStart, maxLateMs: number): { time: string; slotMs: number }[] {
  const earliest = Math.max(fromMs, toMs - maxLateMs);
  const out: { time: string; slotMs: number }[] = [];
  // Walk the local days that the window touches (a window can cross midnight).
  for (let day = dayStart(earliest); day <= toMs; day = dayStart(day + DAY + 3_600_000)) {
    for (const time of times) {
      const slotMs = atTime(day, time);
      if (slotMs > earliest && slotMs <= toMs) out.push({ time, slotMs });
    }
  }
  return out.sort((a, b) => a.slotMs - b.slotMs);
}

/** Is it the patient's birthday on the local date 'YYYY-MM-DD'? 29 February is kept on 28 February in other years. */
export function isBirthday(birthDate: string, localDate: string): boolean {
  const b = birthDate.slice(5);
  const d = localDate.slice(5);
  if (b === d) return true;
  const year = Number(localDate.slice(0, 4));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return b === '02-29' && !leap && d === '02-28';
}
