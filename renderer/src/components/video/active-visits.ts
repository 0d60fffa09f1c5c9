/**
 * Video visits in progress on this workstation: appointment id → when staff joined. Kept in
 * sessionStorage so that moving between screens or reloading does not lose a running visit;
 * nothing about the patient is stored, only the appointment id and a time.
 */

const KEY = 'careloop:video-visits';

function read(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  } catch {
    return {};
  }
}

function write(visits: Record<string, number>): void {
  sessionStorage.setItem(KEY, JSON.stringify(visits));
}

export function joinedAt(appointmentId: string): number | undefined {
  return read()[appointmentId];
}

export function markJoined(appointmentId: string, atMs: number): void {
  const visits = read();
  visits[appointmentId] ??= atMs;
  write(visits);
}

/** Forgets the visit and says when it was joined. */
export function markEnded(appointmentId: string): number | undefined {
  const visits = read();
  const joined = visits[appointmentId];
  delete visits[appointmentId];
  write(visits);
  return joined;
}
