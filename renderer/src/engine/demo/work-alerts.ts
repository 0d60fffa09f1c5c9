import { ACTIVE_STATUSES, type StoredAlert } from '../../db/alerts';
import type { CareLoopDb } from '../../db/database';
import type { AlertPipeline } from '../alerts/pipeline';
import { seededRandom, seedFor } from './random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Who works a demo patient's alerts, and the patient's MRN (a stable key for the seed). */
export interface AlertWorker {
  mrn: string;
  actor: string;
}

export interface AlertWork {
  acknowledged: number;
  resolved: number;
}

/**
 * Staff working the alert inbox in the past, as the rules raised it: each active alert of
 * these patients that opened before `untilMs` is acknowledged by the patient's nurse within
 * hours, and resolved a day or two after the engine saw its condition clear. Each step is
 * the lifecycle's own transition at that past time (AlertPipeline.act: audited, synced).
 * Alerts opened from `inboxFromMs` on are today's inbox: some acknowledged, none resolved.
 */
export async function workDemoAlerts(
  db: CareLoopDb,
  pipeline: AlertPipeline,
  workers: ReadonlyMap<string, AlertWorker>,
  untilMs: number,
  o: { seed: number; inboxFromMs: number },
): Promise<AlertWork> {
  const out: AlertWork = { acknowledged: 0, resolved: 0 };
  const active = (await db.alerts.where('status').anyOf([...ACTIVE_STATUSES]).toArray()).filter((a) => workers.has(a.patientId) && a.openedAtMs < untilMs && !a.deleted);
  const keyOf = (a: StoredAlert) => `${workers.get(a.patientId)!.mrn}|${a.ruleId}|${a.openedAtMs}`;
  active.sort((a, b) => a.openedAtMs - b.openedAtMs || (keyOf(a) < keyOf(b) ? -1 : 1));
  // Acknowledgements first, then resolutions, each as one batch of the lifecycle's own
  // transitions (an alert appears once per batch, so each step keeps its own audit entry).
  const plans = active.map((a) => {
    const rand = seededRandom(seedFor(o.seed, `alert:${keyOf(a)}`));
    const ackAt = a.openedAtMs + Math.round((0.25 + rand() * 10) * HOUR);
    const inInbox = a.openedAtMs >= o.inboxFromMs;
    const acknowledge = (a.status === 'open' || a.status === 'escalated') && ackAt <= untilMs && (!inInbox || rand() < 0.5);
    return { a, rand, ackAt, inInbox, acknowledge };
  });
  const acked = plans.filter((p) => p.acknowledge);
  const afterAck = new Map((await pipeline.actMany(acked.map((p) => ({ alertId: p.a.id, by: workers.get(p.a.patientId)!.actor, action: { kind: 'acknowledge' as const }, now: p.ackAt })))).map((r) => [r.id, r]));
  out.acknowledged += acked.length;
  const resolutions = [];
  for (const p of plans) {
    const current = afterAck.get(p.a.id) ?? p.a;
    if (p.inInbox || !current.conditionCleared) continue;
    const clearedBy = Math.max(current.acknowledgedAtMs ?? p.ackAt, current.lastRefireAtMs ?? current.openedAtMs);
    const resolveAt = clearedBy + Math.round((0.5 + p.rand() * 1.5) * DAY);
    if (resolveAt > untilMs) continue;
    resolutions.push({ alertId: p.a.id, by: workers.get(p.a.patientId)!.actor, action: { kind: 'resolve' as const, note: 'Reviewed the readings; back within the target range.' }, now: resolveAt });
  }
  await pipeline.actMany(resolutions);
  out.resolved += resolutions.length;
  return out;
}
