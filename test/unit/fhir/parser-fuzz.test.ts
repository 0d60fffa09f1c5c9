import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FhirInputError } from '../../../common/fhir/errors';
import { planImport, type PatientDirectory } from '../../../common/fhir/import-plan';
import { patientToFhir } from '../../../common/fhir/map-patient';
import { observationsToFhir } from '../../../common/fhir/map-observation';
import { parseFhirText, type ParsedInput } from '../../../common/fhir/parse';
import { noDevices, reading, samplePatient, validator } from './kit';

const emptyDirectory: PatientDirectory = { byMrn: async () => undefined, byBirthDate: async () => [], byId: async () => undefined };

/** Parsing gives a result or a FhirInputError — never another exception — and so does planning what parsed. */
async function onlyTypedErrors(text: string): Promise<void> {
  let parsed: ParsedInput;
  try {
    parsed = parseFhirText(text, validator);
  } catch (err) {
    expect(err).toBeInstanceOf(FhirInputError);
    return;
  }
  for (const p of parsed.problems) {
    expect(typeof p.reason).toBe('string');
    expect(Number.isInteger(p.index)).toBe(true);
  }
  await planImport(parsed.entries, parsed.problems, emptyDirectory, { sourceSystem: 'fuzz' });
}

const valid = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [patientToFhir(samplePatient(), 'org'), ...observationsToFhir([
    reading('heart-rate', 70, '/min'),
    reading('blood-pressure-systolic', 120, 'mm[Hg]', { id: 's', groupId: 'g' }),
    reading('blood-pressure-diastolic', 80, 'mm[Hg]', { id: 'd', groupId: 'g' }),
  ], noDevices)].map((resource) => ({ resource })),
};
const validText = JSON.stringify(valid);

/** Replaces the value at a random path of a JSON value with another JSON value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const k = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
  (copy as Record<string, unknown>)[k] = mutate((value as Record<string, unknown>)[k], path.slice(1), replacement);
  return copy;
}

describe('FHIR import parser under random input', () => {
  it('random text gives only typed errors', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), onlyTypedErrors), { numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });

  it('random JSON values and random resources give only typed errors', async () => {
    const resourceLike = fc.record({ resourceType: fc.constantFrom('Patient', 'Observation', 'Bundle', 'Flag', 'Nope', ''), id: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['resourceType'] });
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), resourceLike.chain((r) => fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map((extra) => ({ ...extra, ...r })))), (v) => onlyTypedErrors(JSON.stringify(v) ?? '')), { numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  });

  it('a valid bundle mutated anywhere, truncated or split into lines gives only typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 7 }), fc.jsonValue({ maxDepth: 2 }), fc.nat({ max: validText.length }), async (path, replacement, cut) => {
        await onlyTypedErrors(JSON.stringify(mutate(valid, path, replacement)));
        await onlyTypedErrors(validText.slice(0, cut));
        await onlyTypedErrors(valid.entry.map((e) => JSON.stringify(e.resource)).join('\n').slice(0, cut));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });
});
