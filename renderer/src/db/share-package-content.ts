import type { Resource } from '@medplum/fhirtypes';
import type { PairedDevice } from '../../../common/devices/device';
import { appointmentToFhir, carePlanToFhir, communicationToFhir, consentsToFhir, episodeOfCareToFhir, flagToFhir, taskToFhir } from '../../../common/fhir/map-care';
import { deviceToFhir, organizationId, organizationToFhir, practitionerRoleToFhir, practitionerToFhir } from '../../../common/fhir/map-directory';
import { observationsToFhir } from '../../../common/fhir/map-observation';
import { patientToFhir } from '../../../common/fhir/map-patient';
import { pointSeriesToFhir, waveformToFhir } from '../../../common/fhir/map-series';
import { metricCode, type GlucoseSource } from '../../../common/fhir/vital-codes';
import type { ShareContent } from '../../../common/sharing/format';
import { referencedKeys } from '../../../common/sharing/payload';
import { ACTIVE_STATUSES } from './alerts';
import type { CareLoopDb, PatientRow } from './database';

/**
 * The FHIR resources of one patient that a share package carries: the patient and the
 * clinic always, then only the kinds of record staff ticked — each read from its own table
 * only when ticked, so what is not shared is not even read (data minimisation, GDPR Art.
 * 5(1)(c)). Staff appear only when something shared names them. The mapping is the FHIR
 * export's (common/fhir/map-*); unlike the whole-record export this does no auditing of its
 * own: the share is one disclosure, recorded once by share-package.ts.
 */

/** Same rule as the FHIR export's: which kind of glucose device took a reading decides its LOINC code. */
function glucoseSourceOf(devices: ReadonlyMap<string, PairedDevice>): (id: string | undefined) => GlucoseSource {
  return (id) => {
    const d = id ? devices.get(id) : undefined;
    if (!d) return 'unknown';
    const text = `${d.family} ${d.model}`;
    return /cgm|libre|dexcom/i.test(text) ? 'cgm' : /gluco|contour|freestyle|meter/i.test(text) ? 'meter' : 'unknown';
  };
}

const SERIES_PAGE = 16;

async function seriesResources(db: CareLoopDb, pid: string): Promise<Resource[]> {
  const out: Resource[] = [];
  const keys = await db.seriesBlocks.where('[patientId+metric+startMs]').between([pid, '', -Infinity], [pid, '\uffff', Infinity]).primaryKeys();
  for (let i = 0; i < keys.length; i += SERIES_PAGE) {
    for (const b of await db.seriesBlocks.bulkGet(keys.slice(i, i + SERIES_PAGE))) {
      if (!b) continue;
      const unit = metricCode(b.metric)?.unit ?? '1';
      if (b.kind === 'waveform') for (const s of b.segments ?? []) out.push(waveformToFhir({ patientId: pid, metric: b.metric, startMs: s.startMs, fs: s.fs, values: s.values, unit }));
      else if (b.times && b.values) out.push(...pointSeriesToFhir({ patientId: pid, metric: b.metric, times: b.times, values: b.values, unit }));
    }
  }
  return out;
}

export async function sharedResources(db: CareLoopDb, clinic: { id: string; name: string }, p: PatientRow, contents: ReadonlySet<ShareContent>): Promise<Resource[]> {
  const pid = p.id;
  const out: Resource[] = [organizationToFhir({ clinicId: clinic.id, name: clinic.name }), patientToFhir(p, organizationId(clinic.id))];
  const [lo, hi] = [[pid, -Infinity], [pid, Infinity]];

  if (contents.has('readings') || contents.has('devices')) {
    const devices = new Map((await db.devices.where('patientId').equals(pid).toArray()).filter((d) => !d.deleted).map((d) => [d.id, d]));
    if (contents.has('devices')) for (const d of devices.values()) out.push(deviceToFhir(d));
    if (contents.has('readings')) {
      const rows = await db.observations.where('[patientId+timeMs]').between(lo, hi).toArray();
      const exported = contents.has('devices');
      out.push(...observationsToFhir(rows, { glucoseSource: glucoseSourceOf(devices), deviceResourceId: (id) => (exported && id && devices.has(id) ? id : undefined) }));
    }
  }
  if (contents.has('series')) out.push(...(await seriesResources(db, pid)));
  if (contents.has('appointments')) {
    const types = new Map((await db.appointmentTypes.toArray()).map((t) => [t.id, t]));
    for (const a of await db.appointments.where('[patientId+startMs]').between(lo, hi).toArray()) if (!a.deleted) out.push(appointmentToFhir(a, types.get(a.typeId)));
  }
  if (contents.has('messages')) for (const m of await db.messages.where('[patientId+createdMs]').between(lo, hi).toArray()) if (!m.deleted) out.push(communicationToFhir(m, clinic.id));
  if (contents.has('tasks')) for (const t of await db.tasks.where('[patientId+dueMs]').between(lo, hi).toArray()) if (!t.deleted) out.push(taskToFhir(t));
  if (contents.has('consents')) out.push(...consentsToFhir(await db.consents.where('patientId').equals(pid).toArray(), clinic.id));
  if (contents.has('programs')) {
    const programs = new Map((await db.carePrograms.toArray()).map((c) => [c.id, c]));
    for (const e of await db.enrolments.where('[patientId+startMs]').between(lo, hi).toArray()) {
      if (e.deleted) continue;
      out.push(episodeOfCareToFhir(e, programs.get(e.programId), clinic.id), carePlanToFhir(e, programs.get(e.programId)));
    }
  }
  if (contents.has('alerts')) {
    const active: readonly string[] = ACTIVE_STATUSES;
    for (const a of await db.alerts.where('[patientId+openedAtMs]').between(lo, hi).toArray()) if (!a.deleted && active.includes(a.status)) out.push(flagToFhir(a));
  }

  // Staff named by what is shared (an appointment's clinician, a task's owner), and nobody else.
  const named = referencedKeys(out);
  for (const s of await db.staff.toArray()) {
    if (named.has(`Practitioner/${s.id}`)) out.push(practitionerToFhir(s), practitionerRoleToFhir(s, clinic.id));
  }
  return out;
}
