import { describe, expect, it } from 'vitest';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { bundleOf } from '../../../common/fhir/bundle';
import { parseReference } from '../../../common/fhir/ids';
import { appointmentToFhir, carePlanToFhir, communicationToFhir, consentsToFhir, episodeOfCareToFhir, flagToFhir, taskToFhir } from '../../../common/fhir/map-care';
import { deviceToFhir, organizationId, organizationToFhir, practitionerRoleToFhir, practitionerToFhir } from '../../../common/fhir/map-directory';
import { observationsToFhir } from '../../../common/fhir/map-observation';
import { patientFromFhir, patientToFhir } from '../../../common/fhir/map-patient';
import { provenanceToFhir } from '../../../common/fhir/map-provenance';
import { float32Text, pointSeriesToFhir, seriesFromFhir, waveformToFhir } from '../../../common/fhir/map-series';
import { PatientInput } from '../../../common/patient/patient';
import type { ConsentDecision } from '../../../common/consent/consent';
import type { StaffMember } from '../../../common/schedule/appointment';
import { CLINIC_ID, PATIENT_ID, T0, reading, samplePatient, validationErrors, validator } from './kit';

const synced = (id: string) => ({ id, clinicId: CLINIC_ID, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-02T00:00:00.000Z', deleted: false, stamps: {} });
const STAFF_ID = '01938a3e-0000-7000-8000-0000000000f1';
const DEVICE_ID = '01938a3e-0000-7000-8000-0000000000d1';
const staff: StaffMember = { ...synced(STAFF_ID), name: 'Dr Amara Singh', role: 'physician', active: true };

function everyType(): Resource[] {
  const org = organizationId(CLINIC_ID);
  const rows = [
    reading('heart-rate', 71, '/min', { source: { kind: 'device', grade: 'clinical', deviceId: DEVICE_ID, sessionId: 'sess-1' } }),
    reading('blood-pressure-systolic', 130, 'mm[Hg]', { id: 'bp:s', groupId: 'bp' }),
    reading('blood-pressure-diastolic', 85, 'mm[Hg]', { id: 'bp:d', groupId: 'bp' }),
  ];
  const observations = observationsToFhir(rows, { glucoseSource: () => 'unknown', deviceResourceId: (id) => (id === DEVICE_ID ? id : undefined) });
  const consent = (id: string, status: ConsentDecision['status'], ms: number): ConsentDecision => ({ id, clinicId: CLINIC_ID, patientId: PATIENT_ID, purpose: 'sharing', status, recordedMs: ms, recordedBy: 'Nurse Lee', method: 'written' });
  const enrolment = { ...synced('01938a3e-0000-7000-8000-0000000000e1'), patientId: PATIENT_ID, programId: 'prog', startMs: T0, status: 'active' as const, enrolledBy: 'Dr Singh', reason: 'uncontrolled hypertension' };
  const program = { ...synced('prog'), key: 'hypertension', name: 'Hypertension', description: 'Home BP monitoring', metrics: [], deviceKinds: [], schedule: [], targets: [{ metric: 'blood-pressure-systolic' as const, text: 'Systolic below 135', below: 135 }], ruleIds: [], messagePlan: [], active: true };
  return [
    organizationToFhir({ clinicId: CLINIC_ID, name: 'Riverside Clinic' }),
    practitionerToFhir(staff),
    practitionerRoleToFhir(staff, CLINIC_ID),
    patientToFhir(samplePatient(), org),
    deviceToFhir({ ...synced(DEVICE_ID), patientId: PATIENT_ID, family: 'contour', model: 'Contour Next USB', serial: 'SN123', label: 'Contour Next USB', target: { kind: 'simulated', name: 'contour-next-usb' } as never, grade: 'clinical' }),
    ...observations,
    waveformToFhir({ patientId: PATIENT_ID, metric: 'ecg', startMs: T0, fs: 130, values: Float32Array.from([12, -40.5, 300, 25]), unit: 'uV' }),
    ...pointSeriesToFhir({ patientId: PATIENT_ID, metric: 'heart-rate', times: [T0, T0 + 60_000, T0 + 180_000], values: [60, 61, 63], unit: '/min' }),
    provenanceToFhir({ sessionId: 'sess-1', deviceResourceId: DEVICE_ID, description: 'Contour Next USB download', recordedMs: T0 + 60_000, targetObservationIds: [observations[0]!.id!] }, CLINIC_ID),
    appointmentToFhir({ ...synced('01938a3e-0000-7000-8000-0000000000a2'), patientId: PATIENT_ID, staffId: STAFF_ID, typeId: 't', modality: 'video', startMs: T0, endMs: T0 + 1_800_000, status: 'booked', reason: 'BP review' }, { ...synced('t'), name: 'Follow-up', durationMin: 30, modality: 'video', active: true }),
    communicationToFhir({ ...synced('01938a3e-0000-7000-8000-0000000000a3'), patientId: PATIENT_ID, direction: 'outbound', channel: 'sms', body: 'Please take your reading', status: 'sent', authorName: 'Nurse Lee', createdMs: T0, sentMs: T0 }, CLINIC_ID),
    taskToFhir({ ...synced('01938a3e-0000-7000-8000-0000000000a4'), patientId: PATIENT_ID, title: 'Call about high BP', details: 'three high readings', assigneeStaffId: STAFF_ID, dueMs: T0, priority: 'high', status: 'open', source: { kind: 'manual' } }),
    flagToFhir({ id: '01938a3e-0000-7000-8000-0000000000a5', patientId: PATIENT_ID, ruleName: 'High systolic', priority: 'high', status: 'open', openedAtMs: T0 }),
    ...consentsToFhir([consent('01938a3e-0000-7000-8000-0000000000b1', 'given', T0), consent('01938a3e-0000-7000-8000-0000000000b2', 'withdrawn', T0 + 1)], CLINIC_ID),
    episodeOfCareToFhir(enrolment, program, CLINIC_ID),
    carePlanToFhir(enrolment, program),
  ];
}

describe('FHIR R4 mapping of every resource type', () => {
  const resources = everyType();

  it('emits each type issue 10 lists and every one validates against the R4 base definitions', () => {
    const types = new Set<string>(resources.map((r) => r.resourceType));
    for (const t of ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Device', 'Observation', 'Appointment', 'Communication', 'Task', 'Flag', 'Consent', 'CarePlan', 'EpisodeOfCare', 'Provenance']) {
      expect(types.has(t), t).toBe(true);
    }
    expect(validationErrors(resources)).toEqual({});
  });

  it('the whole bundle validates, its ids are unique per type and every reference resolves inside it', () => {
    for (const kind of ['collection', 'transaction'] as const) {
      const bundle = bundleOf(resources, { kind, timestampMs: T0 }) as Bundle;
      expect(validator.validate(bundle)).toEqual([]);
    }
    const keys = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
    expect(keys.size).toBe(resources.length);
    const refs: string[] = [];
    JSON.stringify(resources, (k, v: unknown) => {
      if (k === 'reference' && typeof v === 'string') refs.push(v);
      return v;
    });
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const r = parseReference(ref)!;
      expect(keys.has(`${r.type}/${r.id}`), ref).toBe(true);
    }
  });

  it('ids are stable: the same rows give the same resource ids; row ids that are not FHIR ids are hashed', () => {
    const again = everyType();
    expect(again.map((r) => r.id)).toEqual(resources.map((r) => r.id));
    for (const r of resources) expect(r.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  });

  it('the latest consent decision per purpose is active, the superseded one inactive', () => {
    const consents = resources.filter((r) => r.resourceType === 'Consent');
    expect(consents.map((c) => c.resourceType === 'Consent' && [c.status, c.provision?.type])).toEqual([['inactive', 'permit'], ['active', 'deny']]);
  });

  it('a Patient round-trips the fields it carries', () => {
    const p = samplePatient();
    const back = patientFromFhir(patientToFhir(p, 'org'));
    expect(back.ok).toBe(true);
    const expected = PatientInput.parse({ ...p });
    expect(back.ok && back.fields).toEqual(expected);
  });

  it('validation failures name the element and the reason', () => {
    const bad = { resourceType: 'Patient', id: 'x', birthDate: '1950-13-01', colour: 'blue' } as unknown as Resource;
    const issues = validator.validate(bad);
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'Patient.birthDate', message: 'Invalid date format' },
      { path: 'Patient.colour', message: 'Invalid additional property "colour"' },
    ]));
    const obs = { resourceType: 'Observation', id: 'o', code: { text: 'x' } } as unknown as Resource;
    expect(validator.validate(obs)).toEqual([expect.objectContaining({ path: 'Observation.status' })]);
  });
});

