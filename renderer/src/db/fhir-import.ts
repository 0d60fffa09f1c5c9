import type { FhirProblem } from '../../../common/fhir/errors';
import { planImport, type ExistingPatient, type ImportPlan, type PatientDirectory, type PlanOptions, type Subject } from '../../../common/fhir/import-plan';
import type { ParsedInput } from '../../../common/fhir/parse';
import { newId } from '../../../common/ids';
import type { Observation, QualityFlag } from '../../../common/readings/observation';
import type { CareLoopDb, PatientRow } from './database';
import type { WriteContext } from './journal';
import { storeObservations } from './observations';
import { PatientRepository } from './patients';
import { SeriesStore } from './series/series-store';

/**
 * FHIR R4 import in two steps (issue 10): planFhirImport says what would happen — new
 * patients, patients matched by MRN, patients that need review (same name and birth
 * date, different or no MRN), readings, and every resource that will not be imported and
 * why — without writing anything; applyFhirImport writes it, in one transaction, only with
 * a decision for every patient that needs review. Patients are created through the
 * patient repository (validated, audited, queued for sync); readings are immutable rows
 * with deterministic ids, so importing the same file again adds nothing.
 */

function existing(p: PatientRow): ExistingPatient {
  return { id: p.id, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, mrn: p.mrn };
}

export function patientDirectory(db: CareLoopDb): PatientDirectory {
  return {
    async byMrn(mrn) {
      const p = await db.patients.where('mrnKey').equals(mrn.toUpperCase()).first();
      return p && !p.deleted ? existing(p) : undefined;
    },
    async byBirthDate(birthDate) {
      return (await db.patients.where('birthDate').equals(birthDate).toArray()).filter((p) => !p.deleted).map(existing);
    },
    async byId(id) {
      const p = await db.patients.get(id);
      return p && !p.deleted ? existing(p) : undefined;
    },
  };
}

export function planFhirImport(db: CareLoopDb, input: ParsedInput, o: PlanOptions): Promise<ImportPlan> {
  return planImport(input.entries, input.problems, patientDirectory(db), o);
}

/** Readings of the plan this clinic already holds (same deterministic id): a re-import adds none of them. */
export async function readingsAlreadyStored(db: CareLoopDb, plan: ImportPlan): Promise<number> {
  const ids = plan.readings.flatMap((item) => item.readings.map((r) => r.id));
  let stored = 0;
  for (let i = 0; i < ids.length; i += 1000) stored += (await db.observations.bulkGet(ids.slice(i, i + 1000))).filter(Boolean).length;
  return stored;
}

/** How far an apply is, in steps of work (patients, then readings, then series items). */
export type ImportProgress = (p: { done: number; total: number }) => void;

/** What staff decided for one patient of the plan. */
export type PatientDecision = { action: 'create' } | { action: 'use'; patientId: string } | { action: 'skip' };

/** Some patients need a decision before anything is imported. */
export class ImportReviewRequiredError extends Error {
  override readonly name = 'ImportReviewRequiredError';
  constructor(readonly keys: readonly string[]) {
    super(`${keys.length} patient(s) need review before import: decide to create, use an existing patient, or skip`);
  }
}

export class ImportDecisionError extends Error {
  override readonly name = 'ImportDecisionError';
}

export interface FhirImportResult {
  importId: string;
  patientsCreated: number;
  patientsMatched: number;
  patientsSkipped: number;
  readingsAdded: number;
  readingsDuplicate: number;
  /** Readings of patients staff chose to skip. */
  readingsSkipped: number;
  seriesSamplesAdded: number;
  /** Everything the plan did not import, with reasons (as planned). */
  problems: FhirProblem[];
  /** Candidate key → the patient row its data went to. */
  patientIds: Record<string, string>;
}

function resolveDecisions(plan: ImportPlan, decisions: Readonly<Record<string, PatientDecision>>): Map<string, PatientDecision> {
  const out = new Map<string, PatientDecision>();
  const missing: string[] = [];
  for (const c of plan.patients) {
    const given = decisions[c.key];
    if (given) out.set(c.key, given);
    else if (c.match.kind === 'new') out.set(c.key, { action: 'create' });
    else if (c.match.kind === 'matched') out.set(c.key, { action: 'use', patientId: c.match.patientId });
    else missing.push(c.key);
  }
  for (const key of Object.keys(decisions)) if (!plan.patients.some((c) => c.key === key)) throw new ImportDecisionError(`no patient ${key} in this import`);
  if (missing.length) throw new ImportReviewRequiredError(missing);
  return out;
}

