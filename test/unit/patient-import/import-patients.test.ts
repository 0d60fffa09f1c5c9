import 'fake-indexeddb/auto';
import { strToU8 } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../common/audit/chain';
import { guessColumns } from '../../../common/patient-import/fields';
import { planPatientImport } from '../../../common/patient-import/plan';
import { readPatientCsv } from '../../../common/patient-import/read-csv';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { existingMrnKeys, importPatients } from '../../../renderer/src/db/patient-import';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { chunked } from '../imports/fixtures';

let db: CareLoopDb;
let ctx: WriteContext;
let n = 0;

beforeEach(async () => {
  db = new CareLoopDb(`patient-import-${n++}`);
  await db.open();
  ctx = { actor: 'Desk Test', workstation: 'ws1', clinicId: 'clinic-1', clock: await openClock(db, 'ws1u') };
});

async function planOf(text: string) {
  const csv = await readPatientCsv(chunked(strToU8(text)));
  const mapping = { columns: guessColumns(csv.header), birthDateFormat: 'YYYY-MM-DD' as const };
  const mrns = csv.rows.map((r) => r.cells[mapping.columns.mrn!] ?? '');
  return planPatientImport(csv, mapping, await existingMrnKeys(db, mrns));
}

const lines = (rows: string[]) => ['given,family,dob,sex,mrn,phone', ...rows].join('\n');

describe('importing patients from a CSV', () => {
  it('creates the valid rows through the repository (audit, sync outbox) and never overwrites an existing MRN', async () => {
    const existing = await new PatientRepository(db, ctx).create({ givenName: 'Old', familyName: 'Record', birthDate: '1950-01-01', sex: 'male', mrn: 'M-2', phone: '+1 555 0100' });
    const rows = Array.from({ length: 250 }, (_, i) => `P${i},Fam${i},1970-01-${String((i % 28) + 1).padStart(2, '0')},f,N-${i},+1 555 ${String(1000 + i)}`);
    const plan = await planOf(lines([...rows, 'New,Name,1960-05-05,m,m-2,+1 555 0199', 'Bad,,1960-05-05,m,Q-1,']));
    expect(plan.counts).toEqual({ rows: 252, valid: 250, invalid: 1, duplicate: 1 });

    const progress: number[] = [];
    const result = await importPatients(db, ctx, plan, { fileName: 'list.csv', onProgress: (p) => progress.push(p.done) });
    expect(result.created).toBe(250);
    expect(progress).toEqual([200, 250]);
    expect(result.rejected.map((r) => r.line)).toEqual([252, 253]);
    expect(await db.patients.count()).toBe(251);
    expect((await db.patients.get(existing.id))!.givenName).toBe('Old');

    const created = await db.patients.where('mrnKey').equals('N-7').first();
    expect(created).toMatchObject({ givenName: 'P7', sex: 'female', status: 'active', clinicId: 'clinic-1' });
    expect(created!.stamps.givenName).toBeDefined();
    expect(await db.outbox.where('[table+rowId]').equals(['patients', created!.id]).count()).toBeGreaterThan(0);

    const audit = await db.audit.orderBy('seq').toArray();
    expect(audit.filter((a) => a.action === 'patient.create')).toHaveLength(251);
    const summary = audit.at(-1)!;
    expect(summary).toMatchObject({ action: 'import', entity: 'patient-import', entityId: 'list.csv' });
    expect(summary.changes).toMatchObject({ created: { after: 250 }, invalid: { after: 1 }, duplicate: { after: 1 }, cancelled: { after: false } });
    expect(verifyAuditChain(audit).intact).toBe(true);
  });

  it('skips a row whose MRN was taken after the preview, and importing the same file again adds nothing', async () => {
    const text = lines(['Al,Bo,1961-04-03,m,A-1,+1 555 0101', 'Cy,Do,1962-04-03,f,A-2,+1 555 0102']);
    const plan = await planOf(text);
    await new PatientRepository(db, ctx).create({ givenName: 'Cy', familyName: 'Other', birthDate: '1962-04-03', sex: 'female', mrn: 'a-2', phone: '+1 555 0109' });
    const first = await importPatients(db, ctx, plan, { fileName: 'x.csv' });
    expect(first.created).toBe(1);
    expect(first.skippedExisting.map((r) => r.reasons)).toEqual([['MRN A-2 already belongs to a patient (not overwritten)']]);
    const again = await importPatients(db, ctx, await planOf(text), { fileName: 'x.csv' });
    expect(again.created).toBe(0);
    expect(again.rejected).toHaveLength(2);
    expect(await db.patients.count()).toBe(2);
  });

  it('stops between chunks when cancelled, keeping the chunks already stored', async () => {
    const plan = await planOf(lines(Array.from({ length: 300 }, (_, i) => `G${i},F${i},1980-02-02,u,C-${i},+1 555 ${2000 + i}`)));
    const signal = { aborted: false };
    const result = await importPatients(db, ctx, plan, { fileName: 'c.csv', signal, onProgress: () => (signal.aborted = true) });
    expect(result).toMatchObject({ created: 200, cancelled: true });
    expect(await db.patients.count()).toBe(200);
  });
});
