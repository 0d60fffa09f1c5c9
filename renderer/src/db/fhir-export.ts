import type { Observation as FhirObservation, Resource } from '@medplum/fhirtypes';
import { sharingRefusal } from '../../../common/consent/rights';
import type { PairedDevice } from '../../../common/devices/device';
import { bundleJson, ndjsonLines, type BundleKind, type NdjsonLine } from '../../../common/fhir/bundle';
import { resourceId } from '../../../common/fhir/ids';
import { appointmentToFhir, carePlanToFhir, communicationToFhir, consentsToFhir, episodeOfCareToFhir, flagToFhir, taskToFhir } from '../../../common/fhir/map-care';
import { deviceToFhir, organizationId, organizationToFhir, practitionerRoleToFhir, practitionerToFhir } from '../../../common/fhir/map-directory';
import { observationsToFhir, type ObservationContext } from '../../../common/fhir/map-observation';
import { patientToFhir } from '../../../common/fhir/map-patient';
import { provenanceToFhir } from '../../../common/fhir/map-provenance';
import { pointSeriesToFhir, waveformToFhir } from '../../../common/fhir/map-series';
import { EXT_COMPONENT_ROW_ID, ROW_ID_SYSTEM } from '../../../common/fhir/systems';
import { metricCode, type GlucoseSource } from '../../../common/fhir/vital-codes';
import type { CareProgram } from '../../../common/programs/program';
import type { Observation } from '../../../common/readings/observation';
import type { AppointmentType } from '../../../common/schedule/appointment';
import { ACTIVE_STATUSES } from './alerts';
import { consentState } from './consents';
import type { CareLoopDb, PatientRow } from './database';
import { appendAudit, type WriteContext } from './journal';

/**
 * FHIR R4 export of a patient, a selection or the whole clinic (issue 10), streamed: the
 * clinic's directory first (Organization, Practitioner, PractitionerRole), then one patient
 * at a time with everything of theirs, so only one patient's rows are ever in memory.
 *
 * Each patient's export is a disclosure: to another provider it needs the patient's
 * sharing consent (common/consent/rights.ts), and every export — or refusal — is written
 * to the audit log ('export' / 'disclosure.refuse', the fields the accounting of
 * disclosures reads) before any of the patient's data leaves. Refused patients are
 * reported, never silently left out.
 */
export type ExportRecipient = { kind: 'patient' } | { kind: 'provider'; name: string };

export interface FhirExportOptions {
  /** The patients to export; all patients of the clinic when absent. */
  patientIds?: readonly string[];
  recipient: ExportRecipient;
  clinicName: string;
  /** Dense series and waveforms as valueSampledData (default true). */
  includeSeries?: boolean;
  /** Whether the file that leaves is sealed (common/exports/sealed-file.ts); recorded in the audit. Default false. */
  encrypted?: boolean;
}

export interface FhirExportReport {
  patients: number;
  resources: number;
  withheld: { patientId: string; reason: string }[];
}

const PAGE = 200;
/** Series blocks read per round trip: a day of minute values or ten seconds of ECG each. */
const SERIES_PAGE = 16;

async function* patientsToExport(db: CareLoopDb, ids: readonly string[] | undefined): AsyncGenerator<PatientRow> {
  if (ids) {
    for (let i = 0; i < ids.length; i += PAGE) {
      for (const p of await db.patients.bulkGet(ids.slice(i, i + PAGE))) if (p && !p.deleted) yield p;
    }
    return;
  }
  let after = '';
  for (;;) {
    const page = await db.patients.where(':id').above(after).limit(PAGE).toArray();
    if (page.length === 0) return;
    for (const p of page) if (!p.deleted) yield p;
    after = page[page.length - 1]!.id;
  }
}

function glucoseSourceOf(devices: ReadonlyMap<string, PairedDevice>): (id: string | undefined) => GlucoseSource {
  return (id) => {
    const d = id ? devices.get(id) : undefined;
    if (!d) return 'unknown';
    return /cgm|libre|dexcom/i.test(`${d.family} ${d.model}`) ? 'cgm' : /gluco|contour|freestyle|meter/i.test(`${d.family} ${d.model}`) ? 'meter' : 'unknown';
  };
}

