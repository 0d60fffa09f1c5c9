/**
 * Who works with FHIR imports and server exchange (issue 10): administrators and clinicians,
 * the roles that may both export patients' records and create patients and readings
 * (docs/SECURITY.md matrix). The database's permission middleware enforces the writes either way.
 */
export function mayExchangeFhir(role: string | undefined): boolean {
  return role === 'administrator' || role === 'clinician';
}
