import type { Metric } from '../../../common/readings/observation';
import type { PatientRuleContext } from '../../../renderer/src/engine/rules/context';
import type { RuleReading } from '../../../renderer/src/engine/rules/evaluate';
import { parseRule, type Condition, type RuleDefinition, type RuleInput } from '../../../renderer/src/engine/rules/rule';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

const UNITS: Partial<Record<Metric, string>> = {
  'heart-rate': '/min',
  'pulse-rate': '/min',
  'respiratory-rate': '/min',
  spo2: '%',
  'blood-pressure-systolic': 'mm[Hg]',
  'blood-pressure-diastolic': 'mm[Hg]',
  glucose: 'mg/dL',
  'body-temperature': 'Cel',
  'body-weight': 'kg',
  steps: '1',
};

let seq = 0;
/** A reading; ids are unique per call unless given. */
export function reading(
  patientId: string,
  metric: Metric,
  value: number,
  timeMs: number,
  extra: Partial<Omit<RuleReading, 'source'>> & { grade?: 'clinical' | 'consumer' } = {},
): RuleReading {
  const { grade, ...rest } = extra;
  return { id: `r${++seq}`, patientId, metric, value, unit: UNITS[metric] ?? '1', timeMs, flags: [], source: { grade: grade ?? 'clinical' }, ...rest };
}

export function rule(condition: Condition | RuleInput['condition'], over: Partial<RuleInput> = {}): RuleDefinition {
  return parseRule({ id: 'test-rule', name: 'Test rule', description: 'for tests', source: 'tests', priority: 'medium', condition, ...over });
}

export function ctx(patientId: string, over: Partial<PatientRuleContext> = {}): PatientRuleContext {
  return { patientId, conditions: [], tags: [], programs: [], ...over };
}