/** Row id → id of the Observation resource that carries it (a panel carries several rows). */
function rowResourceIds(resources: readonly FhirObservation[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources) {
    const own = r.identifier?.find((i) => i.system === ROW_ID_SYSTEM)?.value;
    if (own) out.set(own, r.id!);
    for (const c of r.component ?? []) {
      const id = c.extension?.find((e) => e.url === EXT_COMPONENT_ROW_ID)?.valueString;
      if (id) out.set(id, r.id!);
    }
  }
  return out;
}

/** Checks sharing consent and audits the disclosure; returns why it was refused, if it was. */
async function discloseOrRefuse(db: CareLoopDb, ctx: WriteContext, p: PatientRow, o: FhirExportOptions, format: string): Promise<string | undefined> {
  const why = o.recipient.kind === 'provider' ? sharingRefusal(await consentState(db, p.id)) : undefined;
  const recipient = o.recipient.kind === 'patient' ? 'the patient' : o.recipient.name;
  await appendAudit(db, ctx, {
    action: why ? 'disclosure.refuse' : 'export',
    entity: 'patient-data',
    entityId: p.id,
    patientId: p.id,
    changes: {
      kind: { before: undefined, after: 'export' },
      recipient: { before: undefined, after: recipient },
      format: { before: undefined, after: format },
      encrypted: { before: undefined, after: o.encrypted ?? false },
    },
    ...(why ? { reason: why } : {}),
  });
  return why;
}

/** Small clinic-wide tables every patient's resources refer to, read once per export. */
interface Lookups {
  appointmentTypes: Map<string, AppointmentType>;
  programs: Map<string, CareProgram>;
}

async function* patientResources(db: CareLoopDb, clinicId: string, p: PatientRow, includeSeries: boolean, look: Lookups): AsyncGenerator<Resource> {
  const pid = p.id;
  const orgId = organizationId(clinicId);
  yield patientToFhir(p, orgId);

  const devices = new Map((await db.devices.where('patientId').equals(pid).toArray()).filter((d) => !d.deleted).map((d) => [d.id, d]));
  for (const d of devices.values()) yield deviceToFhir(d);

  const rows: Observation[] = await db.observations.where('[patientId+timeMs]').between([pid, -Infinity], [pid, Infinity]).toArray();
  const ctx: ObservationContext = { glucoseSource: glucoseSourceOf(devices), deviceResourceId: (id) => (id && devices.has(id) ? id : undefined) };
  const observations = observationsToFhir(rows, ctx);
  yield* observations;

  // One Provenance per download session or import the readings came from.
  const ids = rowResourceIds(observations);
  const bySession = new Map<string, { rows: Observation[] }>();
  for (const r of rows) {
    const s = r.source.sessionId;
    if (!s) continue;
    let g = bySession.get(s);
    if (!g) bySession.set(s, (g = { rows: [] }));
    g.rows.push(r);
  }
  for (const [sessionId, g] of bySession) {
    const session = await db.deviceSessions.get(sessionId);
    const deviceId = session?.deviceId ?? g.rows[0]!.source.deviceId;
    const device = deviceId ? devices.get(deviceId) : undefined;
    yield provenanceToFhir({
      sessionId,
      ...(device ? { deviceResourceId: device.id } : {}),
      description: session ? `${device?.label ?? 'device'} download` : `${g.rows[0]!.source.kind} ${sessionId}`,
      recordedMs: session?.endedMs ?? Math.min(...g.rows.map((r) => r.receivedMs)),
      targetObservationIds: [...new Set(g.rows.map((r) => ids.get(r.id) ?? resourceId('Observation', r.id)))],
    }, clinicId);
  }

  if (includeSeries) {
    const keys = await db.seriesBlocks.where('[patientId+metric+startMs]').between([pid, '', -Infinity], [pid, '\uffff', Infinity]).primaryKeys();
    for (let i = 0; i < keys.length; i += SERIES_PAGE) {
      for (const b of await db.seriesBlocks.bulkGet(keys.slice(i, i + SERIES_PAGE))) {
        if (!b) continue;
        const unit = metricCode(b.metric)?.unit ?? '1';
        if (b.kind === 'waveform') for (const s of b.segments ?? []) yield waveformToFhir({ patientId: pid, metric: b.metric, startMs: s.startMs, fs: s.fs, values: s.values, unit });
        else if (b.times && b.values) yield* pointSeriesToFhir({ patientId: pid, metric: b.metric, times: b.times, values: b.values, unit });
      }
    }
  }

  for (const a of await db.appointments.where('[patientId+startMs]').between([pid, -Infinity], [pid, Infinity]).toArray()) {
    if (!a.deleted) yield appointmentToFhir(a, look.appointmentTypes.get(a.typeId));
  }
  for (const m of await db.messages.where('[patientId+createdMs]').between([pid, -Infinity], [pid, Infinity]).toArray()) {
    if (!m.deleted) yield communicationToFhir(m, clinicId);
  }
  for (const t of await db.tasks.where('[patientId+dueMs]').between([pid, -Infinity], [pid, Infinity]).toArray()) {
    if (!t.deleted) yield taskToFhir(t);
  }
  yield* consentsToFhir(await db.consents.where('patientId').equals(pid).toArray(), clinicId);
  for (const e of await db.enrolments.where('[patientId+startMs]').between([pid, -Infinity], [pid, Infinity]).toArray()) {
    if (e.deleted) continue;
    yield episodeOfCareToFhir(e, look.programs.get(e.programId), clinicId);
    yield carePlanToFhir(e, look.programs.get(e.programId));
  }
  const active: readonly string[] = ACTIVE_STATUSES;
  for (const a of await db.alerts.where('[patientId+openedAtMs]').between([pid, -Infinity], [pid, Infinity]).toArray()) {
    if (!a.deleted && active.includes(a.status)) yield flagToFhir(a);
  }
}

