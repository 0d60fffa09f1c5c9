import { describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { recordConsent } from '../../../renderer/src/db/consents';
import { exportFhirNdjson, newExportReport } from '../../../renderer/src/db/fhir-export';
import { storeObservations } from '../../../renderer/src/db/observations';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { generateDemoPatients } from '../../../renderer/src/engine/demo/generate-patients';
import { validator } from './kit';
import { exportBundleText, openClinic, pointReadings, resourcesOf, seedClinic } from './db-kit';

describe('FHIR export streaming and consent', () => {
  it('streams a 500-patient clinic as NDJSON per resource type, one patient at a time', async () => {
    const c = await openClinic('ndjson');
    const patients = await new PatientRepository(c.db, c.ctx).createMany(generateDemoPatients(500, 7, new Date('2026-11-24T12:00:00Z')));
    await storeObservations(c.db, patients.flatMap((p) => pointReadings(p, 0)));
    const report = newExportReport();
    const lines = exportFhirNdjson(c.db, c.ctx, { recipient: { kind: 'patient' }, clinicName: 'Demo' }, report);

    // Lazy: after the first patient's lines, only that patient's export has been audited.
    const it0 = lines[Symbol.asyncIterator]();
    const firstLines: string[] = [];
    for (let i = 0; i < 3; i++) firstLines.push((await it0.next()).value!.resourceType);
    expect(firstLines).toEqual(['Organization', 'Patient', 'Observation']);
    expect(await c.db.audit.where('action').equals('export').count()).toBe(1);

    const byType = new Map<string, number>(firstLines.map((t) => [t, 1]));
    let invalid = 0;
    let checked = 0;
    for (let r = await it0.next(); !r.done; r = await it0.next()) {
      const { resourceType, line } = r.value;
      expect(line).not.toContain('\n');
      byType.set(resourceType, (byType.get(resourceType) ?? 0) + 1);
      // Validate every 50th resource (both types) to keep the test fast; the mapping tests validate each type.
      if (checked++ % 50 === 0) invalid += validator.validate(JSON.parse(line) as Resource).length ? 1 : 0;
    }
    expect(invalid).toBe(0);
    expect(byType.get('Patient')).toBe(500);
    expect(byType.get('Observation')).toBe(500 * 5); // a BP panel, pulse, glucose, weight, SpO2 each
    expect(report).toMatchObject({ patients: 500, withheld: [] });
    expect(report.resources).toBe(1 + 500 + 500 * 5);
    expect(checked).toBe(report.resources - 3);
    expect(await c.db.audit.where('action').equals('export').count()).toBe(500);
  });

  it('to another provider, a patient without sharing consent is withheld, reported and audited as a refusal', async () => {
    const c = await openClinic('consent');
    const [ruth, tomas] = await seedClinic(c);
    await recordConsent(c.db, c.ctx, { patientId: ruth!.id, purpose: 'sharing', status: 'given', method: 'written' });
    const report = newExportReport();
    const { exportFhirBundle } = await import('../../../renderer/src/db/fhir-export');
    let text = '';
    for await (const piece of exportFhirBundle(c.db, c.ctx, { kind: 'transaction', recipient: { kind: 'provider', name: 'Cardiology Associates' }, clinicName: 'Riverside', patientIds: [ruth!.id, tomas!.id] }, report)) text += piece;
    const patients = resourcesOf(text).filter((r) => r.resourceType === 'Patient');
    expect(patients.map((p) => p.id)).toEqual([ruth!.id]);
    expect(report.withheld).toEqual([{ patientId: tomas!.id, reason: 'The patient has not consented to sharing with other providers.' }]);
    const audit = await c.db.audit.where('patientId').equals(tomas!.id).filter((a) => a.action === 'disclosure.refuse').toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes?.['recipient']?.after).toBe('Cardiology Associates');
    expect(await c.db.audit.where('patientId').equals(ruth!.id).filter((a) => a.action === 'export').count()).toBe(1);
    // To the patient themself no sharing consent is needed.
    expect(resourcesOf(await exportBundleText(c, { patientIds: [tomas!.id] })).some((r) => r.id === tomas!.id)).toBe(true);
  });
});
