import type { CareLoopDb } from '../../db/database';
import { runsForPatient, type ActionResult, type WorkflowRunRow } from './store';

/**
 * Timeline lines for what workflows did to a patient, each naming the workflow (the
 * `automation` field). Messages and care-team notes a workflow sent are already on the
 * timeline as messages carrying the workflow's name, so only actions that left no message
 * (a refusal) appear here for them. Structurally a TimelineItem (db/timeline/timeline.ts),
 * declared here so the timeline can import this without a cycle.
 */
export interface AutomationTimelineItem {
  key: string;
  kind: 'task' | 'appointment' | 'message' | 'note';
  timeMs: number;
  title: string;
  detail?: string;
  automation: string;
  tone: 'normal' | 'warn' | 'ok';
}

const KIND: Record<ActionResult['kind'], AutomationTimelineItem['kind']> = {
  'send-message': 'message',
  'notify-care-team': 'message',
  'create-task': 'task',
  'book-follow-up': 'appointment',
  'set-risk-tier': 'note',
};

const LABEL: Record<ActionResult['kind'], [done: string, not: string]> = {
  'send-message': ['Message sent', 'Message not sent'],
  'notify-care-team': ['Care team notified', 'Care team not notified'],
  'create-task': ['Task created', 'Task not created'],
  'book-follow-up': ['Follow-up booked', 'Follow-up not booked'],
  'set-risk-tier': ['Risk tier changed', 'Risk tier not changed'],
};

export function runTimelineItems(runs: readonly WorkflowRunRow[]): AutomationTimelineItem[] {
  const out: AutomationTimelineItem[] = [];
  for (const run of runs) {
    run.results.forEach((r, i) => {
      const isMessage = r.kind === 'send-message' || r.kind === 'notify-care-team';
      if (isMessage && r.createdId) return;
      const ok = r.status === 'done' || r.status === 'undone';
      out.push({
        key: `workflow:${run.id}:${i}`,
        kind: KIND[r.kind],
        timeMs: r.atMs,
        title: `${LABEL[r.kind][ok ? 0 : 1]}: ${r.detail}${r.status === 'undone' ? ' (undone)' : ''}`,
        detail: [run.eventSummary, r.status === 'undone' && run.undoneBy ? `undone by ${run.undoneBy}` : ''].filter(Boolean).join(' · '),
        automation: run.workflowName,
        tone: ok ? 'normal' : 'warn',
      });
    });
  }
  return out;
}

export async function workflowRunSource(db: CareLoopDb, patientId: string, fromMs: number, toMs: number): Promise<AutomationTimelineItem[]> {
  // Actions happen when a run is due, up to 7 days (the longest delay) after it was created.
  const runs = await runsForPatient(db, patientId, fromMs - 7 * 86_400_000, toMs);
  return runTimelineItems(runs).filter((i) => i.timeMs >= fromMs && i.timeMs < toMs);
}
