import { seededRandom, seedFor } from './random';

const DAY = 86_400_000;

/** Staff time on one monitored patient in one calendar month, and the calls among it. */
export interface PlannedTime {
  atMs: number;
  minutes: number;
  activity: 'data-review' | 'interactive-call';
  note: string;
}

export interface RpmWorkPlan {
  time: PlannedTime[];
  /** Whether the care team is behind with this patient: an open, overdue-ish call task. */
  behind: boolean;
}

const YMD = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const serviceDate = YMD;

/**
 * A year of remote-monitoring management for one enrolled patient: a data review or two a month
 * and, most months, an interactive call. Engagement varies by patient, so some months reach
 * 20 minutes with a call (CPT 99457) and some do not. Deterministic for a seed and MRN.
 */
export function planRpmWork(mrn: string, seed: number, historyStartMs: number, endMs: number): RpmWorkPlan {
  const rand = seededRandom(seedFor(seed, `rpm:${mrn}`));
  const engagement = rand();
  const time: PlannedTime[] = [];
  const first = new Date(historyStartMs);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); Date.UTC(y, m, 1) <= endMs; m === 11 ? ((m = 0), y++) : m++) {
    const monthStart = Math.max(historyStartMs, Date.UTC(y, m, 1));
    const monthEnd = Math.min(endMs, Date.UTC(y, m + 1, 1) - 1);
    const span = Math.max(1, Math.floor((monthEnd - monthStart) / DAY));
    const at = () => monthStart + Math.floor(rand() * span) * DAY + Math.round((9 + rand() * 7) * 3_600_000);
    const reviews = 1 + (rand() < engagement ? 1 : 0);
    for (let i = 0; i < reviews; i++) {
      const t = at();
      if (t <= endMs) time.push({ atMs: t, minutes: 4 + Math.floor(rand() * 9), activity: 'data-review', note: 'Reviewed home readings and trends' });
    }
    if (rand() < 0.35 + engagement * 0.6) {
      const t = at();
      if (t <= endMs) time.push({ atMs: t, minutes: 5 + Math.floor(rand() * (6 + engagement * 14)), activity: 'interactive-call', note: 'Called the patient about their readings and medication' });
    }
  }
  time.sort((a, b) => a.atMs - b.atMs);
  return { time, behind: engagement < 0.3 };
}
