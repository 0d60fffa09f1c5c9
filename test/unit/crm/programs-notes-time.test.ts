import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentNotes } from '../../../common/notes/note';
import { DEFAULT_PROGRAMS } from '../../../common/programs/defaults';
import { monitoringStartMs } from '../../../common/programs/program';
import { addNote, notesFor, NoteValidationError } from '../../../renderer/src/db/notes';
import { endEnrolment, enrol, enrolmentsFor, EnrolmentStateError, EnrolmentValidationError, ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { logTime, removeTime, timeLogBetween, timeLogInMonth, TimeLogValidationError } from '../../../renderer/src/db/time-log';
import { openCrmFixture, type CrmFixture } from './crm-test-db';

let f: CrmFixture;
const START = Date.parse('2026-03-01T15:00:00Z');

beforeEach(async () => {
  f = await openCrmFixture('crm');
});

describe('care programs and enrolment', () => {
  it('seeds the five default programs once, with devices, schedule, targets, rules and messages', async () => {
    await ensureDefaultPrograms(f.db, f.ctx);
    await ensureDefaultPrograms(f.db, f.ctx);
    const programs = await listPrograms(f.db);
    expect(programs.map((p) => p.key).sort()).toEqual(['copd', 'diabetes', 'heart-failure', 'hypertension', 'post-discharge']);
    const htn = programs.find((p) => p.key === 'hypertension')!;
    expect(htn.deviceKinds).toEqual(['bp-cuff']);
    expect(htn.schedule[0]!.timesPerDay).toBe(2);
    expect(htn.targets.map((t) => t.below)).toEqual([130, 80]);
    expect(htn.ruleIds).toContain('bp-hypertensive-crisis');
    expect(await f.db.audit.where('action').equals('program.create').count()).toBe(DEFAULT_PROGRAMS.length);
    for (const p of DEFAULT_PROGRAMS) expect(p.metrics.length * p.deviceKinds.length * p.schedule.length * p.targets.length * p.ruleIds.length * p.messagePlan.length).toBeGreaterThan(0);
  });

  it('enrols a patient, starts monitoring and tags them through the audited patient repository', async () => {
    await ensureDefaultPrograms(f.db, f.ctx);
    const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
    const e = await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: 'Stage 2 in clinic, home BP to titrate' });
    expect(e).toMatchObject({ status: 'active', startMs: START, enrolledBy: 'Nurse Jordan Lee' });
    const patient = (await f.db.patients.get(f.patient.id))!;
    expect(patient.tags).toEqual(['diabetes-education', 'remote-monitoring']);
    const tagAudit = await f.db.audit.where('action').equals('patient.update').toArray();
    expect(tagAudit).toHaveLength(1);
    expect(tagAudit[0]!.changes!.tags).toEqual({ before: ['diabetes-education'], after: ['diabetes-education', 'remote-monitoring'] });
    expect(await f.db.audit.where('action').equals('program.enrol').count()).toBe(1);
    expect(await f.db.outbox.where('[table+rowId]').equals(['patients', f.patient.id]).count()).toBeGreaterThan(1);

    // A second program does not re-tag nor restart the monitoring period.
    const dm = (await listPrograms(f.db)).find((p) => p.key === 'diabetes')!;
    await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: dm.id, startMs: START + 5 * 86_400_000, reason: 'A1c 8.9 %' });
    expect(await f.db.audit.where('action').equals('patient.update').count()).toBe(1);
    const list = await enrolmentsFor(f.db, f.patient.id);
    expect(list.map((x) => x.program!.key)).toEqual(['diabetes', 'hypertension']);
    expect(monitoringStartMs(list.map((x) => x.enrolment))).toBe(START);
  });

  it('refuses a duplicate active enrolment, unknown programs and archived patients; nothing is written', async () => {
    await ensureDefaultPrograms(f.db, f.ctx);
    const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
    await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: 'r' });
    await expect(enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: 'again' })).rejects.toThrow('Ruth Okafor is already enrolled in Hypertension.');
    await expect(enrol(f.db, f.ctx, { patientId: f.patient.id, programId: 'nope', startMs: START, reason: 'r' })).rejects.toThrow(/programId is not an active care program/);
    const err = await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: ' ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrolmentValidationError);
    expect((err as EnrolmentValidationError).fields.reason).toBe('say why the patient is enrolled');
    const other = await new PatientRepository(f.db, f.ctx).create({ givenName: 'Al', familyName: 'Ng', birthDate: '1960-01-01', sex: 'male', mrn: 'CRM-2', phone: '+1 555 0100 8888' });
    await new PatientRepository(f.db, f.ctx).archive(other.id);
    await expect(enrol(f.db, f.ctx, { patientId: other.id, programId: htn.id, startMs: START, reason: 'r' })).rejects.toBeInstanceOf(EnrolmentStateError);
    expect((await f.db.patients.get(other.id))!.tags).toEqual([]);
    expect(await f.db.enrolments.count()).toBe(1);
  });

  it('ends an enrolment once, not before it started', async () => {
    await ensureDefaultPrograms(f.db, f.ctx);
    const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
    const e = await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: 'r' });
    await expect(endEnrolment(f.db, f.ctx, e.id, { endMs: START - 1, reason: 'x' })).rejects.toThrow(/endMs cannot be before/);
    const ended = await endEnrolment(f.db, f.ctx, e.id, { endMs: START + 86_400_000, reason: 'BP controlled' });
    expect(ended).toMatchObject({ status: 'ended', endReason: 'BP controlled' });
    await expect(endEnrolment(f.db, f.ctx, e.id, { endMs: START + 2 * 86_400_000, reason: 'again' })).rejects.toThrow('That enrolment has already ended.');
    expect(monitoringStartMs([ended])).toBeUndefined();
    // Ended, it can be enrolled again.
    await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START + 3 * 86_400_000, reason: 'relapse' });
  });
});

