import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { addLabResult, LabResultError, loadRecordRisk, parseLabResult } from '../../../renderer/src/db/record-risk';
import { storeObservations } from '../../../renderer/src/db/observations';
import { computeAscvd } from '../../../renderer/src/engine/insights/ascvd';
import { homeWeek, NOW } from './fixture';

let db: CareLoopDb;
let ctx: WriteContext;
let pat: PatientRow;
let n = 0;

beforeEach(async () => {
  db = new CareLoopDb(`record-risk-${n++}`);
  await db.open();
  ctx = { actor: 'Nurse Lee', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1u') };
  pat = await new PatientRepository(db, ctx).create({
    givenName: 'Ann', familyName: 'Berg', birthDate: '1971-01-01', sex: 'female', mrn: 'R-1', preferredChannel: 'phone', phone: '+1 555 0100 1111', smokingStatus: 'never',
  });
});

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabResultError) return err.fields as Record<string, string>;
    throw err;
  }
  return {};
}

describe('laboratory results entered by staff', () => {
  it('checks metric, value, unit and date with a message per field', () => {
    const ok = { patientId: 'p', metric: 'hdl-cholesterol', value: '1,3', unit: 'mmol/L', date: '2026-11-01' };
    expect(parseLabResult(ok, NOW)).toMatchObject({ value: 1.3, unit: 'mmol/L', timeMs: Date.UTC(2026, 10, 1, 12) });
    expect(fieldsOf(() => parseLabResult({ ...ok, metric: 'glucose' }, NOW))).toEqual({ metric: 'must be one of Total cholesterol, HDL cholesterol, LDL cholesterol, eGFR (CKD-EPI 2021), HbA1c' });
    expect(fieldsOf(() => parseLabResult({ ...ok, unit: 'g/L' }, NOW))).toEqual({ unit: 'must be mg/dL or mmol/L' });
    expect(fieldsOf(() => parseLabResult({ ...ok, value: '' }, NOW))).toEqual({ value: 'must be a number' });
    expect(fieldsOf(() => parseLabResult({ ...ok, value: '50' }, NOW))).toEqual({ value: 'must be between 0.1 and 6.5 mmol/L' });
    expect(fieldsOf(() => parseLabResult({ ...ok, date: '2026-02-30' }, NOW))).toEqual({ date: 'must be a real date (YYYY-MM-DD)' });
    expect(fieldsOf(() => parseLabResult({ ...ok, date: '2026-12-01' }, NOW))).toEqual({ date: 'cannot be in the future' });
    // already tomorrow east of UTC, so allowed; the day after is in the future everywhere
    expect(parseLabResult({ ...ok, date: '2026-11-26' }, NOW).timeMs).toBe(Date.UTC(2026, 10, 26, 12));
    expect(fieldsOf(() => parseLabResult({ ...ok, date: '2026-11-27' }, NOW))).toEqual({ date: 'cannot be in the future' });
  });

  it('stores a manual, clinical-grade observation, audited and queued for sync', async () => {
    const row = await addLabResult(db, ctx, { patientId: pat.id, metric: 'total-cholesterol', value: '213', unit: 'mg/dL', date: '2026-11-01' }, NOW);
    expect(await db.observations.get(row.id)).toMatchObject({ patientId: pat.id, metric: 'total-cholesterol', value: 213, unit: 'mg/dL', source: { kind: 'manual', grade: 'clinical' } });
    const audit = await db.audit.where('action').equals('reading.add').toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'observation', entityId: row.id, patientId: pat.id });
    expect(await db.outbox.where('[table+rowId]').equals(['observations', row.id]).count()).toBe(1);
  });

  it('refuses a patient not on this workstation and writes nothing', async () => {
    await expect(addLabResult(db, ctx, { patientId: 'nobody', metric: 'egfr', value: 80, unit: 'mL/min/{1.73_m2}', date: '2026-11-01' }, NOW)).rejects.toBeInstanceOf(LabResultError);
    expect(await db.observations.count()).toBe(0);
    expect(await db.audit.where('action').equals('reading.add').count()).toBe(0);
  });

  it('entered results and stored home readings reach the Pooled Cohort Equations', async () => {
    for (const [metric, value] of [['total-cholesterol', 213], ['hdl-cholesterol', 50]] as const) {
      await addLabResult(db, ctx, { patientId: pat.id, metric, value, unit: 'mg/dL', date: '2026-11-01' }, NOW);
    }
    const home = homeWeek(120).map((r, i) => ({ ...r, id: `bp${i}`, clinicId: 'c1', patientId: pat.id, source: { kind: 'device' as const, grade: 'clinical' as const }, flags: [], receivedMs: NOW }));
    await db.transaction('rw', db.observations, () => storeObservations(db, home));
    const before = await loadRecordRisk(db, pat.id, { nowMs: NOW, timeZone: 'UTC' });
    expect(before!.ascvd.missing).toEqual(['race group']);
    const s = await loadRecordRisk(db, pat.id, { nowMs: NOW, timeZone: 'UTC', race: 'white' });
    expect(s!.ascvd.result).toEqual(computeAscvd({ age: 55, sex: 'female', race: 'white', totalCholesterol: 213, hdl: 50, systolic: 120, onBpTreatment: false, smoker: false, diabetes: false }));
    expect(s!.ascvd.result!.risk).toBe(2.1);
    expect(s!.prevent.missing).toEqual(['BMI', 'eGFR']);
    expect(await loadRecordRisk(db, 'nobody', { nowMs: NOW, timeZone: 'UTC' })).toBeUndefined();
  });
});

describe('smoking status in the record', () => {
  it('is saved, kept by updates that do not name it, cleared by an empty choice, and refused when unknown', async () => {
    const repo = new PatientRepository(db, ctx);
    const base = { givenName: 'Ann', familyName: 'Berg', birthDate: '1971-01-01', sex: 'female', mrn: 'R-1', preferredChannel: 'phone', phone: '+1 555 0100 1111' };
    expect((await repo.get(pat.id))!.smokingStatus).toBe('never');
    expect((await repo.update(pat.id, { ...base, smokingStatus: 'current' })).smokingStatus).toBe('current');
    expect((await repo.update(pat.id, { ...base, givenName: 'Anna' })).smokingStatus).toBe('current');
    expect((await repo.update(pat.id, { ...base, smokingStatus: '' })).smokingStatus).toBeUndefined();
    await expect(repo.update(pat.id, { ...base, smokingStatus: 'sometimes' })).rejects.toMatchObject({ fields: { smokingStatus: 'choose never, former or current smoker' } });
    const s = await loadRecordRisk(db, pat.id, { nowMs: NOW, timeZone: 'UTC' });
    expect(s!.prevent.missing).toContain('smoking status');
  });
});
