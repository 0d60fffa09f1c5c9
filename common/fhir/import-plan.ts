import type { Observation as FhirObservation, Patient as FhirPatient } from '@medplum/fhirtypes';
import { fold } from '../patient/search';
import type { PatientFields } from '../patient/patient';
import type { FhirProblem } from './errors';
import { parseReference } from './ids';
import { patientFromFhir } from './map-patient';
import { readingsFromFhir, type ImportedReading } from './map-observation';
import { seriesFromFhir, type SeriesFromFhir } from './map-series';
import type { ParsedEntry } from './parse';
import { MRN_SYSTEM } from './systems';

/**
 * What an import would do, before it does anything (issue 10: a review step). Patients are
 * matched by MRN first (the same patient: readings join the existing record), then by name
 * and birth date (maybe the same patient: staff decide); everything else is new. Every
 * resource that is not imported is listed with the reason.
 */
export interface ExistingPatient {
  id: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  mrn: string;
}

/** How the planner reaches the clinic's patients (the database in the app, arrays in tests). */
export interface PatientDirectory {
  byMrn(mrn: string): Promise<ExistingPatient | undefined>;
  byBirthDate(birthDate: string): Promise<ExistingPatient[]>;
  byId(id: string): Promise<ExistingPatient | undefined>;
}

export type PatientMatch =
  | { kind: 'new' }
  | { kind: 'matched'; patientId: string; by: 'identifier' }
  | { kind: 'needs-review'; candidates: ExistingPatient[] };

export interface PatientCandidate {
  /** The key decisions are given under: the resource id, or `#<index>` without one. */
  key: string;
  index: number;
  resourceId?: string;
  fields: PatientFields;
  match: PatientMatch;
}

/** Whom readings belong to: a patient of this file (by candidate key) or one already stored. */
export type Subject = { candidate: string } | { existing: string };

export interface ReadingItem {
  index: number;
  resourceId?: string;
  subject: Subject;
  readings: ImportedReading[];
}

export interface SeriesItem {
  index: number;
  resourceId?: string;
  subject: Subject;
  series: Exclude<SeriesFromFhir, { ok: false }>;
}

export interface ImportPlan {
  source: { system: string; fileName?: string };
  patients: PatientCandidate[];
  readings: ReadingItem[];
  series: SeriesItem[];
  /** Invalid, unknown and not-imported resources, each with its position and reason. */
  problems: FhirProblem[];
}

/** Resource types CareLoop reads on import; the rest are reported as not imported. */
export const IMPORTED_TYPES: readonly string[] = ['Patient', 'Observation'];

const sameName = (a: string, b: string) => fold(a).replace(/\s+/g, ' ').trim() === fold(b).replace(/\s+/g, ' ').trim();

export function nameAndBirthDateMatch(fields: Pick<PatientFields, 'givenName' | 'familyName' | 'birthDate'>, p: ExistingPatient): boolean {
  return p.birthDate === fields.birthDate && sameName(p.familyName, fields.familyName) && sameName(p.givenName, fields.givenName);
}

export interface PlanOptions {
  sourceSystem: string;
  fileName?: string;
  /** Identifier systems that hold the MRN, besides any identifier of type MR. */
  mrnSystems?: readonly string[];
}

/**
 * The validator checks a resource against the R4 definitions, but lets some shapes through
 * (a number where a list of HumanName is expected); a mapper meeting one must cost that
 * resource, named as a problem, not the whole import.
 */
function readSafely<T extends { ok: boolean }>(map: () => T): T | { ok: false; reason: string } {
  try {
    return map();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return { ok: false, reason: 'an element does not have the shape FHIR R4 gives it, so the resource cannot be read' };
  }
}

