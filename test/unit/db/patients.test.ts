import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../common/audit/chain';
import { decodeHlc } from '../../../common/sync/hlc';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock } from '../../../renderer/src/db/journal';
import { PatientRepository, PatientValidationError, countPatients, searchPatients } from '../../../renderer/src/db/patients';

// fake-indexeddb stands in for the browser's IndexedDB here; the same code runs against
// Chromium's real IndexedDB in the end-to-end tests.
let db: CareLoopDb;
let repo: PatientRepository;
let n = 0;

const ada = {
  givenName: 'Ada',
  familyName: 'Lovelace',
  birthDate: '1961-12-10',
  sex: 'female',
  mrn: 'MRN-1001',
  phone: '+44 20 7946 0018',
  preferredChannel: 'sms',
  conditions: [{ display: 'Essential hypertension', code: 'I10' }],
};

beforeEach(async () => {
  db = new CareLoopDb(`test-${n++}`);
  await db.open();
  repo = new PatientRepository(db, { actor: 'Nurse Test', workstation: 'ws1', clinicId: 'clinic-1', clock: await openClock(db, 'ws1u') });
});

describe('PatientRepository', () => {
  it('creates a patient with per-field clock stamps, an audit entry and an outbox change in one go', async () => {
    const p = await repo.create(ada);
    expect(p.status).toBe('active');
    expect(p.stamps.familyName).toBeDefined();
    expect(decodeHlc(p.stamps.familyName!).node).toBe('ws1u');
    const audit = await db.audit.toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('patient.create');
    expect(audit[0]!.changes!.familyName!.after).toBe('Lovelace');
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.fields.familyName!.value).toBe('Lovelace');
  });

  it('refuses invalid input with a message per field and writes nothing', async () => {
    const bad = { ...ada, givenName: '', birthDate: '1961-02-30', email: 'not-an-email', preferredChannel: 'email' };
    const err = await repo.create(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PatientValidationError);
    const fields = (err as PatientValidationError).fields;
    expect(fields.givenName).toMatch(/given name/);
    expect(fields.birthDate).toMatch(/not a real date/);
    expect(fields.email).toMatch(/email address/);
    expect(await db.patients.count()).toBe(0);
    expect(await db.audit.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('refuses a duplicate MRN (case-insensitive) and keeps the first record', async () => {
    await repo.create(ada);
    const err = await repo.create({ ...ada, givenName: 'Augusta', mrn: 'mrn-1001' }).catch((e: unknown) => e);
    expect((err as PatientValidationError).fields.mrn).toMatch(/already used by Lovelace, Ada/);
    expect(await db.patients.count()).toBe(1);
    expect(await db.audit.count()).toBe(1);
  });

  it('updates only changed fields, stamping just those, and audits before and after', async () => {
    const p = await repo.create(ada);
    const edited = await repo.update(p.id, { ...PatientRepository.editable(p), phone: '+44 20 7946 0999' });
    expect(edited.phone).toBe('+44 20 7946 0999');
    expect(edited.stamps.phone! > p.stamps.phone!).toBe(true);
    expect(edited.stamps.familyName).toBe(p.stamps.familyName);
    const last = await db.audit.orderBy('seq').last();
    expect(last!.action).toBe('patient.update');
    expect(Object.keys(last!.changes!)).toEqual(['phone']);
    expect(last!.changes!.phone).toEqual({ before: '+44 20 7946 0018', after: '+44 20 7946 0999' });
    const outbox = await db.outbox.toArray();
    expect(Object.keys(outbox[1]!.fields)).toEqual(['phone']);
  });

  it('archives and restores; archived patients leave the active list', async () => {
    const p = await repo.create(ada);
    await repo.archive(p.id, 'moved away');
    expect(await countPatients(db, 'active')).toBe(0);
    expect((await searchPatients(db, { text: 'lovelace', status: 'archived', limit: 10 })).total).toBe(1);
    await repo.restore(p.id);
    expect(await countPatients(db, 'active')).toBe(1);
    const actions = (await db.audit.toArray()).map((a) => a.action);
    expect(actions).toEqual(['patient.create', 'patient.archive', 'patient.restore']);
  });

  it('keeps an intact audit hash chain across writes', async () => {
    const p = await repo.create(ada);
    await repo.update(p.id, { ...PatientRepository.editable(p), tags: ['diabetes-clinic'] });
    await repo.archive(p.id);
    const chain = await db.audit.orderBy('seq').toArray();
    expect(verifyAuditChain(chain)).toEqual({ intact: true, entries: 3 });
  });
});

describe('searchPatients', () => {
  beforeEach(async () => {
    await repo.create(ada);
    await repo.create({ ...ada, givenName: 'Charles', familyName: 'Babbage', mrn: 'MRN-2002', birthDate: '1991-12-26', phone: '555-0142' });
    await repo.create({ ...ada, givenName: 'José', familyName: 'Núñez', mrn: 'X77', birthDate: '1970-01-05', phone: '+1 (617) 555-0199' });
  });

  const names = async (text: string) => (await searchPatients(db, { text, status: 'active', limit: 50 })).rows.map((r) => r.familyName);

  it('finds by name prefix, accent-insensitive, in any order of terms', async () => {
    expect(await names('lov')).toEqual(['Lovelace']);
    expect(await names('nunez jo')).toEqual(['Núñez']);
    expect(await names('ada lovelace')).toEqual(['Lovelace']);
  });
  it('finds by MRN, phone (whole or its end) and date of birth in several forms', async () => {
    expect(await names('mrn-2002')).toEqual(['Babbage']);
    expect(await names('6175550199')).toEqual(['Núñez']);
    expect(await names('0199')).toEqual(['Núñez']);
    expect(await names('(617) 555-0199')).toEqual(['Núñez']);
    expect(await names('1991-12-26')).toEqual(['Babbage']);
    expect(await names('26/12/1991')).toEqual(['Babbage']);
    expect(await names('12/26/1991')).toEqual(['Babbage']);
  });
  it('lists everyone alphabetically for an empty query, with the total', async () => {
    const page = await searchPatients(db, { text: '', status: 'active', limit: 2 });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.familyName)).toEqual(['Babbage', 'Lovelace']);
  });
  it('finds nothing for a non-matching query', async () => {
    expect(await names('zzz')).toEqual([]);
  });
});
