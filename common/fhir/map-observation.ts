import type { CodeableConcept, Coding, Observation as FhirObservation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import type { Metric, Observation, QualityFlag } from '../readings/observation';
import { derivedId, instant, reference, resourceId } from './ids';
import { isMetric, isQualityFlag } from './metrics';
import {
  DATA_ABSENT_REASON, EXT_COMPONENT_ROW_ID, LOINC, METRIC_SYSTEM, OBSERVATION_CATEGORY, QUALITY_FLAG_SYSTEM, ROW_GROUP_SYSTEM, ROW_ID_SYSTEM,
  SOURCE_GRADE_SYSTEM, UCUM,
} from './systems';
import { LOINC_CODES, glucoseLoinc, metricCode, metricOfLoinc, toCanonicalUnit, type GlucoseSource, type MetricCode } from './vital-codes';

/** What the observation mapping needs to know about the rows around it. */
export interface ObservationContext {
  /** Which kind of glucose device took a reading (meter, CGM), by device row id. */
  glucoseSource(deviceId: string | undefined): GlucoseSource;
  /** The Device resource id of an exported device, or undefined when it is not exported. */
  deviceResourceId(deviceId: string | undefined): string | undefined;
}

const CATEGORY_DISPLAY: Record<MetricCode['category'], string> = { 'vital-signs': 'Vital Signs', activity: 'Activity', procedure: 'Procedure', laboratory: 'Laboratory' };

function category(c: MetricCode['category']): CodeableConcept[] {
  return [{ coding: [{ system: OBSERVATION_CATEGORY, code: c, display: CATEGORY_DISPLAY[c] }] }];
}

/** LOINC coding(s) plus CareLoop's metric coding, and the value in the profile's unit when it converts. */
function coded(row: Pick<Observation, 'metric' | 'value' | 'unit' | 'source'>, ctx: ObservationContext): { code: CodeableConcept; value: number; unit: string; category?: MetricCode['category'] } {
  const own: Coding = { system: METRIC_SYSTEM, code: row.metric };
  const mc = metricCode(row.metric);
  const converted = mc ? toCanonicalUnit(row.value, row.unit, mc.unit) : undefined;
  if (!mc || converted === undefined) return { code: { coding: [own], text: row.metric }, value: row.value, unit: row.unit };
  const loinc = row.metric === 'glucose' ? glucoseLoinc(ctx.glucoseSource(row.source.deviceId)) : mc.loinc;
  const coding: Coding[] = [loinc, ...(mc.alsoLoinc ?? [])].map((l) => ({ system: LOINC, code: l.code, display: l.display }));
  return { code: { coding: [...coding, own], text: loinc.display }, value: converted, unit: mc.unit, category: mc.category };
}

function quantityOrAbsent(value: number, unit: string): { valueQuantity: Quantity } | { dataAbsentReason: CodeableConcept } {
  if (Number.isFinite(value)) return { valueQuantity: { value, unit, system: UCUM, code: unit } };
  return { dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON, code: 'not-a-number' }] } };
}

function status(flags: readonly QualityFlag[]): FhirObservation['status'] {
  return flags.includes('measurement-ongoing') || flags.includes('early-estimate') ? 'preliminary' : 'final';
}

function meta(grade: string, flags: readonly QualityFlag[]): FhirObservation['meta'] {
  return { tag: [{ system: SOURCE_GRADE_SYSTEM, code: grade }, ...flags.map((f) => ({ system: QUALITY_FLAG_SYSTEM, code: f }))] };
}

function common(row: Observation, flags: readonly QualityFlag[], ctx: ObservationContext): Pick<FhirObservation, 'meta' | 'status' | 'subject' | 'effectiveDateTime' | 'issued' | 'device'> {
  const device = ctx.deviceResourceId(row.source.deviceId);
  return {
    meta: meta(row.source.grade, flags),
    status: status(flags),
    subject: reference('Patient', row.patientId),
    effectiveDateTime: instant(row.timeMs),
    issued: instant(row.receivedMs),
    ...(device ? { device: reference('Device', device) } : {}),
  };
}

