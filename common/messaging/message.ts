import type { SyncedRow } from '../sync/stamped';

export const MESSAGE_CHANNELS = ['sms', 'email', 'portal', 'in-app', 'phone-log', 'staff-note'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const MESSAGE_STATUSES = ['draft', 'queued', 'sent', 'delivered', 'failed', 'read', 'logged', 'withheld'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Channels that reach the patient and therefore need the patient's consent for that channel. */
export const PATIENT_CHANNELS: ReadonlySet<MessageChannel> = new Set(['sms', 'email', 'portal', 'in-app']);

export interface Message extends SyncedRow {
  patientId: string;
  direction: 'outbound' | 'inbound' | 'internal';
  channel: MessageChannel;
  subject?: string;
  body: string;
  status: MessageStatus;
  /** Phone number or email address at the time of sending. */
  to?: string;
  templateId?: string;
  /** The appointment the message is about (a reminder, a confirmation): the server attaches its calendar invitation. */
  appointmentId?: string;
  authorName: string;
  createdMs: number;
  sentMs?: number;
  error?: string;
  /** Set when a workflow sent it: which rule did. */
  automation?: { workflowId: string; name: string };
}

export interface MessageTemplate extends SyncedRow {
  name: string;
  channel: MessageChannel | 'any';
  subject?: string;
  body: string;
  active: boolean;
}
