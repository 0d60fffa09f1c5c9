import { z } from 'zod';
import type { Metric } from '../../common/readings/observation';
import { IngestError, parseInstant, toKg, type IngestedReading } from './reading';

/**
 * FHIR R4 Observations of vital signs (https://hl7.org/fhir/R4/observation-vitalsigns.html),
 * coded with LOINC and valued in UCUM.
 */
const LOINC = 'http://loinc.org';
const Quantity = z.object({ value: z.number(), code: z.string().max(20).optional(), unit: z.string().max(40).optional() });
const Coding = z.object({ system: z.string().max(200).optional(), code: z.string().max(40).optional() });
const Code = z.object({ coding: z.array(Coding).max(20) });

export const FhirObservationSchema = z.object({
  resourceType: z.literal('Observation'),
  id: z.string().min(1).max(64),
  status: z.string().max(32),
  code: Code,
  subject: z.object({ reference: z.string().max(200) }).optional(),
  effectiveDateTime: z.string().optional(),
  effectiveInstant: z.string().optional(),
  effectivePeriod: z.object({ start: z.string().optional(), end: z.string().optional() }).optional(),
  valueQuantity: Quantity.optional(),
  component: z.array(z.object({ code: Code, valueQuantity: Quantity.optional() })).max(10).optional(),
});
export type FhirObservation = z.infer<typeof FhirObservationSchema>;

const SINGLE: Record<string, Metric> = {
  '8867-4': 'heart-rate',
  '29463-7': 'body-weight',
  '2339-0': 'glucose',
  '15074-8': 'glucose',
  '59408-5': 'spo2',
  '2708-6': 'spo2',
};
const BP_PANEL = '85354-9';
const BP_PARTS: Record<string, Metric> = { '8480-6': 'blood-pressure-systolic', '8462-4': 'blood-pressure-diastolic' };

function loincCodes(code: z.infer<typeof Code>): string[] {
  return code.coding.filter((c) => c.system === LOINC && c.code).map((c) => c.code!);
}

function unitFor(metric: Metric, q: z.infer<typeof Quantity>): { value: number; unit: string } {
  const unit = q.code ?? q.unit ?? '';
  if (metric === 'body-weight') return { value: toKg(q.value, unit), unit: 'kg' };
  const accepted: Record<string, string[]> = {
    'heart-rate': ['/min'],
    'blood-pressure-systolic': ['mm[Hg]'],
    'blood-pressure-diastolic': ['mm[Hg]'],
    glucose: ['mg/dL', 'mmol/L'],
    spo2: ['%'],
  };
  if (!accepted[metric]?.includes(unit)) throw new IngestError(`${metric} in ${unit || 'no unit'} is not accepted (UCUM codes: ${accepted[metric]?.join(', ')})`);
  return { value: q.value, unit };
}

const ACCEPTED_STATUS = new Set(['final', 'amended', 'corrected', 'preliminary']);

export function fromFhir(o: FhirObservation): IngestedReading[] {
  if (!ACCEPTED_STATUS.has(o.status)) throw new IngestError(`an Observation with status ${o.status} is not stored`);
  const when = o.effectiveDateTime ?? o.effectiveInstant ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start;
  const base = { sourceId: o.id, timeMs: parseInstant(when), ...(o.subject ? { subject: o.subject.reference } : {}) };
  const codes = loincCodes(o.code);
  if (codes.includes(BP_PANEL)) {
    const parts = (o.component ?? []).flatMap((c) => {
      const metric = loincCodes(c.code).map((k) => BP_PARTS[k]).find((m) => m);
      if (!metric) return [];
      if (!c.valueQuantity) throw new IngestError(`${metric} has no valueQuantity`);
      return [{ ...base, grouped: true, metric, ...unitFor(metric, c.valueQuantity) }];
    });
    if (parts.length !== 2) throw new IngestError('a blood pressure panel needs a systolic (8480-6) and a diastolic (8462-4) component');
    return parts;
  }
  const metric = codes.map((k) => SINGLE[k]).find((m) => m);
  if (!metric) throw new IngestError('the Observation code is not a supported LOINC vital sign');
  if (!o.valueQuantity) throw new IngestError('the Observation has no valueQuantity');
  return [{ ...base, grouped: false, metric, ...unitFor(metric, o.valueQuantity) }];
}
