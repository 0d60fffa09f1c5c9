import { nameBasedId } from '../ids';

/**
 * Stable FHIR resource ids. A row whose id is already a FHIR id (UUIDs: at most 64 of
 * [A-Za-z0-9.-], FHIR R4 §2.24.0.1 "id") keeps it; anything else (observation ids such as
 * `serial:seq:metric`, clinic ids, panels, sessions) becomes a name-based UUID of the
 * resource type and the row's key, so the same row always exports under the same id.
 */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function isFhirId(value: string): boolean {
  return FHIR_ID.test(value);
}

export function resourceId(resourceType: string, rowKey: string): string {
  return isFhirId(rowKey) ? rowKey : nameBasedId(`${resourceType}|${rowKey}`);
}

/** An id for a resource that several rows make together (a blood-pressure panel, a session's provenance). */
export function derivedId(resourceType: string, ...parts: string[]): string {
  return nameBasedId(`${resourceType}|${parts.join('|')}`);
}

export function reference(resourceType: string, id: string): { reference: string } {
  return { reference: `${resourceType}/${id}` };
}

/** `Patient/abc` → { type: 'Patient', id: 'abc' }; absolute URLs keep their last two segments. */
export function parseReference(ref: string | undefined): { type: string; id: string } | undefined {
  if (!ref) return undefined;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  if (m) return { type: m[1]!, id: m[2]! };
  const urn = /^urn:uuid:([0-9a-f-]{36})$/i.exec(ref);
  return urn ? { type: '', id: urn[1]! } : undefined;
}

export function instant(ms: number): string {
  return new Date(ms).toISOString();
}