const META_KEY = (id: string) => `fhir-import:${id}`;

/** Readings stored per step, so a progress bar moves on a large import. */
const READINGS_STEP = 2000;

export async function applyFhirImport(db: CareLoopDb, ctx: WriteContext, plan: ImportPlan, decisions: Readonly<Record<string, PatientDecision>> = {}, progress: ImportProgress = () => undefined): Promise<FhirImportResult> {
  const chosen = resolveDecisions(plan, decisions);
  const readingCount = plan.readings.reduce((n, r) => n + r.readings.length, 0);
  const total = plan.patients.length + readingCount + plan.series.length;
  let done = 0;
  const step = (n: number) => progress({ done: (done += n), total });
  const importId = newId();
  const now = Date.now();
  const result: FhirImportResult = {
    importId, patientsCreated: 0, patientsMatched: 0, patientsSkipped: 0, readingsAdded: 0, readingsDuplicate: 0, readingsSkipped: 0,
    seriesSamplesAdded: 0, problems: plan.problems, patientIds: {},
  };
  const tables = [db.patients, db.audit, db.outbox, db.meta, db.observations, db.seriesBlocks, db.rollups];
  await db.transaction('rw', tables, async () => {
    const toCreate = plan.patients.filter((c) => chosen.get(c.key)!.action === 'create');
    for (const c of plan.patients) {
      const d = chosen.get(c.key)!;
      if (d.action === 'use') {
        const p = await db.patients.get(d.patientId);
        if (!p || p.deleted) throw new ImportDecisionError(`patient ${d.patientId} chosen for ${c.key} does not exist`);
        result.patientIds[c.key] = p.id;
        result.patientsMatched++;
      } else if (d.action === 'skip') result.patientsSkipped++;
    }
    const created = await new PatientRepository(db, ctx).createMany(toCreate.map((c) => c.fields));
    toCreate.forEach((c, i) => (result.patientIds[c.key] = created[i]!.id));
    result.patientsCreated = created.length;
    step(plan.patients.length);

    const patientOf = (s: Subject) => ('existing' in s ? s.existing : result.patientIds[s.candidate]);
    const rows: Observation[] = [];
    for (const item of plan.readings) {
      const patientId = patientOf(item.subject);
      if (!patientId) {
        result.readingsSkipped += item.readings.length;
        continue;
      }
      for (const r of item.readings) {
        const flags: QualityFlag[] = Number.isNaN(r.value) && !r.flags.includes('not-a-number') ? [...r.flags, 'not-a-number'] : r.flags;
        rows.push({
          id: r.id, clinicId: ctx.clinicId, patientId, metric: r.metric, value: r.value, unit: r.unit, timeMs: r.timeMs,
          source: { kind: 'import', grade: r.grade, sessionId: importId }, flags, ...(r.groupId ? { groupId: r.groupId } : {}), receivedMs: now,
        });
      }
    }
    step(result.readingsSkipped);
    for (let i = 0; i < rows.length; i += READINGS_STEP) {
      const stored = await storeObservations(db, rows.slice(i, i + READINGS_STEP));
      result.readingsAdded += stored.added;
      result.readingsDuplicate += stored.duplicates;
      step(Math.min(READINGS_STEP, rows.length - i));
    }

    const series = new SeriesStore(db);
    for (const item of plan.series) {
      const patientId = patientOf(item.subject);
      step(1);
      if (!patientId) continue;
      const s = item.series;
      result.seriesSamplesAdded += s.kind === 'waveform'
        ? await series.appendWaveform(patientId, s.metric, s.startMs, s.fs, s.values)
        : await series.appendPoints(patientId, s.metric, s.times, s.values);
    }
    // Where the readings came from: their source.sessionId names this record.
    await db.meta.put({
      key: META_KEY(importId),
      value: { kind: 'fhir-import', atMs: now, actor: ctx.actor, sourceSystem: plan.source.system, fileName: plan.source.fileName ?? null, readingsAdded: result.readingsAdded, patientsCreated: result.patientsCreated },
    });
  });
  return result;
}
