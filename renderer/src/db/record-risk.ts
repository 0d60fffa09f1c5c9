import { newId } from '../../../common/ids';
import type { Metric, Observation } from '../../../common/readings/observation';
import type { AscvdRace } from '../engine/insights/ascvd';
import { BP_LOOKBACK_DAYS, recordRiskScores, RISK_BODY_METRICS, RISK_BP_METRICS, RISK_LAB_METRICS, type RecordReading, type RecordRiskScores } from '../engine/insights/record-risk';
import type { CareLoopDb } from './database';
import { appendAudit, type WriteContext } from './journal';
import { latestObservations, observationsBetween } from './observations';

/**
 * The risk scores of one patient from what is stored (the profile's "Risk scores" card), and the
 * laboratory results staff enter from a report so the scores have lipids and eGFR to read.
 */

const DAY_MS = 86_400_000;

export interface RecordRiskQuery {
  nowMs: number;
  timeZone: string;
  /** Race group for the Pooled Cohort Equations, for this calculation only. */
  race?: AscvdRace | undefined;
}

/** The readings the risk scores read: the latest lab and body measurements, and the last 30 days of blood pressure. */
export async function riskReadings(db: CareLoopDb, patientId: string, nowMs: number): Promise<RecordReading[]> {
  const [latest, ...bp] = await Promise.all([
    latestObservations(db, patientId, [...RISK_LAB_METRICS, ...RISK_BODY_METRICS]),
    ...RISK_BP_METRICS.map((m) => observationsBetween(db, patientId, m, nowMs - (BP_LOOKBACK_DAYS + 1) * DAY_MS, nowMs + 1)),
  ]);
  return [...latest.values(), ...bp.flat()];
}

/** The patient's risk scores, or undefined when the patient is not on this workstation. */
export async function loadRecordRisk(db: CareLoopDb, patientId: string, q: RecordRiskQuery): Promise<RecordRiskScores | undefined> {
  const patient = await db.patients.get(patientId);
  if (!patient || patient.deleted) return undefined;
  const readings = await riskReadings(db, patientId, q.nowMs);
  return recordRiskScores(patient, readings, { nowMs: q.nowMs, timeZone: q.timeZone, race: q.race });
}

// ---- laboratory results entered by staff ----------------------------------------------------

export interface LabMetricSpec {
  metric: Metric;
  label: string;
  /** UCUM units accepted, the first the usual one. */
  units: readonly string[];
  /** Plausible values per unit: outside them the entry is a typing error. */
  ranges: Readonly<Record<string, readonly [number, number]>>;
}

export const LAB_METRICS: readonly LabMetricSpec[] = [
  { metric: 'total-cholesterol', label: 'Total cholesterol', units: ['mg/dL', 'mmol/L'], ranges: { 'mg/dL': [40, 1000], 'mmol/L': [1, 26] } },
  { metric: 'hdl-cholesterol', label: 'HDL cholesterol', units: ['mg/dL', 'mmol/L'], ranges: { 'mg/dL': [5, 250], 'mmol/L': [0.1, 6.5] } },
  { metric: 'ldl-cholesterol', label: 'LDL cholesterol', units: ['mg/dL', 'mmol/L'], ranges: { 'mg/dL': [5, 800], 'mmol/L': [0.1, 21] } },
  { metric: 'egfr', label: 'eGFR (CKD-EPI 2021)', units: ['mL/min/{1.73_m2}'], ranges: { 'mL/min/{1.73_m2}': [1, 200] } },
  { metric: 'hba1c', label: 'HbA1c', units: ['%', 'mmol/mol'], ranges: { '%': [3, 20], 'mmol/mol': [9, 195] } },
];

export interface LabResultInput {
  patientId: string;
  metric: string;
  /** As typed; a decimal comma is accepted. */
  value: string | number;
  unit: string;
  /** YYYY-MM-DD, the day the sample was taken. */
  date: string;
}

export class LabResultError extends Error {
  override readonly name = 'LabResultError';
  constructor(readonly fields: Partial<Record<'patientId' | 'metric' | 'value' | 'unit' | 'date', string>>) {
    super(`Please correct: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
}

/**
 * A result dated by day is stored at 12:00 UTC of that day, so its calendar date is the same in
 * every clinic time zone from UTC−11 to UTC+11.
 */
export const labResultTimeMs = (date: string): number => Date.parse(`${date}T12:00:00Z`);

/** Checks a laboratory result typed by staff; throws LabResultError naming every bad field. */
export function parseLabResult(input: LabResultInput, nowMs: number): { spec: LabMetricSpec; value: number; unit: string; timeMs: number } {
  const fields: LabResultError['fields'] = {};
  const spec = LAB_METRICS.find((m) => m.metric === input.metric);
  if (!spec) fields.metric = `must be one of ${LAB_METRICS.map((m) => m.label).join(', ')}`;
  const value = typeof input.value === 'number' ? input.value : input.value.trim() === '' ? Number.NaN : Number(input.value.trim().replace(',', '.'));
  const unitOk = !!spec && spec.units.includes(input.unit);
  if (spec && !unitOk) fields.unit = `must be ${spec.units.join(' or ')}`;
  if (!Number.isFinite(value)) fields.value = 'must be a number';
  else if (spec && unitOk) {
    const [lo, hi] = spec.ranges[input.unit]!;
    if (value < lo || value > hi) fields.value = `must be between ${lo} and ${hi} ${input.unit}`;
  }
  const timeMs = /^\d{4}-\d{2}-\d{2}$/.test(input.date) ? labResultTimeMs(input.date) : Number.NaN;
  if (!Number.isFinite(timeMs) || new Date(timeMs).toISOString().slice(0, 10) !== input.date) fields.date = 'must be a real date (YYYY-MM-DD)';
  // today in the zone furthest ahead (UTC+14) is the latest date a result can have been taken
  else if (input.date > new Date(nowMs + 14 * 3_600_000).toISOString().slice(0, 10)) fields.date = 'cannot be in the future';
  else if (input.date < '1990-01-01') fields.date = 'must be after 1990';
  if (!spec || Object.keys(fields).length) throw new LabResultError(fields);
  return { spec, value, unit: input.unit, timeMs };
}

/**
 * Stores a laboratory result as a manual, clinical-grade observation. The outbox middleware
 * queues it for sync in the same transaction; the audit entry names who entered what.
 */
export async function addLabResult(db: CareLoopDb, ctx: WriteContext, input: LabResultInput, nowMs = Date.now()): Promise<Observation> {
  const { spec, value, unit, timeMs } = parseLabResult(input, nowMs);
  return db.transaction('rw', [db.patients, db.observations, db.audit, db.outbox], async () => {
    const patient = await db.patients.get(input.patientId);
    if (!patient || patient.deleted) throw new LabResultError({ patientId: 'is not a patient on this workstation' });
    const row: Observation = {
      id: newId(),
      clinicId: ctx.clinicId,
      patientId: patient.id,
      metric: spec.metric,
      value,
      unit,
      timeMs,
      source: { kind: 'manual', grade: 'clinical' },
      flags: [],
      receivedMs: nowMs,
    };
    await db.observations.add(row);
    await appendAudit(db, ctx, {
      action: 'reading.add',
      entity: 'observation',
      entityId: row.id,
      patientId: patient.id,
      changes: { metric: { before: undefined, after: spec.metric }, value: { before: undefined, after: value }, unit: { before: undefined, after: unit }, date: { before: undefined, after: input.date } },
    });
    return row;
  });
}
