/**
 * Everything wrong with FHIR input is one of these, with where it was (index in the
 * bundle or line in the NDJSON, the resource's type and id when it had them) and why.
 */
export type FhirProblemCode =
  | 'not-json'
  | 'not-a-resource'
  | 'unknown-resource-type'
  | 'invalid-resource'
  | 'unsupported-bundle-type'
  | 'not-imported'
  | 'unmapped'
  | 'unresolved-reference';

export interface FhirProblem {
  code: FhirProblemCode;
  /** Position of the resource: bundle entry index, or NDJSON line index (from 0). */
  index: number;
  resourceType?: string;
  id?: string;
  reason: string;
}

/** The input as a whole cannot be read (not JSON, not a Bundle, empty). */
export class FhirInputError extends Error {
  override readonly name = 'FhirInputError';
  constructor(
    readonly code: 'not-json' | 'not-a-bundle' | 'unsupported-bundle-type' | 'empty',
    message: string,
  ) {
    super(message);
  }
}