export async function planImport(entries: readonly ParsedEntry[], problems: readonly FhirProblem[], directory: PatientDirectory, o: PlanOptions): Promise<ImportPlan> {
  const plan: ImportPlan = { source: { system: o.sourceSystem, ...(o.fileName ? { fileName: o.fileName } : {}) }, patients: [], readings: [], series: [], problems: [...problems] };
  const mrnSystems = o.mrnSystems ?? [MRN_SYSTEM];
  const problem = (e: ParsedEntry, code: FhirProblem['code'], reason: string) =>
    plan.problems.push({ code, index: e.index, resourceType: e.resource.resourceType, ...(e.resource.id ? { id: e.resource.id } : {}), reason });
  const byResourceId = new Map<string, PatientCandidate>();
  /** Patients of this file that will not be imported, so their readings can say why. */
  const refused = new Set<string>(problems.filter((p) => p.resourceType === 'Patient' && p.id).map((p) => p.id!));
  const mrnsSeen = new Set<string>();
  const observations: ParsedEntry[] = [];
  for (const e of entries) {
    const r = e.resource;
    if (r.resourceType === 'Observation') {
      observations.push(e);
      continue;
    }
    if (r.resourceType !== 'Patient') {
      problem(e, 'not-imported', `${r.resourceType} is not imported by CareLoop (it imports Patient and Observation)`);
      continue;
    }
    const mapped = readSafely(() => patientFromFhir(r as FhirPatient, mrnSystems));
    if (!mapped.ok) {
      problem(e, 'unmapped', mapped.reason);
      if (r.id) refused.add(r.id);
      continue;
    }
    const mrnKey = mapped.fields.mrn.toUpperCase();
    if (mrnsSeen.has(mrnKey)) {
      problem(e, 'unmapped', `MRN ${mapped.fields.mrn} appears twice in this import`);
      if (r.id) refused.add(r.id);
      continue;
    }
    mrnsSeen.add(mrnKey);
    const byMrn = await directory.byMrn(mapped.fields.mrn);
    let match: PatientMatch;
    if (byMrn) match = { kind: 'matched', patientId: byMrn.id, by: 'identifier' };
    else {
      const candidates = (await directory.byBirthDate(mapped.fields.birthDate)).filter((p) => nameAndBirthDateMatch(mapped.fields, p));
      match = candidates.length ? { kind: 'needs-review', candidates } : { kind: 'new' };
    }
    const c: PatientCandidate = { key: r.id ?? `#${e.index}`, index: e.index, ...(r.id ? { resourceId: r.id } : {}), fields: mapped.fields, match };
    plan.patients.push(c);
    if (r.id) byResourceId.set(r.id, c);
  }
  for (const e of observations) {
    const o = e.resource as FhirObservation;
    const ref = parseReference(o.subject?.reference);
    if (!ref || (ref.type && ref.type !== 'Patient')) {
      problem(e, 'unresolved-reference', 'subject is not a reference to a Patient');
      continue;
    }
    const inFile = byResourceId.get(ref.id);
    const stored = inFile ? undefined : await directory.byId(ref.id);
    if (!inFile && !stored) {
      problem(e, 'unresolved-reference', refused.has(ref.id)
        ? `subject Patient/${ref.id} is not imported (see that patient's problem)`
        : `subject Patient/${ref.id} is neither in this import nor in the clinic`);
      continue;
    }
    const subject: Subject = inFile ? { candidate: inFile.key } : { existing: stored!.id };
    const at = { index: e.index, ...(o.id ? { resourceId: o.id } : {}), subject };
    if (o.valueSampledData) {
      const s = readSafely(() => seriesFromFhir(o));
      if (s.ok) plan.series.push({ ...at, series: s });
      else problem(e, 'unmapped', s.reason);
      continue;
    }
    const r = readSafely(() => readingsFromFhir(o, plan.source.system));
    if (r.ok) plan.readings.push({ ...at, readings: r.readings });
    else problem(e, 'unmapped', r.reason);
  }
  plan.problems.sort((a, b) => a.index - b.index);
  return plan;
}

export interface PlanSummary {
  newPatients: number;
  matchedPatients: number;
  needsReview: number;
  readings: number;
  seriesSamples: number;
  problems: number;
}

export function summarisePlan(p: ImportPlan): PlanSummary {
  return {
    newPatients: p.patients.filter((c) => c.match.kind === 'new').length,
    matchedPatients: p.patients.filter((c) => c.match.kind === 'matched').length,
    needsReview: p.patients.filter((c) => c.match.kind === 'needs-review').length,
    readings: p.readings.reduce((n, r) => n + r.readings.length, 0),
    seriesSamples: p.series.reduce((n, s) => n + (s.series.kind === 'waveform' ? s.series.values.length : s.series.times.length), 0),
    problems: p.problems.length,
  };
}
