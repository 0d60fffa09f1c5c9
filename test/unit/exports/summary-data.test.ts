import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { recordConsent } from '../../../renderer/src/db/consents';
import { addNote } from '../../../renderer/src/db/notes';
import { loadPatientSummary, recordSummaryDisclosure, summaryFileName } from '../../../renderer/src/components/summary/summary-data';
import { openClinic, seedClinic, T0 } from '../fhir/db-kit';

const DAY = 86_400_000;

describe('the printable patient summary', () => {
  it('gathers the latest vitals with their period, consents and recent notes of one patient', async () => {
    const c = await openClinic('summary');
    const [ruth, tomas] = await seedClinic(c);
    await recordConsent(c.db, c.ctx, { patientId: ruth!.id, purpose: 'sharing', status: 'given', method: 'written' });
    await addNote(c.db, c.ctx, { patientId: ruth!.id, kind: 'progress', text: 'Home BP trending up.' });
    await addNote(c.db, c.ctx, { patientId: tomas!.id, kind: 'phone', text: 'Not Ruth’s note.' });
    const s = await loadPatientSummary(c.db, ruth!.id, T0 + 2 * DAY);
    expect(s?.patient.mrn).toBe('RO-1001');
    const systolic = s!.vitals.find((v) => v.metric === 'blood-pressure-systolic');
    // Two days of readings (128 then 129 mmHg): the latest is day 1's.
    expect(systolic).toMatchObject({ value: 129, unit: 'mmHg', timeMs: T0 + DAY });
    expect(systolic!.points.map((p) => p.y)).toEqual([128, 129]);
    expect(s!.vitals.map((v) => v.metric)).toEqual(['blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate', 'spo2', 'glucose', 'body-weight']);
    expect(s!.consents.map((x) => [x.purpose, x.status])).toEqual([['sharing', 'given']]);
    expect(s!.notes.map((n) => n.text)).toEqual(['Home BP trending up.']);
    expect(s!.alerts).toEqual([]);
    expect(await loadPatientSummary(c.db, 'no-such-patient', T0)).toBeUndefined();
  });

  it('records printing and PDF saving as print disclosures with their format', async () => {
    const c = await openClinic('summary-audit');
    const [ruth] = await seedClinic(c);
    await recordSummaryDisclosure(c.db, c.ctx, ruth!.id, 'printed-summary');
    await recordSummaryDisclosure(c.db, c.ctx, ruth!.id, 'pdf-summary');
    const prints = await c.db.audit.where('patientId').equals(ruth!.id).filter((a) => a.action === 'print').toArray();
    expect(prints.map((a) => a.changes?.['format']?.after)).toEqual(['printed-summary', 'pdf-summary']);
    expect(prints[0]!.changes).toMatchObject({ kind: { after: 'print' }, recipient: { after: 'the patient' }, encrypted: { after: false } });
    expect(prints[0]!.actor).toBe('Nurse Jordan Lee');
  });

  it('names the PDF by MRN and date, never by the patient\'s name', () => {
    expect(summaryFileName('RO/1001', Date.UTC(2026, 10, 25, 12))).toBe('RO_1001-summary-2026-11-25');
  });
});