/** One point reading as an Observation (FHIR R4 vital-signs shape: category, LOINC, UCUM). */
export function observationToFhir(row: Observation, ctx: ObservationContext): FhirObservation {
  const c = coded(row, ctx);
  return {
    resourceType: 'Observation',
    id: resourceId('Observation', row.id),
    identifier: [{ system: ROW_ID_SYSTEM, value: row.id }, ...(row.groupId ? [{ system: ROW_GROUP_SYSTEM, value: row.groupId }] : [])],
    ...common(row, row.flags, ctx),
    ...(c.category ? { category: category(c.category) } : {}),
    code: c.code,
    ...quantityOrAbsent(c.value, c.unit),
  } as FhirObservation;
}

const PANEL_METRICS: ReadonlySet<Metric> = new Set(['blood-pressure-systolic', 'blood-pressure-diastolic', 'blood-pressure-mean']);
const PANEL_ORDER: Metric[] = ['blood-pressure-systolic', 'blood-pressure-diastolic', 'blood-pressure-mean'];

/** A blood-pressure measurement (systolic, diastolic, optionally mean) as the 85354-9 panel with components. */
export function bloodPressureToFhir(groupId: string, rows: readonly Observation[], ctx: ObservationContext): FhirObservation {
  const sorted = [...rows].sort((a, b) => PANEL_ORDER.indexOf(a.metric) - PANEL_ORDER.indexOf(b.metric));
  const first = sorted[0]!;
  const flags = [...new Set(sorted.flatMap((r) => r.flags))];
  const component: ObservationComponent[] = sorted.map((r) => {
    const c = coded(r, ctx);
    return { extension: [{ url: EXT_COMPONENT_ROW_ID, valueString: r.id }], code: c.code, ...quantityOrAbsent(c.value, c.unit) };
  });
  const panel = LOINC_CODES.bpPanel;
  return {
    resourceType: 'Observation',
    id: derivedId('Observation', 'panel', groupId),
    identifier: [{ system: ROW_GROUP_SYSTEM, value: groupId }],
    ...common(first, flags, ctx),
    category: category('vital-signs'),
    code: { coding: [{ system: LOINC, code: panel.code, display: panel.display }, { system: METRIC_SYSTEM, code: 'blood-pressure' }], text: 'Blood pressure' },
    component,
  };
}

/**
 * A patient's point readings as Observations: readings of one blood-pressure measurement
 * (same groupId) become one panel; every other reading its own Observation.
 */
