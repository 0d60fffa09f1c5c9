import { z } from 'zod';
import type { SyncedRow } from '../sync/stamped';

export const NOTE_KINDS = ['progress', 'phone', 'visit'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/**
 * A clinical note. Notes are append-only: nothing in a note is ever edited; an amendment
 * is a new note that names the note it amends, so the record shows what was written when.
 */
export interface ClinicalNote extends SyncedRow {
  patientId: string;
  authorName: string;
  kind: NoteKind;
  text: string;
  createdMs: number;
  /** The note this one amends. */
  amendsNoteId?: string;
}

export const NoteInput = z.object({
  patientId: z.string().min(1, 'choose a patient'),
  kind: z.enum(NOTE_KINDS, { error: 'choose progress, phone or visit' }),
  text: z.string().trim().min(1, 'write the note first').max(20_000, 'a note is limited to 20,000 characters'),
  amendsNoteId: z.string().optional().transform((v) => (v ? v : undefined)),
});
export type NoteInput = z.input<typeof NoteInput>;

/** The latest version of each note (amendments replace what they amend in the current view). */
export function currentNotes(notes: readonly ClinicalNote[]): ClinicalNote[] {
  const amended = new Set(notes.map((n) => n.amendsNoteId).filter((id): id is string => !!id));
  return notes.filter((n) => !amended.has(n.id) && !n.deleted).sort((a, b) => b.createdMs - a.createdMs || (b.id > a.id ? 1 : -1));
}