describe('time log', () => {
  it('logs minutes with the interactive flag defaulted from the activity', async () => {
    const review = await logTime(f.db, f.ctx, { patientId: f.patient.id, staffId: f.nurseId, staffName: 'Nurse Jordan Lee', minutes: 12, date: '2026-03-02', activity: 'data-review' });
    const call = await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'Nurse Jordan Lee', minutes: 10, date: '2026-03-03', activity: 'interactive-call', note: 'discussed evening readings' });
    expect(review.interactive).toBe(false);
    expect(call.interactive).toBe(true);
    expect(await f.db.audit.where('action').equals('time-log.add').count()).toBe(2);
    expect((await timeLogInMonth(f.db, f.patient.id, '2026-03')).map((e) => e.minutes)).toEqual([12, 10]);
    expect(await timeLogInMonth(f.db, f.patient.id, '2026-04')).toEqual([]);
  });

  it('validates minutes, dates, activity and the interactive flag', async () => {
    const base = { patientId: f.patient.id, staffName: 'N', date: '2026-03-02', activity: 'data-review' as const };
    const fields = async (input: Parameters<typeof logTime>[2]) => ((await logTime(f.db, f.ctx, input).catch((e: unknown) => e)) as TimeLogValidationError).fields;
    expect((await fields({ ...base, minutes: 0 })).minutes).toBe('at least 1 minute');
    expect((await fields({ ...base, minutes: 2.5 })).minutes).toBe('whole minutes only');
    expect((await fields({ ...base, minutes: 300 })).minutes).toMatch(/at most 240 minutes/);
    expect((await fields({ ...base, minutes: 5, date: '2026-02-30' })).date).toBe('is not a real date');
    expect((await fields({ ...base, minutes: 5, interactive: true })).interactive).toMatch(/not a real-time contact/);
    expect((await fields({ ...base, minutes: 5, activity: 'video-visit', interactive: false })).interactive).toMatch(/interactive contacts/);
    expect((await fields({ ...base, minutes: 5, patientId: 'ghost' })).patientId).toMatch(/not a patient/);
    expect(await f.db.timeLog.count()).toBe(0);
  });

  it('removes an entry logged in error as an audited tombstone', async () => {
    const e = await logTime(f.db, f.ctx, { patientId: f.patient.id, staffName: 'N', minutes: 30, date: '2026-03-05', activity: 'care-plan' });
    await expect(removeTime(f.db, f.ctx, e.id, '  ')).rejects.toBeInstanceOf(TimeLogValidationError);
    await removeTime(f.db, f.ctx, e.id, 'wrong patient');
    expect(await timeLogBetween(f.db, f.patient.id, '2026-03-01', '2026-03-31')).toEqual([]);
    expect((await f.db.timeLog.get(e.id))!.deleted).toBe(true);
    expect((await f.db.audit.where('action').equals('time-log.remove').first())!.reason).toBe('wrong patient');
  });
});

describe('clinical notes', () => {
  it('appends notes; an amendment is a new note and replaces the original in the current view', async () => {
    const first = await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'phone', text: 'Called: readings taken at night.' });
    const second = await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'progress', text: 'BP trending down.' });
    const amended = await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'phone', text: 'Called: readings taken in the morning.', amendsNoteId: first.id });
    expect(amended).toMatchObject({ amendsNoteId: first.id, authorName: 'Nurse Jordan Lee' });
    expect((await f.db.clinicalNotes.get(first.id))!.text).toBe('Called: readings taken at night.');
    const all = await notesFor(f.db, f.patient.id);
    expect(all).toHaveLength(3);
    expect(currentNotes(all).map((n) => n.id).sort()).toEqual([second.id, amended.id].sort());
    expect(await f.db.audit.where('action').equals('note.add').count()).toBe(3);
  });

  it('refuses empty notes, amending twice and amending another patient’s note', async () => {
    await expect(addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'visit', text: '   ' })).rejects.toThrow(/write the note first/);
    const n1 = await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'visit', text: 'Seen in clinic.' });
    await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'visit', text: 'Seen in clinic with daughter.', amendsNoteId: n1.id });
    const twice = await addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'visit', text: 'again', amendsNoteId: n1.id }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(NoteValidationError);
    expect((twice as NoteValidationError).fields.amendsNoteId).toMatch(/already been amended/);
    const other = await new PatientRepository(f.db, f.ctx).create({ givenName: 'Al', familyName: 'Ng', birthDate: '1960-01-01', sex: 'male', mrn: 'CRM-3', phone: '+1 555 0100 8888' });
    await expect(addNote(f.db, f.ctx, { patientId: other.id, kind: 'visit', text: 'x', amendsNoteId: n1.id })).rejects.toThrow(/not a note of this patient/);
    await expect(addNote(f.db, f.ctx, { patientId: f.patient.id, kind: 'letter' as 'visit', text: 'x' })).rejects.toThrow(/choose progress, phone or visit/);
  });
});