describe('dense series as valueSampledData', () => {
  it('an ECG segment keeps its rate and every sample (float32-exact)', () => {
    const values = Float32Array.from([12.3, -40.5, 300.125, Number.NaN, 25]);
    const o = waveformToFhir({ patientId: 'p', metric: 'ecg', startMs: T0, fs: 130, values, unit: 'uV' });
    expect(o.code.coding?.[0]?.code).toBe('11524-6');
    expect(o.valueSampledData?.data).toBe('12.3 -40.5 300.125 E 25');
    const back = seriesFromFhir(o);
    expect(back).toMatchObject({ ok: true, kind: 'waveform', metric: 'ecg', startMs: T0, fs: 130 });
    expect(back.ok && back.kind === 'waveform' && Array.from(back.values)).toEqual(Array.from(values));
  });

  it('minute heart rate with gaps: one run with E for short gaps, a new Observation after a long one', () => {
    const times = [0, 1, 2, 5, 6, 400].map((m) => T0 + m * 60_000);
    const values = [60, 61.5, 62, 70, 71, 55];
    const out = pointSeriesToFhir({ patientId: 'p', metric: 'heart-rate', times, values, unit: '/min' });
    expect(out).toHaveLength(2);
    expect(out[0]!.valueSampledData).toMatchObject({ period: 60_000, data: '60 61.5 62 E E 70 71' });
    const back = out.map(seriesFromFhir);
    expect(back.flatMap((b) => (b.ok && b.kind === 'points' ? b.times : []))).toEqual(times);
    expect(back.flatMap((b) => (b.ok && b.kind === 'points' ? b.values : []))).toEqual(values);
  });

  it('shortest float32 text reads back as the same float32', () => {
    for (const v of [0.1, 72.3, -1e-7, 123456.78, 3.4e38]) expect(Math.fround(Number(float32Text(v)))).toBe(Math.fround(v));
  });
});
