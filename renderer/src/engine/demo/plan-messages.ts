import type { MessageChannel, MessageStatus } from '../../../../common/messaging/message';
import type { TemplateValues } from '../../../../common/messaging/template';
import { pick, seededRandom, seedFor } from './random';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** One message of a demo patient's thread, before consent is checked. */
export interface PlannedMessage {
  channel: MessageChannel;
  direction: 'outbound' | 'inbound' | 'internal';
  createdMs: number;
  /** What became of it once sent (ignored when the message is withheld). */
  outcome: MessageStatus;
  sentMs?: number;
  error?: string;
  /** A default template's name, rendered by the recorder with `values`; otherwise `body` is the text. */
  template?: string;
  values?: TemplateValues;
  subject?: string;
  body: string;
  authorName: string;
  /** A reply only exists if the message it answers reached the patient. */
  inReplyTo?: number;
}

export interface MessagePlanInput {
  mrn: string;
  givenName: string;
  familyName: string;
  preferredChannel: 'sms' | 'email' | 'phone' | 'portal' | 'in-app';
  monitored: boolean;
  clinicName: string;
  nurse: string;
  physician: string;
  appointments: readonly { startMs: number; status: string }[];
  calls: readonly { atMs: number; minutes: number; note: string }[];
  historyStartMs: number;
  endMs: number;
  seed: number;
}

const REPLIES = ['Thank you, I will be there.', 'Thanks for the reminder!', 'Could I come a little later in the afternoon?', 'Got it, see you then.', 'Will I need to fast before the visit?'];
const NOTES = [
  'please review the home blood pressure trend before the next visit.',
  'patient asked about a medication refill; prescription to be renewed.',
  'caregiver (daughter) will bring the patient to appointments from now on.',
  'device battery replaced at the front desk; readings should resume.',
  'patient prefers morning calls.',
];

function outcomeFor(rand: () => number, channel: MessageChannel): { outcome: MessageStatus; error?: string } {
  if (channel === 'sms') return rand() < 0.96 ? { outcome: 'delivered' } : { outcome: 'failed', error: 'the carrier did not deliver the message' };
  if (channel === 'email') return { outcome: rand() < 0.6 ? 'delivered' : 'sent' };
  return { outcome: rand() < 0.7 ? 'read' : 'delivered' };
}

/**
 * A year of one patient's message thread: a reminder the day before each appointment on
 * the patient's preferred channel (a reminder call for those who prefer the phone), a few
 * replies, the monitoring nurse's logged calls, nudges and encouragement for monitored
 * patients, an annual check-up invitation, and staff-to-staff notes on some patients.
 * Pure and deterministic for a seed; consent is checked when the plan is recorded.
 */
export function planDemoMessages(p: MessagePlanInput): PlannedMessage[] {
  const rand = seededRandom(seedFor(p.seed, `messages:${p.mrn}`));
  const out: PlannedMessage[] = [];
  const phone = p.preferredChannel === 'phone';
  const channel: MessageChannel = p.preferredChannel === 'phone' ? 'phone-log' : p.preferredChannel;
  const span = Math.max(1, Math.floor((p.endMs - p.historyStartMs) / DAY));
  const dayAt = (dayIndex: number, hour: number) => p.historyStartMs + dayIndex * DAY + Math.round(hour * HOUR);
  const toPatient = (m: Omit<PlannedMessage, 'channel' | 'direction' | 'outcome' | 'authorName'>, author: string) => {
    if (m.createdMs > p.endMs || m.createdMs < p.historyStartMs) return;
    if (phone) {
      out.push({ ...m, channel: 'phone-log', direction: 'outbound', outcome: 'logged', authorName: author, body: `Phoned: ${m.body}` });
      return;
    }
    const { outcome, error } = outcomeFor(rand, channel);
    out.push({ ...m, channel, direction: 'outbound', outcome, ...(error ? { error } : {}), sentMs: m.createdMs + Math.round((0.5 + rand() * 3) * MINUTE), authorName: author });
    if (outcome !== 'failed' && rand() < 0.15) {
      const replyMs = m.createdMs + Math.round((0.3 + rand() * 5) * HOUR);
      if (replyMs <= p.endMs) out.push({ channel, direction: 'inbound', createdMs: replyMs, outcome: 'read', body: pick(rand, REPLIES), authorName: `${p.givenName} ${p.familyName}`, inReplyTo: out.length - 1 });
    }
  };

  for (const a of p.appointments) {
    if (a.status === 'cancelled') continue;
    const day = Math.floor(a.startMs / DAY) * DAY - DAY;
    toPatient({ createdMs: day + Math.round((10 + rand() * 6) * HOUR), template: 'Appointment reminder', values: { 'appointment.time': new Date(a.startMs).toUTCString().slice(0, 22) }, body: `appointment reminder for ${new Date(a.startMs).toUTCString().slice(0, 22)}` }, 'CareLoop reminders');
  }
  if (rand() < 0.6) {
    toPatient({ createdMs: dayAt(Math.floor(rand() * span), 11), subject: `Time for your annual check-up at ${p.clinicName}`, body: `Hello ${p.givenName}, it is time for your annual check-up at ${p.clinicName}. Reply or call us to book a visit.` }, p.physician);
  }
  if (p.monitored) {
    const nudges = Math.floor(rand() * 4);
    for (let i = 0; i < nudges; i++) toPatient({ createdMs: dayAt(Math.floor(rand() * span), 9 + rand() * 2), template: 'No readings for 3 days', body: 'no readings for 3 days' }, p.nurse);
    const praise = Math.floor(rand() * 3);
    for (let i = 0; i < praise; i++) toPatient({ createdMs: dayAt(Math.floor(rand() * span), 17 + rand()), template: 'Well done this week', body: 'well done this week' }, p.nurse);
    for (const c of p.calls) {
      if (c.atMs <= p.endMs) out.push({ channel: 'phone-log', direction: 'outbound', createdMs: c.atMs, outcome: 'logged', body: `${c.note} (${c.minutes} min).`, authorName: p.nurse });
    }
  }
  const notes = rand() < 0.25 ? 1 + Math.floor(rand() * 2) : 0;
  for (let i = 0; i < notes; i++) {
    out.push({ channel: 'staff-note', direction: 'internal', createdMs: dayAt(Math.floor(rand() * span), 12 + rand() * 4), outcome: 'logged', body: `For ${p.physician}: ${pick(rand, NOTES)}`, authorName: p.nurse });
  }
  // Stable order by time; a reply keeps pointing at its message.
  const order = out.map((m, i) => ({ m, i })).sort((a, b) => a.m.createdMs - b.m.createdMs || a.i - b.i);
  const newIndex = new Map(order.map((x, j) => [x.i, j]));
  return order.map(({ m }) => (m.inReplyTo === undefined ? m : { ...m, inReplyTo: newIndex.get(m.inReplyTo)! }));
}
