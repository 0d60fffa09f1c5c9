/**
 * FHIR's JSON representation forbids what a structure validator reading the resource as
 * data may let through: empty strings, empty objects, empty arrays, and null outside an
 * array of primitives (FHIR R4 §2.6.2 "JSON Representation of Resources"). @medplum/core's
 * validator treats "" and {} as absent, so an importer reading such a resource would meet
 * a string where it expects a list. This check runs before it and names the first offence.
 */
export interface JsonRuleViolation {
  path: string;
  message: string;
}

const MAX_REPORTED = 5;

function walk(value: unknown, path: string, inArray: boolean, out: JsonRuleViolation[]): void {
  if (out.length >= MAX_REPORTED) return;
  if (value === null) {
    if (!inArray) out.push({ path, message: 'null is not a value (leave the element out)' });
    return;
  }
  if (typeof value === 'string') {
    if (value === '') out.push({ path, message: 'empty string (leave the element out)' });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path, message: 'empty list (leave the element out)' });
    value.forEach((v, i) => walk(v, `${path}[${i}]`, true, out));
    return;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push({ path, message: 'empty object (leave the element out)' });
    for (const k of keys) walk((value as Record<string, unknown>)[k], `${path}.${k}`, false, out);
  }
}

/** The first few places a resource breaks FHIR's JSON rules; [] when it keeps them. */
export function jsonRuleViolations(resource: Record<string, unknown>, resourceType: string): JsonRuleViolation[] {
  const out: JsonRuleViolation[] = [];
  for (const k of Object.keys(resource)) walk(resource[k], `${resourceType}.${k}`, false, out);
  return out;
}
