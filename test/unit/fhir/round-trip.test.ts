import { beforeAll, describe, expect, it } from 'vitest';
import { parseFhirText } from '../../../common/fhir/parse';
import { summarisePlan } from '../../../common/fhir/import-plan';
import { PatientRepository } from '../../../renderer/src/db/patients';
import { SeriesStore } from '../../../renderer/src/db/series/series-store';
import { applyFhirImport, ImportReviewRequiredError, planFhirImport } from '../../../renderer/src/db/fhir-import';
import type { CareLoopDb, PatientRow } from '../../../renderer/src/db/database';
import { validationErrors, validator } from './kit';
import { T0, exportBundleText, openClinic, resourcesOf, seedClinic, type Clinic } from './db-kit';

const comparable = (p: PatientRow) => {
  const { givenName, familyName, preferredName, birthDate, sex, mrn, identifiers, phone, email, address, preferredLanguage, preferredChannel, tags } = PatientRepository.editable(p);
  return { givenName, familyName, preferredName, birthDate, sex, mrn, identifiers, phone, email, address, preferredLanguage, preferredChannel, tags };
};

async function readingsOf(db: CareLoopDb) {
  const patients = new Map((await db.patients.toArray()).map((p) => [p.id, p.mrn]));
  return (await db.observations.toArray())
    .map((o) => ({ id: o.id, mrn: patients.get(o.patientId), metric: o.metric, value: o.value, unit: o.unit, timeMs: o.timeMs, groupId: o.groupId, flags: o.flags, grade: o.source.grade }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('FHIR export → import into an empty clinic', () => {
  let source: Clinic;
  let target: Clinic;
  let text: string;

  beforeAll(async () => {
    source = await openClinic('src');
    await seedClinic(source);
    text = await exportBundleText(source);
    target = await openClinic('dst', 'clinic-b');
  });

  it('exports a bundle in which every resource validates', () => {
    const resources = resourcesOf(text);
    expect(resources.filter((r) => r.resourceType === 'Patient')).toHaveLength(3);
    expect(validationErrors(resources)).toEqual({});
  });

  it('gives back the same patients, readings and series, and only after apply', async () => {
    const parsed = parseFhirText(text, validator);
    expect(parsed.problems).toEqual([]);
    const plan = await planFhirImport(target.db, parsed, { sourceSystem: 'riverside', fileName: 'riverside.json' });
    expect(summarisePlan(plan)).toMatchObject({ newPatients: 3, matchedPatients: 0, needsReview: 0, readings: 36 });
    // Non-imported types are listed, never dropped silently.
    expect(new Set(plan.problems.map((p) => `${p.code} ${p.resourceType}`))).toEqual(new Set(['not-imported Organization', 'not-imported Practitioner', 'not-imported PractitionerRole']));
    expect(await target.db.patients.count()).toBe(0);

    const result = await applyFhirImport(target.db, target.ctx, plan);
    expect(result).toMatchObject({ patientsCreated: 3, readingsAdded: 36, readingsDuplicate: 0 });
    const sortByMrn = <T extends { mrn: string }>(xs: T[]) => xs.sort((a, b) => a.mrn.localeCompare(b.mrn));
    expect(sortByMrn((await target.db.patients.toArray()).map(comparable))).toEqual(sortByMrn((await source.db.patients.toArray()).map(comparable)));
    expect(await readingsOf(target.db)).toEqual(await readingsOf(source.db));
    // Patients were written through the repository: audited and queued for sync.
    expect(await target.db.audit.where('action').equals('patient.create').count()).toBe(3);
    expect(await target.db.outbox.count()).toBeGreaterThanOrEqual(3 + 36);

    const ruthSrc = (await source.db.patients.where('mrnKey').equals('RO-1001').first())!;
    const ruthDst = (await target.db.patients.where('mrnKey').equals('RO-1001').first())!;
    const [a, b] = [new SeriesStore(source.db), new SeriesStore(target.db)];
    expect(await b.readPoints(ruthDst.id, 'heart-rate', T0, T0 + 3_600_000)).toEqual(await a.readPoints(ruthSrc.id, 'heart-rate', T0, T0 + 3_600_000));
    const flat = async (s: SeriesStore, id: string) => (await s.readWaveform(id, 'ecg', T0, T0 + 10_000)).flatMap((seg) => [seg.startMs, seg.fs, ...seg.values]);
    expect(await flat(b, ruthDst.id)).toEqual(await flat(a, ruthSrc.id));
  });

  it('a second import of the same bundle adds nothing: patients match by MRN, readings by id', async () => {
    const plan = await planFhirImport(target.db, parseFhirText(text, validator), { sourceSystem: 'riverside' });
    expect(summarisePlan(plan)).toMatchObject({ newPatients: 0, matchedPatients: 3, needsReview: 0 });
    const before = { patients: await target.db.patients.count(), readings: await target.db.observations.count(), blocks: await target.db.seriesBlocks.toArray() };
    const result = await applyFhirImport(target.db, target.ctx, plan);
    expect(result).toMatchObject({ patientsCreated: 0, patientsMatched: 3, readingsAdded: 0, readingsDuplicate: 36, seriesSamplesAdded: 0 });
    expect(await target.db.patients.count()).toBe(before.patients);
    expect(await target.db.observations.count()).toBe(before.readings);
    expect(await target.db.seriesBlocks.toArray()).toEqual(before.blocks);
  });

  it('a patient with the same name and birth date but another MRN needs review; nothing is written without a decision', async () => {
    const other = await openClinic('review', 'clinic-c');
    const resources = resourcesOf(text).filter((r) => r.resourceType === 'Patient' || r.resourceType === 'Observation');
    const ruth = resources.find((r) => r.resourceType === 'Patient' && r.name?.[0]?.family === 'Okafor')!;
    const local = await new PatientRepository(other.db, other.ctx).create({ givenName: 'RUTH', familyName: 'okafor', birthDate: '1951-05-04', sex: 'female', mrn: 'LOCAL-77', phone: '+1 555 0100 1111' });
    const one = { resourceType: 'Bundle', type: 'transaction', entry: resources.filter((r) => r === ruth || (r.resourceType === 'Observation' && r.subject?.reference === `Patient/${ruth.id}`)).map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })) };
    const plan = await planFhirImport(other.db, parseFhirText(JSON.stringify(one), validator), { sourceSystem: 'riverside' });
    expect(plan.patients).toHaveLength(1);
    expect(plan.patients[0]!.match).toEqual({ kind: 'needs-review', candidates: [{ id: local.id, givenName: 'RUTH', familyName: 'okafor', birthDate: '1951-05-04', mrn: 'LOCAL-77' }] });
    await expect(applyFhirImport(other.db, other.ctx, plan)).rejects.toBeInstanceOf(ImportReviewRequiredError);
    expect(await other.db.observations.count()).toBe(0);
    const result = await applyFhirImport(other.db, other.ctx, plan, { [ruth.id!]: { action: 'use', patientId: local.id } });
    expect(result).toMatchObject({ patientsCreated: 0, patientsMatched: 1, readingsAdded: 12 });
    expect(await other.db.patients.count()).toBe(1);
    expect(new Set((await other.db.observations.toArray()).map((o) => o.patientId))).toEqual(new Set([local.id]));
  });
});
