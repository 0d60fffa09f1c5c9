import type { Observation } from '../../../../common/readings/observation';
import type { CareLoopDb } from '../database';
import { workflowRunSource } from '../../engine/workflows/timeline-source';

export const TIMELINE_KINDS = ['reading', 'download', 'alert', 'appointment', 'message', 'note', 'task', 'consent'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One line of a patient's timeline: what happened, when, and where to see more. */
export interface TimelineItem {
  key: string;
  kind: TimelineKind;
  timeMs: number;
  title: string;
  detail?: string;
  /** Set when automation did it: the workflow or rule's name. */
  automation?: string;
  tone?: 'normal' | 'warn' | 'danger' | 'ok';
}

/** A source of timeline items for one patient in a window; each record type contributes one. */
export type TimelineSource = (db: CareLoopDb, patientId: string, fromMs: number, toMs: number) => Promise<TimelineItem[]>;

const UNIT_LABEL: Record<string, string> = { 'mm[Hg]': 'mmHg', '/min': '/min', Cel: '°C', '[degF]': '°F', '%': '%' };
const METRIC_LABEL: Record<string, string> = {
  'blood-pressure-systolic': 'Systolic',
  'blood-pressure-diastolic': 'Diastolic',
  'blood-pressure-mean': 'Mean arterial pressure',
  'pulse-rate': 'Pulse',
  'heart-rate': 'Heart rate',
  glucose: 'Glucose',
  'body-weight': 'Weight',
  'body-temperature': 'Temperature',
  spo2: 'SpO₂',
  'respiratory-rate': 'Respiratory rate',
  steps: 'Steps',
};

const fmtValue = (o: Observation) => (Number.isFinite(o.value) ? `${Math.round(o.value * 10) / 10} ${UNIT_LABEL[o.unit] ?? o.unit}` : 'no value');

/** Readings taken together (a blood pressure's systolic, diastolic and pulse) are one line. */
export function readingItems(observations: readonly Observation[]): TimelineItem[] {
  const groups = new Map<string, Observation[]>();
  for (const o of observations) {
    const k = o.groupId ?? o.id;
    const g = groups.get(k);
    if (g) g.push(o);
    else groups.set(k, [o]);
  }
  const out: TimelineItem[] = [];
  for (const [k, g] of groups) {
    const sys = g.find((o) => o.metric === 'blood-pressure-systolic');
    const dia = g.find((o) => o.metric === 'blood-pressure-diastolic');
    const flagged = g.some((o) => o.flags.length > 0);
    let title: string;
    if (sys && dia) {
      const rest = g.filter((o) => o !== sys && o !== dia && o.metric !== 'blood-pressure-mean');
      title = `Blood pressure ${Math.round(sys.value)}/${Math.round(dia.value)} mmHg${rest.map((o) => `, ${METRIC_LABEL[o.metric] ?? o.metric} ${fmtValue(o)}`).join('')}`;
    } else {
      title = g.map((o) => `${METRIC_LABEL[o.metric] ?? o.metric} ${fmtValue(o)}`).join(', ');
    }
    const flags = [...new Set(g.flatMap((o) => o.flags))];
    const first = g[0]!;
    out.push({
      key: `reading:${k}`,
      kind: 'reading',
      timeMs: first.timeMs,
      title,
      detail: [first.source.kind === 'device' ? (first.source.grade === 'consumer' ? 'consumer device' : 'device') : first.source.kind, flags.length ? `flags: ${flags.join(', ')}` : ''].filter(Boolean).join(' · '),
      tone: flagged ? 'warn' : 'normal',
    });
  }
  return out;
}

export const readingSource: TimelineSource = async (db, patientId, fromMs, toMs) =>
  readingItems(await db.observations.where('[patientId+timeMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray());

export const downloadSource: TimelineSource = async (db, patientId, fromMs, toMs) => {
  const rows = await db.deviceSessions.where('[patientId+startedMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray();
  const devices = await db.devices.bulkGet([...new Set(rows.map((r) => r.deviceId))]);
  return rows.map((s) => {
    const d = devices.find((x) => x?.id === s.deviceId);
    return {
      key: `download:${s.id}`,
      kind: 'download' as const,
      timeMs: s.startedMs,
      title: `${d?.label ?? 'Device'} download ${s.outcome}: ${s.newReadings} new, ${s.duplicates} already stored`,
      detail: [`by ${s.actor}`, s.error?.message, ...s.warnings].filter(Boolean).join(' · '),
      tone: s.outcome === 'completed' ? ('ok' as const) : ('warn' as const),
    };
  });
};

export const appointmentSource: TimelineSource = async (db, patientId, fromMs, toMs) => {
  const rows = (await db.appointments.where('[patientId+startMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray()).filter((a) => !a.deleted);
  const [types, staff] = await Promise.all([db.appointmentTypes.toArray(), db.staff.toArray()]);
  return rows.map((a) => ({
    key: `appointment:${a.id}`,
    kind: 'appointment' as const,
    timeMs: a.startMs,
    title: `${types.find((t) => t.id === a.typeId)?.name ?? 'Appointment'} with ${staff.find((s) => s.id === a.staffId)?.name ?? 'clinician'} (${a.status})`,
    detail: [a.modality, a.reason, a.cancelReason ? `cancelled: ${a.cancelReason}` : ''].filter(Boolean).join(' · '),
    tone: a.status === 'no-show' ? ('warn' as const) : ('normal' as const),
  }));
};

export const messageSource: TimelineSource = async (db, patientId, fromMs, toMs) =>
  (await db.messages.where('[patientId+createdMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray()).map((m) => ({
    key: `message:${m.id}`,
    kind: 'message' as const,
    timeMs: m.createdMs,
    title: `${m.channel === 'staff-note' ? 'Staff note' : m.channel === 'phone-log' ? 'Phone call' : `${m.channel.toUpperCase()} ${m.direction}`}: ${m.body.length > 90 ? `${m.body.slice(0, 90)}…` : m.body}`,
    detail: [`${m.status}`, `by ${m.authorName}`, m.error].filter(Boolean).join(' · '),
    ...(m.automation ? { automation: m.automation.name } : {}),
    tone: m.status === 'withheld' || m.status === 'failed' ? ('warn' as const) : ('normal' as const),
  }));

export const consentSource: TimelineSource = async (db, patientId, fromMs, toMs) =>
  (await db.consents.where('patientId').equals(patientId).toArray())
    .filter((c) => c.recordedMs >= fromMs && c.recordedMs < toMs)
    .map((c) => ({ key: `consent:${c.id}`, kind: 'consent' as const, timeMs: c.recordedMs, title: `Consent ${c.status}: ${c.purpose}`, detail: `${c.method}, recorded by ${c.recordedBy}${c.document ? ` · ${c.document}` : ''}`, tone: c.status === 'withdrawn' ? ('warn' as const) : ('normal' as const) }));

export const alertSource: TimelineSource = async (db, patientId, fromMs, toMs) =>
  (await db.alerts.where('[patientId+openedAtMs]').between([patientId, fromMs], [patientId, toMs], true, false).toArray()).map((a) => ({
    key: `alert:${a.id}`,
    kind: 'alert' as const,
    timeMs: a.openedAtMs,
    title: `${a.priority === 'high' ? 'High' : a.priority === 'medium' ? 'Medium' : 'Low'}-priority alert: ${a.ruleName} (${a.status})`,
    detail: [Object.entries(a.values).map(([k, v]) => `${k} ${Math.round(v * 10) / 10}`).join(', '), a.assignee ? `with ${a.assignee}` : '', a.resolvedBy ? `resolved by ${a.resolvedBy}` : ''].filter(Boolean).join(' · '),
    automation: `rule ${a.ruleId} v${a.ruleVersion}`,
    tone: a.status === 'resolved' ? ('normal' as const) : a.priority === 'high' ? ('danger' as const) : ('warn' as const),
  }));

export const DEFAULT_SOURCES: TimelineSource[] = [readingSource, downloadSource, alertSource, appointmentSource, messageSource, consentSource, workflowRunSource];

/** The patient's timeline in a window, newest first. */
export async function loadTimeline(db: CareLoopDb, patientId: string, fromMs: number, toMs: number, sources: readonly TimelineSource[] = DEFAULT_SOURCES): Promise<TimelineItem[]> {
  const parts = await Promise.all(sources.map((s) => s(db, patientId, fromMs, toMs)));
  return parts.flat().sort((a, b) => b.timeMs - a.timeMs || a.key.localeCompare(b.key));
}
