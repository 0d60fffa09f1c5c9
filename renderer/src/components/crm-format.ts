import { localDate } from '../../../common/time/local-days';

/** The clinic's calendar zone: this workstation's zone (clinic settings may name one later). */
export function clinicZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function todayIso(nowMs = Date.now()): string {
  return localDate(nowMs, clinicZone());
}

export function formatDue(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Value for an <input type="datetime-local"> from an instant, in this workstation's zone. */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The instant an <input type="datetime-local"> names, or NaN when empty. */
export function fromDateTimeLocal(value: string): number {
  return value ? new Date(value).getTime() : Number.NaN;
}

/** End of today's working day (17:00 local), or an hour from now when that has passed. */
export function defaultDueMs(nowMs = Date.now()): number {
  const d = new Date(nowMs);
  d.setHours(17, 0, 0, 0);
  return d.getTime() > nowMs ? d.getTime() : nowMs + 3_600_000 - (nowMs % 60_000);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
