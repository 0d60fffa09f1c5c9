import { NoteInput, type ClinicalNote } from '../../../common/notes/note';
import { fieldErrors, type FieldErrors } from '../../../common/patient/patient';
import type { CrmDb } from './crm-tables';
import type { WriteContext } from './journal';
import { insertRow } from './synced-rows';

export class NoteValidationError extends Error {
  override readonly name = 'NoteValidationError';
  constructor(readonly fields: FieldErrors) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

/**
 * Adds a clinical note (append-only). An amendment names the note it amends, which must
 * be the patient's and not already amended, so each note has one linear history.
 */
export async function addNote(db: CrmDb, ctx: WriteContext, input: NoteInput): Promise<ClinicalNote> {
  const parsed = NoteInput.safeParse(input);
  if (!parsed.success) throw new NoteValidationError(fieldErrors(parsed.error));
  const n = parsed.data;
  return db.transaction('rw', [db.clinicalNotes, db.patients, db.audit, db.outbox, db.meta], async () => {
    const patient = await db.patients.get(n.patientId);
    if (!patient || patient.deleted) throw new NoteValidationError({ patientId: 'is not a patient on this workstation' });
    if (n.amendsNoteId) {
      const original = await db.clinicalNotes.get(n.amendsNoteId);
      if (!original || original.patientId !== n.patientId) throw new NoteValidationError({ amendsNoteId: 'is not a note of this patient' });
      if ((await db.clinicalNotes.where('amendsNoteId').equals(n.amendsNoteId).count()) > 0) throw new NoteValidationError({ amendsNoteId: 'has already been amended; amend the latest version' });
    }
    return insertRow<ClinicalNote>(
      db,
      ctx,
      db.clinicalNotes,
      {
        patientId: n.patientId,
        authorName: ctx.actor,
        kind: n.kind,
        text: n.text,
        createdMs: Date.now(),
        ...(n.amendsNoteId ? { amendsNoteId: n.amendsNoteId } : {}),
      } as Omit<ClinicalNote, 'id' | 'clinicId' | 'createdAt' | 'updatedAt' | 'deleted' | 'stamps'>,
      { action: 'note.add', entity: 'clinical-note', patientId: n.patientId },
    );
  });
}

/** Every note of a patient, versions included, newest first. */
export async function notesFor(db: CrmDb, patientId: string): Promise<ClinicalNote[]> {
  const rows = await db.clinicalNotes.where('[patientId+createdMs]').between([patientId, -Infinity], [patientId, Infinity]).toArray();
  return rows.filter((r) => !r.deleted).reverse();
}