export function observationsToFhir(rows: readonly Observation[], ctx: ObservationContext): FhirObservation[] {
  const panels = new Map<string, Observation[]>();
  const out: FhirObservation[] = [];
  for (const r of rows) {
    if (r.groupId && PANEL_METRICS.has(r.metric)) {
      let list = panels.get(r.groupId);
      if (!list) panels.set(r.groupId, (list = []));
      list.push(r);
    }
  }
  const emitted = new Set<string>();
  for (const r of rows) {
    const group = r.groupId ? panels.get(r.groupId) : undefined;
    if (group && PANEL_METRICS.has(r.metric) && group.some((g) => g.metric !== 'blood-pressure-mean')) {
      if (!emitted.has(r.groupId!)) {
        emitted.add(r.groupId!);
        out.push(bloodPressureToFhir(r.groupId!, group, ctx));
      }
      continue;
    }
    out.push(observationToFhir(r, ctx));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Import

/** A reading read back from FHIR: everything but the patient, clinic and import session. */
export interface ImportedReading {
  id: string;
  metric: Metric;
  value: number;
  unit: string;
  timeMs: number;
  receivedMs?: number;
  grade: 'clinical' | 'consumer';
  flags: QualityFlag[];
  groupId?: string;
}

export type ReadingsFromFhir = { ok: true; readings: ImportedReading[] } | { ok: false; reason: string };

export function metricOf(code: CodeableConcept | undefined): { metric?: Metric; unsupported?: string } {
  const own = code?.coding?.find((c) => c.system === METRIC_SYSTEM && c.code)?.code;
  if (own && isMetric(own)) return { metric: own };
  for (const c of code?.coding ?? []) {
    if (c.system !== LOINC || !c.code) continue;
    const m = metricOfLoinc(c.code);
    if (m === 'sleep-duration') return { unsupported: `LOINC ${c.code} (sleep duration) is not a metric CareLoop stores yet` };
    if (m) return { metric: m };
  }
  const codes = (code?.coding ?? []).map((c) => `${c.system ?? '?'}|${c.code ?? '?'}`).join(', ');
  return { unsupported: `no LOINC code CareLoop maps to a metric (${codes || 'no coding'})` };
}

/** The effective time in epoch ms: effectiveDateTime, effectiveInstant or the period's start. */
export function effectiveMs(o: FhirObservation): number | undefined {
  const text = o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.start;
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function valueOf(metric: Metric, q: Quantity | undefined, absent: CodeableConcept | undefined): { value: number; unit: string } | { reason: string } {
  const canonical = metricCode(metric)?.unit;
  if (!q) {
    if (absent) return { value: Number.NaN, unit: canonical ?? '' };
    return { reason: 'no valueQuantity and no dataAbsentReason' };
  }
  if (typeof q.value !== 'number' || !Number.isFinite(q.value)) return { reason: 'valueQuantity has no numeric value' };
  const unit = q.code ?? q.unit ?? '';
  if (!canonical) return { value: q.value, unit };
  const v = toCanonicalUnit(q.value, unit, canonical);
  return v === undefined ? { reason: `unit "${unit}" cannot be converted to ${canonical} for ${metric}` } : { value: v, unit: canonical };
}

function tagsOf(o: FhirObservation): { grade: 'clinical' | 'consumer'; flags: QualityFlag[] } {
  const tags = o.meta?.tag ?? [];
  const grade = tags.find((t) => t.system === SOURCE_GRADE_SYSTEM)?.code === 'consumer' ? 'consumer' : 'clinical';
  const flags = tags.filter((t) => t.system === QUALITY_FLAG_SYSTEM && t.code && isQualityFlag(t.code)).map((t) => t.code as QualityFlag);
  return { grade, flags };
}

/**
 * Point readings of an Observation. Ids are deterministic so a re-import adds nothing:
 * CareLoop's own row id when the resource carries it, else the source system and the
 * resource id, else the device, time and code.
 */
export function readingsFromFhir(o: FhirObservation, sourceSystem: string): ReadingsFromFhir {
  if (o.status === 'entered-in-error' || o.status === 'cancelled') return { ok: false, reason: `status ${o.status}: not a reading to import` };
  const timeMs = effectiveMs(o);
  if (timeMs === undefined) return { ok: false, reason: 'no effective time (effectiveDateTime, effectiveInstant or effectivePeriod.start)' };
  const issued = o.issued ? Date.parse(o.issued) : Number.NaN;
  const { grade, flags } = tagsOf(o);
  const rowId = o.identifier?.find((i) => i.system === ROW_ID_SYSTEM && i.value)?.value;
  const ownGroup = o.identifier?.find((i) => i.system === ROW_GROUP_SYSTEM && i.value)?.value;
  const baseKey = o.id ? `fhir:${sourceSystem}|${o.id}` : `fhir:${sourceSystem}|${o.device?.reference ?? ''}|${timeMs}`;
  const base = { timeMs, grade, flags, ...(Number.isFinite(issued) ? { receivedMs: issued } : {}) };
  if (o.component?.length) {
    const groupId = ownGroup ?? baseKey;
    const readings: ImportedReading[] = [];
    for (const [k, c] of o.component.entries()) {
      const m = metricOf(c.code);
      if (!m.metric) return { ok: false, reason: `component ${k}: ${m.unsupported}` };
      const v = valueOf(m.metric, c.valueQuantity, c.dataAbsentReason);
      if ('reason' in v) return { ok: false, reason: `component ${k}: ${v.reason}` };
      const own = c.extension?.find((e) => e.url === EXT_COMPONENT_ROW_ID)?.valueString;
      readings.push({ ...base, id: own ?? `${groupId}|${m.metric}`, metric: m.metric, ...v, groupId });
    }
    return { ok: true, readings };
  }
  const m = metricOf(o.code);
  if (!m.metric) return { ok: false, reason: m.unsupported! };
  const v = valueOf(m.metric, o.valueQuantity, o.dataAbsentReason);
  if ('reason' in v) return { ok: false, reason: v.reason };
  const id = rowId ?? (o.id ? baseKey : `${baseKey}|${m.metric}`);
  return { ok: true, readings: [{ ...base, id, metric: m.metric, ...v, ...(ownGroup ? { groupId: ownGroup } : {}) }] };
}