/** Every exported resource, in order, as an async iterable; `report` fills in as it is consumed. */
export async function* exportFhirResources(db: CareLoopDb, ctx: WriteContext, o: FhirExportOptions, report: FhirExportReport, format: string): AsyncGenerator<Resource> {
  const clinicId = ctx.clinicId;
  const count = (r: Resource) => {
    report.resources++;
    return r;
  };
  yield count(organizationToFhir({ clinicId, name: o.clinicName }));
  // All staff, former ones too: appointments and tasks of the past still point at them.
  for (const s of await db.staff.toArray()) {
    yield count(practitionerToFhir(s));
    yield count(practitionerRoleToFhir(s, clinicId));
  }
  const look: Lookups = {
    appointmentTypes: new Map((await db.appointmentTypes.toArray()).map((t) => [t.id, t])),
    programs: new Map((await db.carePrograms.toArray()).map((c) => [c.id, c])),
  };
  for await (const p of patientsToExport(db, o.patientIds)) {
    const refused = await discloseOrRefuse(db, ctx, p, o, format);
    if (refused) {
      report.withheld.push({ patientId: p.id, reason: refused });
      continue;
    }
    report.patients++;
    for await (const r of patientResources(db, clinicId, p, o.includeSeries ?? true, look)) yield count(r);
  }
}

export function newExportReport(): FhirExportReport {
  return { patients: 0, resources: 0, withheld: [] };
}

/** The export as one FHIR Bundle (collection or transaction), as a stream of JSON text pieces. */
export function exportFhirBundle(db: CareLoopDb, ctx: WriteContext, o: FhirExportOptions & { kind: BundleKind; baseUrl?: string }, report = newExportReport()): AsyncGenerator<string> {
  return bundleJson(exportFhirResources(db, ctx, o, report, 'fhir-bundle'), { kind: o.kind, timestampMs: Date.now(), ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}) });
}

/** The export as NDJSON lines tagged with their resource type (one file per type, FHIR Bulk Data). */
export function exportFhirNdjson(db: CareLoopDb, ctx: WriteContext, o: FhirExportOptions, report = newExportReport()): AsyncGenerator<NdjsonLine> {
  return ndjsonLines(exportFhirResources(db, ctx, o, report, 'fhir-ndjson'));
}
