import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openSealedExport } from '../../../common/exports/sealed-file';
import { recordConsent } from '../../../renderer/src/db/consents';
import { fhirExportFile, FHIR_EXPORT_NAME } from '../../../renderer/src/components/fhir/fhir-export-file';
import { FAST_KDF, collect, pieces } from '../backup/fixture';
import { openClinic, resourcesOf, seedClinic } from '../fhir/db-kit';

const concat = (parts: Uint8Array[]) => collect((async function* () { yield* parts; })());

describe('the FHIR export file', () => {
  it('is sealed by default, opens with the passphrase to the patient\'s bundle, and audits the export as encrypted', async () => {
    const c = await openClinic('sealed-export');
    const [ruth] = await seedClinic(c);
    const file = await fhirExportFile(c.db, c.ctx, { patientId: ruth!.id, mrn: 'RO/1001', recipient: { kind: 'patient' }, clinicName: 'Riverside', workstationId: 'ws1', protection: { kind: 'encrypted', passphrase: 'for the patient only' }, kdf: FAST_KDF });
    expect(file.fileName).toBe('RO_1001-fhir.careloop-export');
    const bytes = await concat(file.bytes);
    expect(new TextDecoder().decode(bytes)).not.toContain('Okafor');
    const opened = await openSealedExport(pieces(bytes), 'for the patient only', FHIR_EXPORT_NAME);
    const patients = resourcesOf(opened.text).filter((r) => r.resourceType === 'Patient');
    expect(patients.map((p) => p.id)).toEqual([ruth!.id]);
    expect(file.report).toMatchObject({ patients: 1, withheld: [] });
    const audit = await c.db.audit.where('patientId').equals(ruth!.id).filter((a) => a.action === 'export').toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).toMatchObject({ format: { after: 'fhir-bundle' }, encrypted: { after: true }, recipient: { after: 'the patient' } });
  });

  it('is plain JSON only when chosen explicitly, and then audited as not encrypted', async () => {
    const c = await openClinic('plain-export');
    const [ruth] = await seedClinic(c);
    const file = await fhirExportFile(c.db, c.ctx, { patientId: ruth!.id, mrn: 'RO-1001', recipient: { kind: 'patient' }, clinicName: 'Riverside', workstationId: 'ws1', protection: { kind: 'plain', confirmedPlain: true } });
    expect(file.fileName).toBe('RO-1001-fhir.json');
    expect(resourcesOf(new TextDecoder().decode(await concat(file.bytes))).some((r) => r.resourceType === 'Patient')).toBe(true);
    const audit = await c.db.audit.where('patientId').equals(ruth!.id).filter((a) => a.action === 'export').toArray();
    expect(audit.map((a) => a.changes?.['encrypted']?.after)).toEqual([false]);
  });

  it('refuses an unconfirmed plain choice or a missing passphrase before anything is disclosed', async () => {
    const c = await openClinic('refused-export');
    const [ruth] = await seedClinic(c);
    const base = { patientId: ruth!.id, mrn: 'RO-1001', recipient: { kind: 'patient' } as const, clinicName: 'Riverside', workstationId: 'ws1' };
    await expect(fhirExportFile(c.db, c.ctx, { ...base, protection: { kind: 'plain' } as never })).rejects.toMatchObject({ kind: 'plain-not-confirmed' });
    await expect(fhirExportFile(c.db, c.ctx, { ...base, protection: { kind: 'encrypted', passphrase: '' } })).rejects.toMatchObject({ kind: 'no-passphrase' });
    expect(await c.db.audit.where('action').equals('export').count()).toBe(0);
  });

  it('to a provider without sharing consent yields no file and audits the refusal', async () => {
    const c = await openClinic('refused-provider');
    const [ruth, tomas] = await seedClinic(c);
    await recordConsent(c.db, c.ctx, { patientId: ruth!.id, purpose: 'sharing', status: 'given', method: 'written' });
    const file = await fhirExportFile(c.db, c.ctx, { patientId: tomas!.id, mrn: 'TR-2002', recipient: { kind: 'provider', name: 'Cardiology Associates' }, clinicName: 'Riverside', workstationId: 'ws1', protection: { kind: 'encrypted', passphrase: 'for cardiology' }, kdf: FAST_KDF });
    expect(file.bytes).toEqual([]);
    expect(file.report.withheld).toHaveLength(1);
    const refusals = await c.db.audit.where('patientId').equals(tomas!.id).filter((a) => a.action === 'disclosure.refuse').toArray();
    expect(refusals[0]!.changes).toMatchObject({ recipient: { after: 'Cardiology Associates' }, encrypted: { after: true } });
  });
});
